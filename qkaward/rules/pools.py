"""SPEC §7 培育库: which pools each enterprise is in for a year, and the classify table."""

from __future__ import annotations

from typing import TypeVar

import polars as pl

from qkaward import schema
from qkaward.frame import ENGINE, conform, conform_exprs
from qkaward.policy import Policy
from qkaward.rules._common import at_least_times, event_rows, lit_list
from qkaward.rules.ladders import revenue_threshold

#: pool_flags works on an eager or a lazy frame and returns the same kind.
FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)

CLASSIFY: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "industry_code": pl.String(),
    "group": pl.String(),
    "revenue_yuan": pl.Int64(),
    "fiscal_yuan": pl.Int64(),
    "tier": pl.String(),
    "pools": pl.List(pl.String()),
}


def listed_by(events: pl.DataFrame, policy: Policy, year: int) -> pl.DataFrame:
    """credit_code of enterprises with a listing event (targets.new_listings events) up to ``year``."""
    spec = next(t for t in policy.targets.items if t.id == "new_listings")
    ev = event_rows(events)
    hit = ev.filter(pl.col("event").is_in(lit_list(spec.options["events"])) & (pl.col("year") <= year))
    return hit.select("credit_code").unique().with_columns(pl.lit(True).alias("listed_event"))


def _valuation_at_least(min_usd: int, policy: Policy) -> pl.Expr:
    rate = policy.usd_cny_rate
    usd = pl.col("valuation_usd") >= min_usd
    cny = pl.col("valuation_yuan") * rate.denominator >= pl.lit(min_usd) * rate.numerator
    return usd.fill_null(False) | cny.fill_null(False)


def pool_flags(rows: FrameT, policy: Policy, year: int) -> FrameT:
    """Add one boolean column per pool id (``pool:<id>``) to the rows of ``year``."""
    po = policy.pools
    fa = pl.col("four_above").fill_null(False)
    rev, prev = pl.col("revenue_yuan"), pl.col("revenue_prev_yuan")
    age = pl.lit(year) - pl.col("founded").dt.year().cast(pl.Int32)
    unlisted = ~pl.col("listed").fill_null(False) & ~pl.col("listed_event").fill_null(False)
    cols = {}
    for t in policy.ladder.tiers:
        cols[f"ladder_pool.{t.id}"] = ~pl.col(f"holds_{t.id}").fill_null(False) & at_least_times(
            rev, revenue_threshold(t), po.ladder_share
        )
    cols["four_above"] = fa
    cols["high_growth"] = fa & (prev > 0) & at_least_times(rev, prev, po.high_growth)
    cols["pre_four_above"] = ~fa & at_least_times(rev, pl.col("nbs_threshold_yuan"), po.pre_four_above_share)
    bands = [
        (rev >= b.revenue_min_yuan)
        & ((rev <= b.revenue_max_yuan) if b.max_inclusive else (rev < b.revenue_max_yuan))
        & at_least_times(rev, prev, b.revenue_growth)
        for b in po.gazelle_bands
    ]
    cols["gazelle"] = (age >= 0) & (age <= po.gazelle_max_age) & (prev > 0) & pl.any_horizontal(bands)
    unicorn = (
        (age >= 0) & (age <= po.unicorn_max_age) & unlisted & _valuation_at_least(po.unicorn_min_usd, policy)
    )
    cols["unicorn"] = unicorn
    young = (
        (age >= 0)
        & (age <= po.pre_unicorn_young_max_age)
        & _valuation_at_least(po.pre_unicorn_young_min_usd, policy)
    )
    older = (
        (age > po.pre_unicorn_young_max_age)
        & (age <= po.pre_unicorn_older_max_age)
        & _valuation_at_least(po.pre_unicorn_older_min_usd, policy)
    )
    cols["pre_unicorn"] = (
        ~unicorn.fill_null(False) & unlisted & (young.fill_null(False) | older.fill_null(False))
    )
    return rows.with_columns([e.fill_null(False).alias(f"pool:{k}") for k, e in cols.items()])


#: Joins the pool ids in :func:`pool_list`; pool ids are policy identifiers and never contain it.
_SEP = "\x1f"  # not-policy: ASCII unit separator


def pool_list(ids: list[str]) -> pl.Expr:
    """The ids whose ``pool:<id>`` column is true, in order, as a list (joined text split once: far
    faster than building a list of nulls and dropping them)."""
    assert not any(_SEP in i for i in ids)
    flags = [pl.col(f"pool:{i}") for i in ids]
    if not flags:
        return pl.lit([], dtype=pl.List(pl.String))
    text = pl.concat_str(
        [pl.when(f).then(pl.lit(i + _SEP)) for f, i in zip(flags, ids, strict=True)], ignore_nulls=True
    )
    return (
        pl.when(pl.any_horizontal(flags))
        .then(text.str.strip_suffix(_SEP).str.split(_SEP))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )


def classify(flags: pl.DataFrame, inputs: schema.Inputs, policy: Policy, year: int) -> pl.DataFrame:
    """One row per enterprise for ``year`` (frame rows plus master-data-only enterprises), with pools.

    The CLASSIFY columns come first; every frame column and one boolean ``pool:<id>`` per pool follow.
    """
    rows = flags.lazy().filter(pl.col("year") == year)
    have = flags.columns
    master = conform(inputs.enterprises, schema.ENTERPRISES).lazy().unique("credit_code", keep="first")
    only = master.join(rows.select("credit_code"), on="credit_code", how="anti").with_columns(
        pl.lit(year, dtype=pl.Int32).alias("year")
    )
    rows = pl.concat(
        [rows, only.select(c for c in [*schema.ENTERPRISES, "year"] if c in have)], how="diagonal_relaxed"
    )
    rows = rows.join(listed_by(inputs.events, policy, year).lazy(), on="credit_code", how="left")
    rows = pool_flags(rows, policy, year)
    names = rows.collect_schema().names()
    ids = [c.removeprefix("pool:") for c in names if c.startswith("pool:")]
    out = rows.with_columns(pool_list(ids).alias("pools"))
    rest = [c for c in [*names, "pools"] if c not in CLASSIFY]
    out = out.select(*conform_exprs(CLASSIFY, [*names, "pools"]), *rest).sort("credit_code")
    return out.collect(engine=ENGINE)


def classify_public(full: pl.DataFrame) -> pl.DataFrame:
    """The classify table as RunResult exposes it (SPEC §9 columns)."""
    return conform(full, CLASSIFY)
