"""Personal data: ID numbers are shown masked everywhere — the first 4 and last 4 characters kept,
'*' between (SPEC §6); a value of 8 characters or fewer becomes all '*'. One rule, two forms: for a
single string and for a Polars column."""

from __future__ import annotations

import polars as pl

KEEP = 4  # characters kept at each end (SPEC §6: "first 4 and last 4 characters only")


def mask_id(text: str | None) -> str:
    """``"420104198001011234"`` → ``"4201**********1234"``."""
    if not text:
        return ""
    s = text.strip()
    if len(s) <= 2 * KEEP:
        return "*" * len(s)
    return s[:KEEP] + "*" * (len(s) - 2 * KEEP) + s[-KEEP:]


def mask_id_expr(expr: pl.Expr) -> pl.Expr:
    """:func:`mask_id` on a whole column."""
    s = expr.cast(pl.String).str.strip_chars()
    n = s.str.len_chars().cast(pl.Int64)  # signed: n − 8 must not wrap around for short values
    stars = s.str.replace_all(".", "*")  # as long as the value itself
    masked = s.str.head(KEEP) + stars.str.slice(0, (n - 2 * KEEP).clip(lower_bound=0)) + s.str.tail(KEEP)
    return pl.when(n > 2 * KEEP).then(masked).otherwise(stars)
