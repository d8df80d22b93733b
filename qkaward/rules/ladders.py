"""三(二)1 营业收入阶梯奖励: first reach of a tier (one-time, 就高不重复, 补差) and the growth bonus.

One parameterised code path serves every tier; the tiers, thresholds, amounts and switches all come
from :class:`qkaward.policy.Ladder`.
"""

from __future__ import annotations

import polars as pl

from qkaward.frame import ENGINE
from qkaward.policy import Policy, Tier
from qkaward.rules._common import at_least_times, award_lines, line_head, money, money_expr, ratio_text

FIRST = "ladder.first_reach."
GROWTH = "ladder.growth."


def revenue_threshold(tier: Tier) -> pl.Expr:
    return (
        pl.when(pl.col("group") == "main")
        .then(pl.lit(tier.revenue_main_yuan))
        .when(pl.col("group") == "other")
        .then(pl.lit(tier.revenue_other_yuan))
        .otherwise(pl.lit(None, dtype=pl.Int64))
    )


def _first_and_due(tier: Tier) -> tuple[pl.Expr, pl.Expr]:
    """Within one enterprise's rows: the first year it reached ``tier``, and the year its first-reach
    award fell due (that year, if it also holds the tier then)."""
    first = pl.col("year").filter(pl.col(f"reach_{tier.id}")).min()
    due = pl.col("year").filter((pl.col("year") == first) & pl.col(f"holds_{tier.id}")).min()
    return first.alias(f"first_{tier.id}"), due.alias(f"due_{tier.id}")


def ladder_flags(frame: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Add, per tier id k: ``rev_k``, ``fis_k``, ``holds_k`` (this year), ``due_k`` (the year its
    first-reach award fell due, over the whole history), ``award_year_k`` (the year it is awarded
    after 就高不重复) and ``tier`` (the highest tier held this year). One lazy plan, collected once."""
    lad = policy.ladder
    # the enterprise as a run number (the frame is sorted by enterprise and year)
    f = frame.lazy().with_columns(pl.col("credit_code").rle_id().alias("_enterprise"))
    f = f.with_columns(
        *[
            (pl.col("revenue_yuan") >= revenue_threshold(t)).fill_null(False).alias(f"rev_{t.id}")
            for t in lad.tiers
        ],
        *[(pl.col("fiscal_yuan") >= t.fiscal_yuan).fill_null(False).alias(f"fis_{t.id}") for t in lad.tiers],
    )
    f = f.with_columns(
        *[(pl.col(f"rev_{t.id}") & pl.col(f"fis_{t.id}")).alias(f"holds_{t.id}") for t in lad.tiers]
    )
    basis = "holds_" if lad.first_reach_basis == "both" else "rev_"
    reach = []
    for i, t in enumerate(lad.tiers):  # k or any higher tier (tiers are listed highest first)
        reach.append(
            pl.any_horizontal([pl.col(f"{basis}{u.id}") for u in lad.tiers[: i + 1]]).alias(f"reach_{t.id}")
        )
    flags = f.with_columns(reach).collect(engine=ENGINE)
    # Per enterprise and tier: the first year it reached the tier, and the year the first-reach award
    # fell due (that year, if it also holds the tier then; revenue basis: a fiscal shortfall forfeits).
    # Only rows that reach some tier count: grouped alone (a few thousand rows in a city) and looked up
    # by run number, instead of six windows over every enterprise (a million: 0.98 s).
    reached = (
        flags.filter(pl.col(f"reach_{lad.tiers[-1].id}"))
        .group_by("_enterprise")
        .agg(expr for t in lad.tiers for expr in _first_and_due(t))
    )
    runs = flags.get_column("_enterprise").max()
    size = 0 if runs is None else runs + 1
    by_run = [
        pl.repeat(None, size, dtype=pl.Int32, eager=True)
        .scatter(reached.get_column("_enterprise"), reached.get_column(c))
        .alias(c)
        for c in [f"first_{t.id}" for t in lad.tiers] + [f"due_{t.id}" for t in lad.tiers]
    ]
    f = flags.lazy().with_columns(pl.lit(v).gather(pl.col("_enterprise")).alias(v.name) for v in by_run)
    awarded = []
    for i, t in enumerate(lad.tiers):
        due = pl.col(f"due_{t.id}")
        if lad.same_year == "highest" and i:
            higher_same = pl.any_horizontal(
                [(pl.col(f"due_{u.id}") == due).fill_null(False) for u in lad.tiers[:i]]
            )
            due = pl.when(higher_same).then(pl.lit(None, dtype=pl.Int32)).otherwise(due)
        awarded.append(due.alias(f"award_year_{t.id}"))
    f = f.with_columns(awarded)
    tier_expr = pl.lit(None, dtype=pl.String)
    for t in reversed(lad.tiers):
        tier_expr = pl.when(pl.col(f"holds_{t.id}")).then(pl.lit(t.id)).otherwise(tier_expr)
    return f.with_columns(tier_expr.alias("tier")).drop("_enterprise").collect(engine=ENGINE)


def first_reach(flags: pl.DataFrame, policy: Policy, year: int, paid: pl.DataFrame) -> pl.DataFrame:
    """``ladder.first_reach.tk`` lines for ``year`` (schema.AWARD_LINE)."""
    lad = policy.ladder
    # only the rows awarded a first reach this year (every tier's lines below are among them) are taken
    # and joined, not the year's third of the frame with all its columns
    due = pl.any_horizontal(pl.col(f"award_year_{t.id}") == year for t in lad.tiers)
    rows = flags.lazy().filter((pl.col("year") == year) & due)
    ladder_paid = paid.filter(pl.col("award").str.starts_with(FIRST))
    per_ent = ladder_paid.group_by("credit_code").agg(
        pl.col("amount_yuan").sum().alias("paid_sum"),
        *[(pl.col("award") == FIRST + t.id).any().alias(f"paid_{t.id}") for t in lad.tiers],
    )
    rows = (
        rows.join(per_ent.lazy(), on="credit_code", how="left")
        .with_columns(
            pl.col("paid_sum").fill_null(0), *[pl.col(f"paid_{t.id}").fill_null(False) for t in lad.tiers]
        )
        .collect(engine=ENGINE)
    )
    parts = []
    for i, t in enumerate(lad.tiers):
        blocked = pl.any_horizontal([pl.col(f"paid_{u.id}") for u in lad.tiers[: i + 1]])
        due_unpaid = [
            (
                (pl.col(f"award_year_{u.id}") >= policy.period_start)
                & (pl.col(f"award_year_{u.id}") < year)
                & ~pl.col(f"paid_{u.id}")
            ).fill_null(False)
            for u in lad.tiers[i + 1 :]
        ]
        lower_missing = (
            pl.any_horizontal(due_unpaid) if due_unpaid and lad.upgrade == "top_up" else pl.lit(False)
        )
        deduct = pl.col("paid_sum") if lad.upgrade == "top_up" else pl.lit(0, dtype=pl.Int64)
        history = pl.col("revenue_prev_yuan").is_null() | pl.col("fiscal_prev_yuan").is_null()
        rev_thr = revenue_threshold(t)
        group_label = (
            pl.when(pl.col("group") == "main")
            .then(pl.lit(lad.group_labels["main"]))
            .otherwise(pl.lit(lad.group_labels["other"]))
        )
        reason = pl.concat_str(
            pl.format(
                "营业收入{}≥{}（{}标准），区级财政贡献{}≥{}，{}年首次达到{}标准（{}），奖励{}",
                money_expr(pl.col("revenue_yuan")),
                money_expr(rev_thr),
                group_label,
                money_expr(pl.col("fiscal_yuan")),
                pl.lit(money(t.fiscal_yuan)),
                pl.lit(year),
                pl.lit(t.label),
                pl.lit(t.clause),
                pl.lit(money(t.first_reach_yuan)),
            ),
            pl.when(deduct > 0)
            .then(pl.format("，扣减台账已发放阶梯奖励{}（补差）", money_expr(deduct)))
            .otherwise(pl.lit("")),
            pl.when(history)
            .then(pl.lit("；上年营业收入或区级财政贡献缺失，历史不完整，需核实是否确属首次达到"))
            .otherwise(pl.lit("")),
            pl.when(lower_missing)
            .then(pl.lit("；较低档次的首次达到奖励已在政策期内到期但台账无发放记录，补差金额需核实"))
            .otherwise(pl.lit("")),
        )
        part = rows.filter((pl.col(f"award_year_{t.id}") == year) & ~blocked).select(
            *line_head(
                year,
                FIRST + t.id,
                f"{t.label}首次达到奖励",
                (pl.lit(t.first_reach_yuan, dtype=pl.Int64) - deduct),
                t.clause,
                lad.department,
            ),
            pl.when(history | lower_missing)
            .then(pl.lit("needs_review"))
            .otherwise(pl.lit("confirmed"))
            .alias("status"),
            reason.alias("reason"),
            pl.lit(i).alias("_rank"),
        )
        parts.append(part)
    out = pl.concat(parts, how="vertical")
    if lad.same_year == "highest":
        out = out.sort("_rank").unique("credit_code", keep="first", maintain_order=True)
    return award_lines(out.filter(pl.col("amount_yuan") > 0))


def growth(flags: pl.DataFrame, policy: Policy, year: int) -> pl.DataFrame:
    """``ladder.growth.tk`` lines for ``year``: tier k this year and fiscal ≥ ratio × last year's."""
    lad = policy.ladder
    rows = flags.lazy().filter(pl.col("year") == year)  # a plan: only the columns the lines use are filtered
    prev = pl.col("fiscal_prev_yuan")
    ok = (prev > 0) & at_least_times(pl.col("fiscal_yuan"), prev, lad.growth_ratio)
    parts = []
    for t in lad.tiers:
        parts.append(
            rows.filter((pl.col("tier") == t.id) & ok.fill_null(False)).select(
                *line_head(
                    year, GROWTH + t.id, f"{t.label}财政贡献增长奖励", t.growth_yuan, t.clause, lad.department
                ),
                pl.lit("confirmed").alias("status"),
                pl.format(
                    "{}年达到{}标准，区级财政贡献{}≥上年{}的{}倍，奖励{}",
                    pl.lit(year),
                    pl.lit(t.label),
                    money_expr(pl.col("fiscal_yuan")),
                    money_expr(prev),
                    pl.lit(ratio_text(lad.growth_ratio)),
                    pl.lit(money(t.growth_yuan)),
                ).alias("reason"),
            )
        )
    return award_lines(pl.concat(parts, how="vertical").collect(engine=ENGINE))
