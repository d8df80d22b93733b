"""三(二)1 上市奖励: main board / STAR market listing, one-time, one listing award per enterprise."""

from __future__ import annotations

import polars as pl

from qkaward.policy import Policy
from qkaward.rules._common import award_lines, event_rows, line_head, lit_list, money

PREFIX = "listing."


def listing_events(events: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Events that carry a listing award: credit_code, name, year, kind, _rank (0 = preferred)."""
    ev = event_rows(events)
    parts = [
        ev.filter(pl.col("event").is_in(lit_list(k.events))).select(
            "credit_code", "name", "year", "event_text", pl.lit(k.id).alias("kind"), pl.lit(i).alias("_rank")
        )
        for i, k in enumerate(policy.listing.kinds)
    ]
    return pl.concat(parts, how="vertical")


def listing(events: pl.DataFrame, policy: Policy, year: int, paid: pl.DataFrame) -> pl.DataFrame:
    """``listing.main_board`` / ``listing.star_market`` lines for ``year``."""
    lst = policy.listing
    le = listing_events(events, policy)
    now = le.filter(pl.col("year") == year).sort("_rank").unique(["credit_code", "kind"], keep="first")
    earlier = le.filter(pl.col("year") < year)
    listing_paid = paid.filter(pl.col("award").str.starts_with(PREFIX))
    if lst.one_per_enterprise:
        now = now.sort("_rank").unique("credit_code", keep="first", maintain_order=True)
        now = now.join(earlier.select("credit_code").unique(), on="credit_code", how="anti")
        now = now.join(listing_paid.select("credit_code").unique(), on="credit_code", how="anti")
    else:
        now = now.join(earlier.select("credit_code", "kind").unique(), on=["credit_code", "kind"], how="anti")
        got = listing_paid.select("credit_code", pl.col("award").str.strip_prefix(PREFIX).alias("kind"))
        now = now.join(got.unique(), on=["credit_code", "kind"], how="anti")
    parts = []
    for k in lst.kinds:
        parts.append(
            now.filter(pl.col("kind") == k.id).select(
                *line_head(year, PREFIX + k.id, k.label, k.amount_yuan, k.clause, lst.department),
                pl.lit("confirmed").alias("status"),
                pl.format(
                    "{}年{}（{}），一次性奖励{}",
                    pl.lit(year),
                    pl.lit(k.label.removesuffix("奖励")),
                    pl.col("event_text").fill_null(pl.lit(k.id)),
                    pl.lit(money(k.amount_yuan)),
                ).alias("reason"),
            )
        )
    return award_lines(pl.concat(parts, how="vertical"))
