"""The rules engine: one module per clause, and :func:`run`, which applies them all for a year.

Data flows one way: ``inputs`` → :func:`qkaward.frame.build_frame` → the rule modules → award lines,
pools and targets. Everything is vectorised over all enterprises and years.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import polars as pl

from qkaward import schema
from qkaward.frame import build_frame, conform
from qkaward.policy import Policy
from qkaward.rules._common import PAID, award_lines, names, paid_before
from qkaward.rules.growth import honors, scale_entry
from qkaward.rules.incubators import incubators
from qkaward.rules.ladders import first_reach, growth, ladder_flags
from qkaward.rules.listing import listing
from qkaward.rules.pools import classify as pool_classify
from qkaward.rules.pools import classify_public
from qkaward.rules.talent import talents
from qkaward.rules.targets import Target, measure_targets

__all__ = ["PAID", "RunResult", "Target", "run"]


@dataclass(frozen=True)
class RunResult:
    """Everything one run computes for ``year``. Pools and targets are computed when first asked
    for: ``awards`` does not need them (at a million enterprises they take ~2 s)."""

    year: int
    policy_id: str
    frame: pl.DataFrame  # enterprise × year, with the ladder flags (holds_*, due_*, tier)
    awards: pl.DataFrame  # schema.AWARD_LINE, sorted by credit_code, award, subject
    problems: pl.DataFrame  # schema.PROBLEM: the input problems plus the frame's own
    inputs: schema.Inputs = field(repr=False)
    policy: Policy = field(repr=False)
    base: pl.DataFrame = field(repr=False)  # the enterprise × year frame before the ladder flags

    @functools.cached_property
    def pool_flags(self) -> pl.DataFrame:
        """classify plus one boolean column per pool ("pool:<id>")."""
        return pool_classify(self.frame, self.inputs, self.policy, self.year)

    @functools.cached_property
    def classify(self) -> pl.DataFrame:
        """One row per enterprise for ``year`` (SPEC §9 classify columns)."""
        return classify_public(self.pool_flags)

    @functools.cached_property
    def targets(self) -> tuple[Target, ...]:
        return measure_targets(self.inputs, self.policy, self.year, self.base, self.pool_flags)


def run(
    inputs: schema.Inputs,
    policy: Policy,
    year: int,
    paid: pl.DataFrame | None = None,
    *,
    like: RunResult | None = None,
) -> RunResult:
    """Apply every rule of ``policy`` to ``inputs`` for award year ``year``.

    ``paid`` holds awards already recorded in the ledger (credit_code, award, year, amount_yuan,
    subject); only rows of earlier years count as paid. Raises UsageError for a year outside the
    policy period. ``like`` is a run of another year on the same inputs and policy: its frame, ladder
    flags and problems are taken over, since none of them depends on the year (a report's earlier
    years: half a second each at 100,000 enterprises).
    """
    policy.check_year(year)
    if like is None:
        built = build_frame(inputs, policy)
        base, flags = built.frame, ladder_flags(built.frame, policy)
        problems = pl.concat([conform(inputs.problems, schema.PROBLEM), built.problems], how="vertical")
    elif like.inputs is inputs and like.policy is policy:
        base, flags, problems = like.base, like.frame, like.problems
    else:
        raise ValueError("like must be a run on the same inputs and policy")
    before = paid_before(paid, year)
    parts = [
        first_reach(flags, policy, year, before),
        growth(flags, policy, year),
        listing(inputs.events, policy, year, before),
        scale_entry(base, policy, year, before, inputs.stats_years),
        honors(inputs.events, policy, year, before),
        incubators(inputs.incubators, policy, year, before),
        talents(inputs.talents, policy, year, before),
    ]
    awards = pl.concat(parts, how="vertical")
    # a line's own name is kept: only the lines without one look it up (none, usually: no scan of the frame)
    known = names(base, inputs, awards.filter(pl.col("name") == "").get_column("credit_code"))
    awards = (
        awards.join(known, on="credit_code", how="left")
        .with_columns(
            pl.when(pl.col("name") == "")
            .then(pl.col("name_known"))
            .otherwise(pl.col("name"))
            .fill_null("")
            .alias("name")
        )
        .drop("name_known")
    )
    awards = award_lines(awards).sort(["credit_code", "award", "subject"])
    return RunResult(
        year=year,
        policy_id=policy.id,
        frame=flags,
        awards=awards,
        problems=problems,
        inputs=inputs,
        policy=policy,
        base=base,
    )
