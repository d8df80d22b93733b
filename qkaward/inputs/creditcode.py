"""统一社会信用代码 (GB 32100-2015): normalisation and both check characters, vectorised.

Algorithms (domain-notes §3): position 18 per GB/T 17710 over the 31-character set with weights
3^(i−1) mod 31; positions 9–17 are the GB 11714 organisation code whose 9th character is a mod-11
check. Both are applied to whole columns as Polars expressions (no Python loop over rows).
"""

from __future__ import annotations

import polars as pl

#: GB 32100 character set; a character's value is its index (I, O, Z, S, V are not used).
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17 for the position-18 check (GB 32100 §4.2; 3^(i-1) mod 31).
WEIGHTS_18 = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Weights of the 8 body characters of the organisation code (GB 11714).
WEIGHTS_ORG = (3, 7, 9, 10, 5, 8, 4, 2)
PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$"

_FULL = (
    [chr(c) for c in range(0xFF10, 0xFF1A)]
    + [chr(c) for c in range(0xFF21, 0xFF3B)]
    + [chr(c) for c in range(0xFF41, 0xFF5B)]
)
_HALF = (
    [chr(c) for c in range(0x30, 0x3A)]
    + [chr(c) for c in range(0x41, 0x5B)]
    + [chr(c) for c in range(0x61, 0x7B)]
)
_CHAR_VALUE = {ch: i for i, ch in enumerate(CHARSET)}
_ORG_VALUE = {str(d): d for d in range(10)} | {chr(ord("A") + i): 10 + i for i in range(26)}


def normalise_expr(expr: pl.Expr) -> pl.Expr:
    """Strip every space (incl. full-width), full-width → half-width, upper-case."""
    return expr.str.replace_all(r"[\s\u3000]+", "").str.replace_many(_FULL, _HALF).str.to_uppercase()


def _char_values(expr: pl.Expr, positions: range, table: dict[str, int]) -> list[pl.Expr]:
    return [
        expr.str.slice(i, 1).replace_strict(table, default=None, return_dtype=pl.Int64) for i in positions
    ]


def expected_chars(code: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The check characters a code should carry: (position 17 per GB 11714, position 18 per GB 32100)."""
    vals = _char_values(code, range(17), _CHAR_VALUE)
    total18 = pl.sum_horizontal([v * w for v, w in zip(vals, WEIGHTS_18, strict=True)])
    expect18 = ((pl.lit(31) - total18 % 31) % 31).replace_strict(
        dict(enumerate(CHARSET)), default=None, return_dtype=pl.String
    )
    org = _char_values(code, range(8, 16), _ORG_VALUE)
    c9 = pl.lit(11) - pl.sum_horizontal([v * w for v, w in zip(org, WEIGHTS_ORG, strict=True)]) % 11
    expect9 = c9.replace_strict({11: "0", 10: "X"}, default=c9.cast(pl.String), return_dtype=pl.String)
    return expect9, expect18


def problem_expr(code: pl.Expr, expect9: pl.Expr | None = None, expect18: pl.Expr | None = None) -> pl.Expr:
    """A Chinese reason why a *normalised* code is invalid, or null when it passes both checks.

    ``expect9``/``expect18`` may be given as already computed columns (see :func:`check_frame`)."""
    if expect9 is None or expect18 is None:
        expect9, expect18 = expected_chars(code)
    return (
        pl.when(code.is_null() | (code == ""))
        .then(pl.lit("缺少统一社会信用代码"))
        .when(code.str.len_chars() != 18)
        .then(pl.lit("统一社会信用代码应为18位，实为") + code.str.len_chars().cast(pl.String) + pl.lit("位"))
        .when(~code.str.contains(PATTERN))
        .then(pl.lit("统一社会信用代码含非法字符（只允许数字和除I、O、Z、S、V外的大写字母）"))
        .when(code.str.slice(16, 1) != expect9)
        .then(pl.lit("统一社会信用代码第9—17位组织机构代码校验位错误，应为") + expect9)
        .when(code.str.slice(17, 1) != expect18)
        .then(pl.lit("统一社会信用代码第18位校验码错误，应为") + expect18)
        .otherwise(None)
    )


def check_frame(frame: pl.DataFrame, column: str, out: str) -> pl.DataFrame:
    """Normalise ``column`` in place and add ``out`` with the reason it fails (null when valid).

    Done in steps over materialised columns so that no sub-expression is computed twice."""
    e9, e18 = f"__{out}_e9", f"__{out}_e18"
    frame = frame.with_columns(normalise_expr(pl.col(column)).alias(column))
    exp9, exp18 = expected_chars(pl.col(column))
    frame = frame.with_columns(exp9.alias(e9), exp18.alias(e18))
    return frame.with_columns(problem_expr(pl.col(column), pl.col(e9), pl.col(e18)).alias(out)).drop(e9, e18)


def check_char(body17: str) -> str:
    """The position-18 check character for a 17-character body (scalar, for generators and tests)."""
    total = sum(_CHAR_VALUE[c] * w for c, w in zip(body17, WEIGHTS_18, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The GB 11714 check character for the 8 body characters of an organisation code."""
    c9 = 11 - sum(_ORG_VALUE[c] * w for c, w in zip(body8, WEIGHTS_ORG, strict=True)) % 11
    return {11: "0", 10: "X"}.get(c9, str(c9))


def normalise(code: str) -> str:
    """Scalar form of :func:`normalise_expr`."""
    return pl.select(normalise_expr(pl.lit(code, dtype=pl.String))).item()


def problem(code: str) -> str | None:
    """Scalar form of :func:`problem_expr` on a normalised code: the reason it fails, or None."""
    return pl.select(problem_expr(pl.lit(code, dtype=pl.String))).item()
