"""Helpers shared by the rule modules: exact money text, ratio tests, award-line and paid frames."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import polars as pl

from qkaward import schema
from qkaward.exact_text import decimal_text
from qkaward.frame import conform
from qkaward.policy import YUAN_UNITS

#: Awards already paid (the ledger), as passed to :func:`qkaward.rules.run`.
PAID: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "award": pl.String(),
    "year": pl.Int32(),
    "amount_yuan": pl.Int64(),
    "subject": pl.String(),
}

_YI = YUAN_UNITS["亿元"]
_WAN = YUAN_UNITS["万元"]


def money(yuan: int | None) -> str:
    """Exact Chinese money text: 5230000000 → "52.3亿元", 50000 → "5万元", 1234 → "1234元"."""
    if yuan is None:
        return "无数据"
    sign = "-" if yuan < 0 else ""
    a = abs(yuan)
    for unit, label in ((_YI, "亿元"), (_WAN, "万元")):
        if a >= unit:
            text = format((Decimal(a) / unit).normalize(), "f")
            return f"{sign}{text}{label}"
    return f"{sign}{a}元"


def money_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`money` as a Polars expression (exact: integer division and zero-padded remainders)."""
    a = expr.abs()

    def part(unit: int, label: str) -> pl.Expr:
        return decimal_text(a, unit) + pl.lit(label)

    body = (
        pl.when(a >= _YI)
        .then(part(_YI, "亿元"))
        .when(a >= _WAN)
        .then(part(_WAN, "万元"))
        .otherwise(a.cast(pl.String) + pl.lit("元"))
    )
    sign = pl.when(expr < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.when(expr.is_null()).then(pl.lit("无数据")).otherwise(sign + body)


def ratio_text(r: Fraction) -> str:
    """1.15 → "1.15"."""
    return format((Decimal(r.numerator) / Decimal(r.denominator)).normalize(), "f")


def at_least_times(value: pl.Expr, base: pl.Expr, ratio: Fraction) -> pl.Expr:
    """value ≥ ratio × base, exactly in integers (value × den ≥ base × num)."""
    return value * ratio.denominator >= base * ratio.numerator


def lit_list(values: tuple[str, ...] | list[str]) -> pl.Expr:
    """A list literal for ``is_in``."""
    return pl.Series(list(values), dtype=pl.String).implode()


def event_rows(events: pl.DataFrame | None) -> pl.DataFrame:
    """Events conformed to schema.EVENTS, the year taken from the date when the year is missing."""
    ev = conform(events, schema.EVENTS)
    return ev.with_columns(pl.coalesce("year", pl.col("date").dt.year().cast(pl.Int32)).alias("year"))


def paid_before(paid: pl.DataFrame | None, year: int) -> pl.DataFrame:
    """The ledger rows of years before ``year`` (what counts as already paid for ``year``)."""
    p = conform(paid, PAID)
    return p.filter(pl.col("year") < year).with_columns(pl.col("subject").fill_null(""))


def line_head(
    year: int, award: str, label: str, amount: int | pl.Expr, clause: str, department: str | pl.Expr
) -> list[pl.Expr | str]:
    """The leading columns every award line shares (SPEC §8): enterprise, year, award, label, amount,
    clause and department; each rule adds status, reason and subject."""
    return [
        "credit_code",
        "name",
        pl.lit(year, dtype=pl.Int32).alias("year"),
        pl.lit(award).alias("award"),
        pl.lit(label).alias("label"),
        (pl.lit(amount, dtype=pl.Int64) if isinstance(amount, int) else amount.cast(pl.Int64)).alias(
            "amount_yuan"
        ),
        pl.lit(clause).alias("clause"),
        (pl.lit(department) if isinstance(department, str) else department).alias("department"),
    ]


def award_lines(df: pl.DataFrame) -> pl.DataFrame:
    """Conform rule output to schema.AWARD_LINE (``subject`` defaults to "")."""
    out = conform(df, schema.AWARD_LINE)
    return out.with_columns(pl.col("subject").fill_null(""), pl.col("name").fill_null(""))


def not_paid(
    df: pl.DataFrame, paid: pl.DataFrame, awards: list[str], keys: tuple[str, ...] = ("credit_code",)
) -> pl.DataFrame:
    """Rows of ``df`` without a paid record of any of ``awards`` for the same ``keys`` (the subject)."""
    keys = list(keys)
    hit = paid.filter(pl.col("award").is_in(lit_list(awards))).select(keys).unique()
    return df.join(hit, on=keys, how="anti")


def names(frame: pl.DataFrame, inputs: schema.Inputs, codes: pl.Series) -> pl.DataFrame:
    """credit_code → best known name (frame rows, then master data, events, incubators, talents), for
    the enterprises in ``codes`` (the award lines': a few thousand, not the city's millions)."""
    if codes.is_empty():
        return pl.DataFrame(schema={"credit_code": pl.String, "name_known": pl.String})
    wanted = pl.col("credit_code").is_in(codes.unique().implode())
    parts = [frame.select("credit_code", "name").filter(wanted)]
    for df in (inputs.enterprises, inputs.events, inputs.incubators, inputs.talents):
        if df is not None and {"credit_code", "name"} <= set(df.columns):
            parts.append(
                df.select(pl.col("credit_code").cast(pl.String), pl.col("name").cast(pl.String)).filter(
                    wanted
                )
            )
    allnames = pl.concat(parts, how="vertical").drop_nulls()
    return allnames.unique("credit_code", keep="first", maintain_order=True).rename({"name": "name_known"})
