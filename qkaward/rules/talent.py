"""三(二)4 高端人才项目资助: one-time per person, in the year selected; ID numbers masked everywhere."""

from __future__ import annotations

import polars as pl

from qkaward.frame import conform
from qkaward.policy import Policy
from qkaward.privacy import mask_id_expr
from qkaward.rules._common import award_lines, line_head, money, not_paid
from qkaward.schema import TALENTS

AWARD = "talent.project"


def programme_match(policy_programmes: tuple[str, ...]) -> pl.Expr:
    """The programme text contains one of the listed programme names."""
    col = pl.col("programme").fill_null("")
    return pl.any_horizontal([col.str.contains(name, literal=True) for name in policy_programmes])


def talents(talent_rows: pl.DataFrame, policy: Policy, year: int, paid: pl.DataFrame) -> pl.DataFrame:
    """``talent.project`` lines for ``year`` (credit_code = the enterprise; subject = masked id)."""
    t = policy.talent
    rows = conform(talent_rows, TALENTS).filter(
        (pl.col("year") == year) & programme_match(t.programmes) & pl.col("credit_code").is_not_null()
    )
    rows = rows.with_columns(mask_id_expr(pl.col("id_number")).alias("subject"))
    rows = rows.unique("subject", keep="first", maintain_order=True)
    rows = not_paid(rows, paid, [AWARD], keys=("subject",))
    out = rows.select(
        *line_head(year, AWARD, t.label, t.amount_yuan, t.clause, t.department),
        pl.lit("confirmed").alias("status"),
        pl.format(
            "{}（证件号{}）{}年入选{}，在本企业创新创业，项目资助{}",
            pl.col("person").fill_null(""),
            pl.col("subject"),
            pl.lit(year),
            pl.col("programme"),
            pl.lit(money(t.amount_yuan)),
        ).alias("reason"),
        "subject",
    )
    return award_lines(out)
