"""Vectorised cell parsers: raw text column → typed value and a Chinese error per bad cell.

A parser names the cleaned text column it reads (:func:`clean`) and the value and error columns it
writes, and returns :data:`Stages`: lists of expressions applied one ``with_columns`` after another,
each stage reading the columns the earlier ones made. Materialising intermediate columns this way
computes every sub-expression once; a nested ``when/then`` that repeats a sub-expression was 3× slower
even in a lazy plan (measured in issue [5/6]). The reader runs stage *i* of all columns together so
that Polars spreads the columns over the cores.

``value`` is null for a missing or bad cell; ``error`` is null for a good or missing cell, else the
reason the cell could not be used. Missing means blank or one of the ``[missing]`` values of
columns.toml ("-", "—" …). Money is converted exactly: text → Decimal → × unit factor → integer 元,
rounding half up; no float is involved.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import polars as pl

from qkaward.inputs.columns import ColumnConfig

#: Expression lists applied in order (``frame.with_columns(stage)`` for each stage).
Stages = list[list[pl.Expr]]

#: Largest absolute amount accepted in 元 (10^16 元 = 1亿亿元); anything larger is a unit or typing error.
MAX_YUAN = 10**16
#: Excel's day zero for serial dates (1900 date system, with its 1900-02-29 bug absorbed).
EXCEL_EPOCH = date(1899, 12, 30)
#: Prefix of the intermediate columns parsers make; the reader drops them.
TEMP = "__tmp_"

_FULL_DIGITS = [chr(c) for c in range(0xFF10, 0xFF1A)] + ["，", "．", "－", "＋", "　", "﹣", "−"]
_HALF_DIGITS = [chr(c) for c in range(0x30, 0x3A)] + [",", ".", "-", "+", " ", "-", "-"]
#: Amounts are read as Decimal(38, 9): fastexcel gives a number cell as its value rounded to 9 decimals,
#: so every cell is read as it shows, and an amount in 亿元 keeps whole 元 (8 decimals). (At 6 decimals,
#: 1.23456789 亿元 was read as 123,456,800 元.) Up to 29 digits before the point.
_DECIMAL = pl.Decimal(38, 9)


#: Matches a cell that holds a full-width digit or sign (see :func:`clean`).
FULL_WIDTH = "[" + "".join(_FULL_DIGITS) + "]"


#: A cell of nothing but digits, with an optional decimal part ("2020", "1234.56"): cleaning leaves
#: it as it is (no spaces, full-width characters or thousands separators), so a column whose every cell
#: is plain (or empty) skips those steps — the usual export, where they took half of a sheet's parsing.
PLAIN = r"^[0-9]+(?:\.[0-9]+)?$"


def plain_allowed(cfg: ColumnConfig) -> bool:
    """Whether the plain shortcut keeps every result: no missing-value marker looks like a number."""
    return not any(re.fullmatch(PLAIN, marker) for marker in cfg.missing)


def clean(raw: str, out: str, cfg: ColumnConfig, full_width: bool = True, plain: bool = False) -> Stages:
    """``out`` = trimmed text of ``raw`` with full-width digits made half-width; missing markers → null.

    ``full_width=False`` (the column has no cell matching :data:`FULL_WIDTH`) skips the replacement;
    ``plain=True`` (every cell matches :data:`PLAIN`, and :func:`plain_allowed`) takes ``raw`` as it is."""
    if plain:
        return [[pl.col(raw).alias(out)]]
    text = pl.col(raw)
    if full_width:
        text = text.str.replace_many(_FULL_DIGITS, _HALF_DIGITS)
    return [[text.str.strip_chars().alias(out)], [_null_if(pl.col(out), [*cfg.missing, ""]).alias(out)]]


def _null_if(text: pl.Expr, markers: list[str]) -> pl.Expr:
    return pl.when(text.is_in(markers)).then(None).otherwise(text)


def _bad(value: str, text: str, message: str) -> pl.Expr:
    """The error column: ``message`` where there is text but no value."""
    return pl.when(pl.col(text).is_not_null() & pl.col(value).is_null()).then(pl.lit(message)).otherwise(None)


def _tmp(out: str, what: str) -> str:
    return f"{TEMP}{out}_{what}"


def decimal(text: str, value: str, error: str, plain: bool = False) -> Stages:
    """A number: thousands separators allowed; anything else that is not a number is an error.
    ``plain``: every cell of ``text`` matches :data:`PLAIN` (nothing to take out)."""
    bare = _tmp(value, "bare")
    return [
        [(pl.col(text) if plain else pl.col(text).str.replace_all(r"[,\s]", "")).alias(bare)],
        [pl.col(bare).cast(_DECIMAL, strict=False).alias(value)],
        [_bad(value, bare, "不是有效的数字").alias(error)],
    ]


def money(text: str, value: str, error: str, factor: Decimal, unit: str, plain: bool = False) -> Stages:
    """An amount in ``unit`` → integer 元 (Int64), exact (Decimal × factor, rounded half away from zero)."""
    number, bounded, rounded = _tmp(value, "number"), _tmp(value, "bounded"), _tmp(value, "rounded")
    # the factor as text cast to Decimal: exact, and pl.lit(Decimal) imports numpy (0.15 s per run)
    scaled = pl.col(bounded) * pl.lit(format(factor, "f")).cast(_DECIMAL)
    # Only amounts within 10 × MAX_YUAN are multiplied: a larger product may not fit the Decimal, and
    # Polars raises (a 29-digit 亿元 cell stopped the run); the others are too big anyway.
    limit = pl.lit(format(Decimal(10 * MAX_YUAN) / factor, "f")).cast(_DECIMAL)
    stages = decimal(text, number, error, plain)
    stages.append(
        [pl.when(pl.col(number).abs() <= limit).then(pl.col(number)).otherwise(None).alias(bounded)]
    )
    stages.append([scaled.round(0, mode="half_away_from_zero").cast(pl.Int64, strict=False).alias(rounded)])
    too_big = pl.col(rounded).is_null() | (pl.col(rounded).abs() > MAX_YUAN)
    stages.append(
        [
            pl.when(pl.col(error).is_not_null())
            .then(pl.col(error))
            .when(pl.col(number).is_not_null() & too_big)
            .then(pl.lit(f"数值超出合理范围（按{unit}计）"))
            .when(pl.col(number) < 0)
            .then(pl.lit("金额为负数"))
            .otherwise(None)
            .alias(error)
        ]
    )
    stages.append([pl.when(pl.col(error).is_null()).then(pl.col(rounded)).otherwise(None).alias(value)])
    return stages


def count(text: str, value: str, error: str, plain: bool = False) -> Stages:
    """A whole, non-negative number (企业数 …)."""
    number = _tmp(value, "number")
    stages = decimal(text, number, error, plain)
    stages.append([pl.col(number).cast(pl.Int64, strict=False).alias(value)])
    whole = pl.col(value)
    stages.append(
        [
            pl.when(pl.col(error).is_not_null())
            .then(pl.col(error))
            .when(pl.col(number).is_not_null() & (whole.is_null() | (whole.cast(_DECIMAL) != pl.col(number))))
            .then(pl.lit("应为整数"))
            .when(whole < 0)
            .then(pl.lit("不能为负数"))
            .otherwise(None)
            .alias(error)
        ]
    )
    stages.append([pl.when(pl.col(error).is_null()).then(whole).otherwise(None).alias(value)])
    return stages


def year(text: str, value: str, error: str, plain: bool = False) -> Stages:
    """A year: "2020", "2020年", "2020.0"."""
    bare = _tmp(value, "bare")
    written = pl.col(text) if plain else pl.col(text).str.replace(r"(?:年度|年)$", "")
    return [
        [written.str.replace(r"\.0+$", "").alias(bare)],
        [pl.col(bare).cast(pl.Int32, strict=False).alias(value)],
        [pl.when(pl.col(value).is_between(1900, 2100)).then(pl.col(value)).otherwise(None).alias(value)],
        [_bad(value, bare, "不是有效的年份").alias(error)],
    ]


def industry(text: str, value: str, error: str, plain: bool = False) -> Stages:
    """GB/T 4754 code: 4 digits, an optional leading section letter dropped ("C3011" → "3011")."""
    bare, digits = _tmp(value, "bare"), _tmp(value, "digits")
    written = pl.col(text) if plain else pl.col(text).str.to_uppercase()
    return [
        [written.str.replace(r"\.0+$", "").alias(bare)],
        [(pl.col(bare) if plain else pl.col(bare).str.replace(r"^[A-T]", "")).alias(digits)],
        [pl.when(pl.col(digits).str.contains(r"^\d{4}$")).then(pl.col(digits)).otherwise(None).alias(value)],
        [_bad(value, bare, "行业代码应为4位数字（GB/T 4754-2017 小类代码）").alias(error)],
    ]


def date_value(text: str, value: str, error: str) -> Stages:
    """A date: ISO with or without time, 2020/6/18, 2020年6月18日, 20200618, or an Excel serial number."""
    unified, serial = _tmp(value, "unified"), _tmp(value, "serial")
    return [
        [
            pl.col(text)
            .str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
            .str.replace_all(r"[/.年月]", "-")
            .str.replace(r"日$", "")
            .alias(unified),
            pl.col(text).str.replace(r"\.0+$", "").cast(pl.Int64, strict=False).alias(serial),
        ],
        [
            pl.coalesce(
                pl.col(unified).str.to_date("%Y-%m-%d", strict=False),
                pl.col(unified).str.to_date("%Y%m%d", strict=False),
                pl.when(pl.col(serial).is_between(1, 80_000))
                .then(pl.lit(EXCEL_EPOCH) + pl.duration(days=pl.col(serial)))
                .otherwise(None)
                .cast(pl.Date),
            ).alias(value)
        ],
        [_bad(value, text, "不是有效的日期").alias(error)],
    ]


def boolean(text: str, value: str, error: str, cfg: ColumnConfig) -> Stages:
    """是/否 and the other spellings of columns.toml [bool]."""
    return [
        [
            pl.when(pl.col(text).is_in(list(cfg.true_values)))
            .then(True)
            .when(pl.col(text).is_in(list(cfg.false_values)))
            .then(False)
            .otherwise(None)
            .alias(value)
        ],
        [_bad(value, text, "应为“是”或“否”").alias(error)],
    ]


def vocabulary(text: str, value: str, error: str, table: dict[str, str], what: str) -> Stages:
    """A value looked up in an alias table (event types, incubator levels)."""
    bare = _tmp(value, "bare")
    return [
        [pl.col(text).str.replace_all(r"\s", "").alias(bare)],
        [pl.col(bare).replace_strict(table, default=None, return_dtype=pl.String).alias(value)],
        [_bad(value, bare, f"无法识别的{what}").alias(error)],
    ]


def text(raw: str, value: str, error: str) -> Stages:
    """Free text (reads the raw column, not the cleaned one), trimmed; never an error."""
    return [
        [pl.col(raw).str.strip_chars().alias(value), pl.lit(None, pl.String).alias(error)],
        [_null_if(pl.col(value), [""]).alias(value)],
    ]


def apply(frame: pl.DataFrame, parsers: list[Stages]) -> pl.DataFrame:
    """Run several parsers' stages on ``frame``: stage *i* of every parser in one ``with_columns``
    (so columns are parsed in parallel), then drop the intermediate columns."""
    depth = max((len(p) for p in parsers), default=0)
    for i in range(depth):
        stage = [e for p in parsers if i < len(p) for e in p[i]]
        frame = frame.with_columns(stage)
    return frame.drop(pl.selectors.starts_with(TEMP))
