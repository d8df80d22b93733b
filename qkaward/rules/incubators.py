"""三(二)3 孵化载体: per new high-tech tenant, the scale award, the recognition subsidy (payee: operator)."""

from __future__ import annotations

import polars as pl

from qkaward.frame import conform
from qkaward.policy import Policy
from qkaward.rules._common import award_lines, line_head, lit_list, money, not_paid
from qkaward.schema import INCUBATORS

HIGHTECH, SCALE, RECOGNIZED = "incubator.hightech", "incubator.scale", "incubator.recognized"

#: How the levels of schema.INCUBATOR_LEVELS are written in Chinese.
LEVEL_LABELS = {"district": "区级", "city": "市级", "province": "省级", "national": "国家级"}


def incubator_rows(incubators: pl.DataFrame, year: int) -> pl.DataFrame:
    """The carriers' rows for ``year``, one per operator × carrier."""
    inc = conform(incubators, INCUBATORS).filter(pl.col("year") == year)
    return inc.unique(["credit_code", "carrier"], keep="first", maintain_order=True).sort(
        ["credit_code", "carrier"]
    )


def _head(year: int, award: str, label: str, amount: pl.Expr, clause: str, dept: str) -> list[pl.Expr | str]:
    return [*line_head(year, award, label, amount, clause, dept), pl.lit("confirmed").alias("status")]


def incubators(incubators: pl.DataFrame, policy: Policy, year: int, paid: pl.DataFrame) -> pl.DataFrame:
    """All incubator lines for ``year``."""
    p = policy.incubator
    rows = incubator_rows(incubators, year).with_columns(pl.col("name").fill_null(pl.col("carrier")))
    hightech = rows.filter(pl.col("new_hightech") > 0).select(
        *_head(
            year,
            HIGHTECH,
            p.hightech_label,
            pl.col("new_hightech") * p.hightech_each_yuan,
            p.hightech_clause,
            p.department,
        ),
        pl.format(
            "{}{}年新认定高新技术企业{}家×{}",
            pl.col("carrier"),
            pl.lit(year),
            pl.col("new_hightech"),
            pl.lit(money(p.hightech_each_yuan)),
        ).alias("reason"),
        pl.col("carrier").alias("subject"),
    )
    big = rows.filter(
        (pl.col("tenants_total") >= p.min_tenants_total)
        & (pl.col("new_tenants") >= p.min_new_tenants)
        & (pl.col("new_hightech") >= p.min_new_hightech)
    )
    big = not_paid(big, paid, [SCALE]).unique("credit_code", keep="first", maintain_order=True)
    scale = big.select(
        *_head(year, SCALE, p.scale_label, pl.lit(p.scale_amount_yuan), p.scale_clause, p.department),
        pl.format(
            "{}入驻企业{}家≥{}家，{}年新增入驻{}家≥{}家，新认定高新技术企业{}家≥{}家，一次性奖励{}",
            pl.col("carrier"),
            pl.col("tenants_total"),
            pl.lit(p.min_tenants_total),
            pl.lit(year),
            pl.col("new_tenants"),
            pl.lit(p.min_new_tenants),
            pl.col("new_hightech"),
            pl.lit(p.min_new_hightech),
            pl.lit(money(p.scale_amount_yuan)),
        ).alias("reason"),
        pl.lit("").alias("subject"),
    )
    rec = rows.filter((pl.col("recognized_year") == year) & pl.col("level").is_in(lit_list(p.levels)))
    rec = not_paid(
        rec.with_columns(pl.col("carrier").alias("subject")),
        paid,
        [RECOGNIZED],
        keys=("credit_code", "subject"),
    )
    recognized = rec.select(
        *_head(
            year,
            RECOGNIZED,
            p.recognized_label,
            pl.lit(p.recognized_amount_yuan),
            p.recognized_clause,
            p.department,
        ),
        pl.format(
            "{}于{}年认定为{}孵化载体（区级以上），一次性补贴{}",
            pl.col("carrier"),
            pl.lit(year),
            pl.col("level").replace_strict(LEVEL_LABELS, default=pl.col("level")),
            pl.lit(money(p.recognized_amount_yuan)),
        ).alias("reason"),
        "subject",
    )
    return award_lines(pl.concat([hightech, scale, recognized], how="vertical"))
