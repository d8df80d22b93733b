"""Exact decimal texts of integer amounts, as Polars expressions: 元 divided by a power of ten by integer
division and a zero-padded remainder, never through a float."""

from __future__ import annotations

import polars as pl


def decimal_text(magnitude: pl.Expr, unit: int) -> pl.Expr:
    """The exact decimal text of ``magnitude`` (a non-negative integer expression) divided by ``unit``
    (a power of ten): no exponent, no trailing zeros after the point — 5800324500 / 10⁴ → "580032.45",
    30000 / 10⁴ → "3"; null stays null."""
    places = len(str(unit)) - 1
    if unit < 1 or 10**places != unit:
        raise ValueError(f"not a power of ten: {unit}")
    fraction = (magnitude % unit).cast(pl.String).str.zfill(places)
    # ".0500" → ".05", ".0000" → "": the point and the zeros after the last digit go
    return pl.concat_str(
        (magnitude // unit).cast(pl.String), pl.concat_str(pl.lit("."), fraction).str.strip_chars_end("0.")
    )
