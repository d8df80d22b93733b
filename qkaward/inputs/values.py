"""Vectorised cell parsers: raw text column → typed value and a Chinese error per bad cell.

Each parser takes the *cleaned* text of one column (:func:`clean`, materialised as a column by
the reader so that it is computed once) and returns ``(value, error)``: ``value`` is the typed
expression (null for missing or bad cells) and ``error`` is null for a good or missing cell, else
the reason the cell could not be used. Missing means blank or one of the ``[missing]`` values of
columns.toml ("-", "—" …). Money is converted exactly: text → Decimal →
× unit factor → integer 元, rounding half up; no float is involved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from qkaward.inputs.columns import ColumnConfig

Parsed = tuple[pl.Expr, pl.Expr]

#: Largest absolute amount accepted in 元 (10^16 元 = 1亿亿元); anything larger is a unit or typing error.
MAX_YUAN = 10**16
#: Excel's day zero for serial dates (1900 date system, with its 1900-02-29 bug absorbed).
EXCEL_EPOCH = date(1899, 12, 30)

_FULL_DIGITS = [chr(c) for c in range(0xFF10, 0xFF1A)] + ["，", "．", "－", "＋", "　", "﹣", "−"]
_HALF_DIGITS = [chr(c) for c in range(0x30, 0x3A)] + [",", ".", "-", "+", " ", "-", "-"]
_DECIMAL = pl.Decimal(38, 6)


def clean(raw: pl.Expr, cfg: ColumnConfig) -> pl.Expr:
    """Trimmed text with full-width digits made half-width; missing markers become null."""
    text = raw.str.replace_many(_FULL_DIGITS, _HALF_DIGITS).str.strip_chars()
    return pl.when(text.is_in(list(cfg.missing)) | (text == "")).then(None).otherwise(text)


def _bad(value_null: pl.Expr, text: pl.Expr, message: str) -> pl.Expr:
    return pl.when(text.is_not_null() & value_null).then(pl.lit(message)).otherwise(None)


def decimal(text: pl.Expr) -> Parsed:
    """A number: thousands separators allowed; anything else that is not a number is an error."""
    text = text.str.replace_all(r"[,\s]", "")
    value = text.cast(_DECIMAL, strict=False)
    return value, _bad(value.is_null(), text, "不是有效的数字")


def money(text: pl.Expr, factor: Decimal, unit: str) -> Parsed:
    """An amount in ``unit`` → integer 元 (Int64), exact."""
    number, err = decimal(text)
    scaled = number * pl.lit(factor, dtype=_DECIMAL)
    half = pl.lit(Decimal("0.5"), dtype=_DECIMAL)
    rounded = pl.when(scaled >= 0).then(scaled + half).otherwise(scaled - half).cast(pl.Int64, strict=False)
    too_big = rounded.is_null() | (rounded.abs() > MAX_YUAN)
    error = (
        pl.when(err.is_not_null())
        .then(err)
        .when(number.is_not_null() & too_big)
        .then(pl.lit(f"数值超出合理范围（按{unit}计）"))
        .when(number < 0)
        .then(pl.lit("金额为负数"))
        .otherwise(None)
    )
    return pl.when(error.is_null()).then(rounded).otherwise(None), error


def count(text: pl.Expr) -> Parsed:
    """A whole, non-negative number (企业数 …)."""
    number, err = decimal(text)
    whole = number.cast(pl.Int64, strict=False)
    error = (
        pl.when(err.is_not_null())
        .then(err)
        .when(number.is_not_null() & (whole.is_null() | (whole.cast(_DECIMAL) != number)))
        .then(pl.lit("应为整数"))
        .when(whole < 0)
        .then(pl.lit("不能为负数"))
        .otherwise(None)
    )
    return pl.when(error.is_null()).then(whole).otherwise(None), error


def year(text: pl.Expr) -> Parsed:
    """A year: "2020", "2020年", "2020.0"."""
    text = text.str.replace(r"(?:年度|年)$", "").str.replace(r"\.0+$", "")
    value = text.cast(pl.Int32, strict=False)
    ok = value.is_between(1900, 2100)
    return pl.when(ok).then(value).otherwise(None), _bad(~ok.fill_null(False), text, "不是有效的年份")


def industry(text: pl.Expr) -> Parsed:
    """GB/T 4754 code: 4 digits, an optional leading section letter dropped ("C3011" → "3011")."""
    text = text.str.to_uppercase().str.replace(r"\.0+$", "")
    digits = text.str.replace(r"^[A-T]", "")
    ok = digits.str.contains(r"^\d{4}$")
    return (
        pl.when(ok).then(digits).otherwise(None),
        _bad(~ok.fill_null(False), text, "行业代码应为4位数字（GB/T 4754-2017 小类代码）"),
    )


def date_value(text: pl.Expr) -> Parsed:
    """A date: ISO with or without time, 2020/6/18, 2020年6月18日, 20200618, or an Excel serial number."""
    unified = (
        text.str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
        .str.replace_all(r"[/.年月]", "-")
        .str.replace(r"日$", "")
    )
    parsed = pl.coalesce(
        unified.str.to_date("%Y-%m-%d", strict=False),
        unified.str.to_date("%Y%m%d", strict=False),
    )
    serial = text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
    from_serial = (
        pl.when(serial.is_between(1, 80_000))
        .then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
        .otherwise(None)
        .cast(pl.Date)
    )
    value = pl.coalesce(parsed, from_serial)
    return value, _bad(value.is_null(), text, "不是有效的日期")


def boolean(text: pl.Expr, cfg: ColumnConfig) -> Parsed:
    """是/否 and the other spellings of columns.toml [bool]."""
    value = (
        pl.when(text.is_in(list(cfg.true_values)))
        .then(True)
        .when(text.is_in(list(cfg.false_values)))
        .then(False)
        .otherwise(None)
    )
    return value, _bad(value.is_null(), text, "应为“是”或“否”")


def vocabulary(text: pl.Expr, table: dict[str, str], what: str) -> Parsed:
    """A value looked up in an alias table (event types, incubator levels)."""
    text = text.str.replace_all(r"\s", "")
    value = text.replace_strict(table, default=None, return_dtype=pl.String)
    return value, _bad(value.is_null(), text, f"无法识别的{what}")


def text(raw: pl.Expr) -> Parsed:
    """Free text (takes the raw column, not the cleaned one), trimmed; never an error."""
    value = raw.str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value), pl.lit(None, pl.String)
