"""Policy scenarios as data: every ``tests/cases/<clause>/<sentence>.toml`` is one test.

A case file holds ``year``, optional ``set`` (policy overrides), optional ``stats_years``, optional
``paid`` rows (awards already in the ledger), input rows per role (``stats``, ``tax``, ``enterprises``,
``events``, ``incubators``, ``talents`` — canonical columns of qkaward.schema) and ``expect``:
``awards`` (the exact set of (award, credit_code, amount_yuan, status)), and optionally ``classify``
(tier / pools per enterprise; ``pools`` is the exact list when given), ``targets`` (actual per id) and
``problems`` (substrings that must appear in some problem message).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
import tomllib

from qkaward import schema
from qkaward.frame import conform
from qkaward.policy import load_policy
from qkaward.rules import PAID, RunResult, run

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.rglob("*.toml"))
ROLES = ("stats", "tax", "enterprises", "events", "incubators", "talents")


def frame_of(rows: list[dict[str, Any]], columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows as given in a case file → a frame with exactly ``columns``."""
    if not rows:
        return schema.empty(columns)
    return conform(pl.from_dicts(rows, infer_schema_length=None), columns)


def load_case(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def inputs_of(case: dict[str, Any]) -> schema.Inputs:
    frames = {r: frame_of(case.get(r, []), schema.ROLE_SCHEMAS[r] | schema.PROVENANCE) for r in ROLES}
    frames["stats"] = frames["stats"].with_columns(
        pl.col("src_file").fill_null("stats.xlsx"), pl.col("src_sheet").fill_null("")
    )
    if "stats_years" in case:
        stats_years = tuple(case["stats_years"])
    else:
        real = frames["stats"].filter(~pl.col("from_prev_column").fill_null(False))
        stats_years = tuple(sorted(real.get_column("year").unique().to_list()))
    return schema.Inputs(**frames, stats_years=stats_years)


def run_case(path: Path) -> tuple[dict[str, Any], RunResult]:
    case = load_case(path)
    policy = load_policy(overrides=case.get("set", []))
    paid = frame_of(case.get("paid", []), PAID)
    return case, run(inputs_of(case), policy, case["year"], paid)


@pytest.mark.parametrize("path", CASE_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in CASE_FILES])
def test_case(path: Path) -> None:
    case, result = run_case(path)
    expect = case.get("expect", {})
    got = sorted(
        (r["award"], r["credit_code"], r["amount_yuan"], r["status"])
        for r in result.awards.select("award", "credit_code", "amount_yuan", "status").to_dicts()
    )
    want = sorted(
        (a["award"], a["credit_code"], a["amount_yuan"], a["status"]) for a in expect.get("awards", [])
    )
    reasons = "\n".join(result.awards.get_column("reason").to_list())
    assert got == want, f"award lines differ; reasons:\n{reasons}"
    for a in expect.get("awards", []):
        if "reason_contains" in a:
            line = result.awards.filter(
                (pl.col("award") == a["award"]) & (pl.col("credit_code") == a["credit_code"])
            )
            assert a["reason_contains"] in line.get_column("reason")[0]
        if "department" in a:
            line = result.awards.filter(
                (pl.col("award") == a["award"]) & (pl.col("credit_code") == a["credit_code"])
            )
            assert line.get_column("department")[0] == a["department"]
        if "subject" in a:
            line = result.awards.filter(
                (pl.col("award") == a["award"]) & (pl.col("credit_code") == a["credit_code"])
            )
            assert a["subject"] in line.get_column("subject").to_list()
    for c in expect.get("classify", []):
        row = result.classify.filter(pl.col("credit_code") == c["credit_code"]).to_dicts()
        assert row, f"{c['credit_code']} missing from classify"
        if "tier" in c:
            assert row[0]["tier"] == (c["tier"] or None)
        if "pools" in c:
            assert sorted(row[0]["pools"]) == sorted(c["pools"])
        for pool in c.get("in_pools", []):
            assert pool in row[0]["pools"]
        for pool in c.get("not_in_pools", []):
            assert pool not in row[0]["pools"]
    targets = {t.id: t for t in result.targets}
    for t in expect.get("targets", []):
        assert targets[t["id"]].actual == (t["actual"] if t["actual"] != "none" else None), t["id"]
    messages = "\n".join(result.problems.get_column("message").to_list())
    for text in expect.get("problems", []):
        assert text in messages
