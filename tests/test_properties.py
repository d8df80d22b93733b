"""Property-based tests (hypothesis) of the rules engine, the totals, the ledger and ``--set``.

Issue 7, item 2:

* more revenue or more fiscal contribution never lowers the tier held (and the tier is the one the
  SPEC §2 table gives, per industry group);
* the sum of the award lines equals every total shown (``awards --format json``/csv/xlsx, the report
  workbook's 奖励清单/待核实/公示名单/汇总, the ``--split-by department`` files);
* over any sequence of yearly runs with commits, a one-time award is recorded at most once per
  (enterprise, award, subject), and 补差 never pays more than the highest tier's first-reach award;
* ``--set KEY=<the value in force>`` changes nothing.

Inputs for the properties are built directly as canonical frames (qkaward.schema), as
tests/test_cases.py does; the CLI checks use a copy of sample_data. Every hypothesis test is
derandomized with a bounded number of examples, so a CI run is reproducible and quick.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from conftest import SAMPLE, copy_sample
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qkaward import schema
from qkaward.cli import _totals, app
from qkaward.frame import conform
from qkaward.ledger import Ledger, RunInfo, is_yearly
from qkaward.policy import DEFAULT_POLICY, load_policy
from qkaward.render.text import wan
from qkaward.render.workbook import REPORT_SHEETS, split_report, write_report
from qkaward.rules import run

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]


POLICY = load_policy()
YI = 10**8
WAN = 10**4
RANK = {None: 0, "t3": 1, "t2": 2, "t1": 3}

#: Reproducible, bounded: the same examples on every run, no example database written.
PROPERTY = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: GB/T 4754 subclasses: E 建筑业 / F 批发零售 / K 房地产 (group ``main``) and C / I / M (``other``).
MAIN_CODES = ("4710", "5191", "5211", "7010")
OTHER_CODES = ("3011", "6510", "7320")

runner = CliRunner()


# ------------------------------------------------------------------------------------------ builders
def frame(rows: list[dict[str, Any]], columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows → a frame with exactly ``columns`` (provenance filled in)."""
    cols = columns | schema.PROVENANCE
    if not rows:
        return schema.empty(cols)
    filled = [{"src_file": "prop.xlsx", "src_sheet": "", "src_row": i + 2, **r} for i, r in enumerate(rows)]
    return conform(pl.from_dicts(filled, infer_schema_length=None), cols)


def inputs_of(
    stats: list[dict[str, Any]],
    tax: list[dict[str, Any]],
    events: list[dict[str, Any]] = (),  # type: ignore[assignment]
    talents: list[dict[str, Any]] = (),  # type: ignore[assignment]
    incubators: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> schema.Inputs:
    stats_frame = frame(list(stats), schema.STATS)
    return schema.Inputs(
        stats=stats_frame,
        tax=frame(list(tax), schema.TAX),
        events=frame(list(events), schema.EVENTS),
        talents=frame(list(talents), schema.TALENTS),
        incubators=frame(list(incubators), schema.INCUBATORS),
        stats_years=tuple(sorted({r["year"] for r in stats})),
    )


def code(i: int) -> str:
    return f"91420104PROP{i:06d}"


def expected_tier(group: str, revenue: int | None, fiscal: int | None) -> str | None:
    """SPEC §2: the highest tier whose revenue (for the group) and fiscal thresholds are both met."""
    if revenue is None or fiscal is None:
        return None
    for t in POLICY.ladder.tiers:  # highest first
        if revenue >= t.revenue_yuan(group) and fiscal >= t.fiscal_yuan:
            return t.id
    return None


# ------------------------------------------------------------------------------------------ 1. tiers
REV_THRESHOLDS = sorted(
    {t.revenue_main_yuan for t in POLICY.ladder.tiers} | {t.revenue_other_yuan for t in POLICY.ladder.tiers}
)
FIS_THRESHOLDS = sorted({t.fiscal_yuan for t in POLICY.ladder.tiers})


def around(thresholds: list[int], top: int) -> st.SearchStrategy[int]:
    """Amounts at, just under and just over the thresholds, plus anything in [0, top]."""
    near = st.tuples(st.sampled_from(thresholds), st.sampled_from([-10_000, -1, 0, 1, 10_000])).map(
        lambda t: max(0, t[0] + t[1])
    )
    return st.one_of(near, st.integers(0, top))


def bump(thresholds: list[int], top: int) -> st.SearchStrategy[int]:
    """A non-negative increase: tiny, exactly a threshold gap, or large."""
    gaps = sorted({b - a for a in [0, *thresholds] for b in thresholds if b > a})
    return st.one_of(st.integers(0, 2), st.sampled_from(gaps), st.integers(0, top))


firm = st.fixed_dictionaries(
    {
        "industry": st.sampled_from(MAIN_CODES + OTHER_CODES),
        "revenue": st.one_of(st.none(), around(REV_THRESHOLDS, 700 * YI)),
        "fiscal": st.one_of(st.none(), around(FIS_THRESHOLDS, 8000 * WAN)),
        "more_revenue": bump(REV_THRESHOLDS, 600 * YI),
        "more_fiscal": bump(FIS_THRESHOLDS, 6000 * WAN),
        "fill_missing": st.booleans(),  # a missing figure becomes a known one ("more than nothing")
        "revenue_in_tax": st.booleans(),  # no statistics row: revenue comes from the tax export
    }
)


def _more(value: int | None, delta: int, fill: bool) -> int | None:
    if value is None:
        return delta if fill else None
    return value + delta


@settings(PROPERTY, max_examples=40)
@given(firms=st.lists(firm, min_size=1, max_size=8))
def test_more_revenue_or_fiscal_never_lowers_the_tier(firms: list[dict[str, Any]]) -> None:
    # Each generated firm appears twice: as is (even index) and with more revenue and/or fiscal
    # contribution (odd index). Enterprises are independent, so one run checks every pair.
    stats, tax, figures = [], [], {}
    for i, f in enumerate(firms):
        versions = [
            (f["revenue"], f["fiscal"]),
            (
                _more(f["revenue"], f["more_revenue"], f["fill_missing"]),
                _more(f["fiscal"], f["more_fiscal"], f["fill_missing"]),
            ),
        ]
        for j, (rev, fis) in enumerate(versions):
            c = code(2 * i + j)
            figures[c] = (f["industry"], rev, fis)
            row = {"credit_code": c, "name": f"企业{2 * i + j}", "year": 2020, "industry_code": f["industry"]}
            if f["revenue_in_tax"]:
                tax.append({**row, "fiscal_yuan": fis, "revenue_yuan": rev})
            else:
                stats.append({**row, "revenue_yuan": rev})
                tax.append({**row, "fiscal_yuan": fis})
    result = run(inputs_of(stats, tax), POLICY, 2020)
    tiers = dict(result.classify.select("credit_code", "tier").iter_rows())
    groups = dict(result.classify.select("credit_code", "group").iter_rows())
    for c, (industry, rev, fis) in figures.items():
        group = "main" if industry in MAIN_CODES else "other"
        assert groups[c] == group, (c, industry)
        assert tiers[c] == expected_tier(group, rev, fis), (c, industry, rev, fis)
    for i in range(len(firms)):
        before, after = tiers[code(2 * i)], tiers[code(2 * i + 1)]
        assert RANK[after] >= RANK[before], (figures[code(2 * i)], figures[code(2 * i + 1)], before, after)


# ------------------------------------------------------------------------------------------ random districts
YEARS = (2018, 2019, 2020, 2021)


@st.composite
def districts(draw: st.DrawFn) -> dict[str, Any]:
    """A small district with data across 2018–2021: figures near the ladder thresholds, events,
    talents (some people listed twice) and incubators."""
    n = draw(st.integers(1, 5))
    tiers = POLICY.ladder.tiers[::-1]  # lowest first: level k ≥ 1 holds tiers[k - 1]
    stats, tax = [], []
    for i in range(n):
        industry = draw(st.sampled_from(MAIN_CODES + OTHER_CODES))
        group = "main" if industry in MAIN_CODES else "other"
        entry = draw(st.sampled_from([None, 2019, 2020, 2021]))
        level = draw(st.sampled_from([0, 0, 1]))  # 2018: mostly below every tier
        for year in YEARS:
            if year > 2018:
                level = max(0, min(len(tiers), level + draw(st.sampled_from([0, 1, 1, 2, -1]))))
            if year > 2018 and not draw(st.integers(0, 5)):
                continue  # now and then a year without data: history incomplete
            if level:
                t = tiers[level - 1]
                rev = t.revenue_yuan(group) + draw(st.sampled_from([0, 1, 5 * YI]))
                fis = t.fiscal_yuan + draw(st.sampled_from([0, 7, 500 * WAN]))
                if not draw(st.integers(0, 7)):
                    fis -= 1  # a fiscal shortfall
            else:
                rev = draw(st.sampled_from([0, 5 * YI, 19 * YI]))
                fis = draw(st.sampled_from([0, 100 * WAN, 799 * WAN]))
            base = {"credit_code": code(i), "name": f"企业{i}", "year": year, "industry_code": industry}
            stats.append({**base, "revenue_yuan": rev, "entry_year": entry})
            if draw(st.integers(0, 9)):
                tax.append({**base, "fiscal_yuan": fis})
    events = [
        {
            "credit_code": code(draw(st.integers(0, n - 1))),
            "event": draw(
                st.sampled_from(
                    [
                        "main_board",
                        "star_market",
                        "hidden_champion_demo",
                        "hidden_champion_cultivate",
                        "little_giant",
                    ]
                )
            ),
            "year": draw(st.sampled_from(YEARS)),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    people = [f"4201031980010{k}{k}{k}{k}X" for k in range(3)]
    talents = [
        {
            "person": f"人{k}",
            "id_number": draw(st.sampled_from(people)),
            "programme": draw(st.sampled_from(["千人计划", "黄鹤英才", "区级高层次人才"])),
            "credit_code": code(draw(st.integers(0, n - 1))),
            "year": draw(st.sampled_from(YEARS)),
        }
        for k in range(draw(st.integers(0, 3)))
    ]
    incubators = [
        {
            "credit_code": code(draw(st.integers(0, n - 1))),
            "name": "孵化器运营公司",
            "carrier": f"载体{k}",
            "year": draw(st.sampled_from(YEARS)),
            "level": draw(st.sampled_from(["district", "city", "national"])),
            "recognized_year": draw(st.sampled_from([2018, 2019, 2020, 2021])),
            "tenants_total": draw(st.sampled_from([50, 100, 150])),
            "new_tenants": draw(st.sampled_from([10, 50, 60])),
            "new_hightech": draw(st.integers(0, 7)),
        }
        for k in range(draw(st.integers(0, 2)))
    ]
    return {"inputs": inputs_of(stats, tax, events, talents, incubators), "n": n}


# ------------------------------------------------------------------------------------------ 2. totals
def _dec(value: Any) -> Decimal:
    """A 万元 cell (a float written from an exact Decimal with ≤ 4 places) back to that Decimal."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _list_sheet(ws: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(data rows, totals row) of a list sheet: header in row 1, data, then the "合计（N 笔）" row."""
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    data, totals = [], None
    for row in rows[1:]:
        rec = dict(zip(header, row, strict=False))
        if any(isinstance(v, str) and v.startswith("合计（") for v in row):
            totals = rec
            break
        if all(v is None for v in row):
            break
        data.append(rec)
    assert totals is not None, f"{ws.title}: no totals row"
    return data, totals


def _summary_block(ws: Any, caption: str) -> tuple[list[tuple[Any, ...]], tuple[Any, ...]]:
    """(data rows, 合计 row) of the 汇总 block whose caption ends with ``caption``."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].endswith(caption))
    data = []
    for row in rows[start + 2 :]:
        if row[0] == "合计":
            return data, row
        data.append(row)
    raise AssertionError(f"汇总 block {caption}: no 合计 row")


def check_award_sheets(wb: Any, lines: pl.DataFrame) -> None:
    """奖励清单 / 待核实 / 公示名单 and the 汇总 blocks agree with the award lines, to the 元."""
    total = int(lines["amount_yuan"].sum() or 0)
    review = lines.filter(pl.col("status") == "needs_review")
    confirmed = lines.filter(pl.col("status") == "confirmed")
    for sheet, part in (("奖励清单", lines), ("待核实", review), ("公示名单", confirmed)):
        data, totals = _list_sheet(wb[sheet])
        assert len(data) == part.height, sheet
        exact = [r["金额（元）"] for r in data]  # the hidden exact column
        part_total = int(part["amount_yuan"].sum() or 0)
        assert sum(exact) == part_total == totals["金额（元）"], sheet
        assert sorted(exact) == sorted(part["amount_yuan"].to_list()), sheet
        assert _dec(totals["金额（万元）"]) == Decimal(part_total) / WAN, sheet
        assert sum(_dec(r["金额（万元）"]) for r in data) == Decimal(part_total) / WAN, sheet
        assert any(isinstance(v, str) and v == f"合计（{part.height} 笔）" for v in totals.values()), sheet
    summary = wb["汇总"]
    for caption, key in (("按奖项", "label"), ("按责任单位", "department")):
        data, totals = _summary_block(summary, caption)
        if lines.height == 0:
            assert data == [] and totals[1] == 0, caption
            continue
        want = {
            r[key]: (r["count"], Decimal(r["amount_yuan"]) / WAN)
            for r in lines.group_by(key).agg(pl.len().alias("count"), pl.col("amount_yuan").sum()).to_dicts()
        }
        got = {r[0]: (r[1], _dec(r[2])) for r in data}
        assert got == want, caption
        assert totals[1] == lines.height and _dec(totals[2]) == Decimal(total) / WAN, caption
        assert totals[3] == review.height, caption
        assert _dec(totals[4]) == Decimal(int(review["amount_yuan"].sum() or 0)) / WAN, caption
    headline = summary.cell(3, 1).value
    assert f"共 {lines.height} 笔" in headline and f"其中待核实 {review.height} 笔" in headline


def check_json_totals(totals: dict[str, Any], items: list[dict[str, Any]]) -> None:
    assert totals["amount_yuan"] == sum(i["amount_yuan"] for i in items)
    assert totals["count"] == len(items)
    for key, block in (("award", "by_award"), ("department", "by_department")):
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for i in items:
            sums[i[key]][0] += i["amount_yuan"]
            sums[i[key]][1] += 1
        assert {b[key]: [b["amount_yuan"], b["count"]] for b in totals[block]} == dict(sums), block
        assert sum(b["amount_yuan"] for b in totals[block]) == totals["amount_yuan"], block


@settings(PROPERTY, max_examples=8)
@given(district=districts(), year=st.sampled_from([2019, 2020, 2021]))
def test_every_total_shown_is_the_sum_of_the_award_lines(district: dict[str, Any], year: int) -> None:
    result = run(district["inputs"], POLICY, year)
    lines = result.awards
    items = json.loads(json.dumps(lines.to_dicts(), default=str))
    check_json_totals(json.loads(json.dumps(_totals(lines))), items)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "r.xlsx"
        args = dict(
            results=[result],
            inputs_files=(),
            problems=result.problems,
            policy_rows=POLICY.rows(),
            switches={},
            version="test",
            run_time=datetime(2021, 1, 1, tzinfo=timezone.utc),
        )
        write_report(target, **args)
        wb = openpyxl.load_workbook(target)
        assert tuple(wb.sheetnames) == REPORT_SHEETS
        check_award_sheets(wb, lines)
        parts_dir = Path(tmp) / "parts"
        parts_dir.mkdir()
        parts = split_report(parts_dir, "department", **args)
        total = 0
        for part in parts:
            data, totals = _list_sheet(openpyxl.load_workbook(part)["奖励清单"])
            assert sum(r["金额（元）"] for r in data) == totals["金额（元）"]
            total += totals["金额（元）"]
        assert total == int(lines["amount_yuan"].sum() or 0)
        assert len(parts) == lines["department"].n_unique()


# ------------------------------------------------------------------------------------- 2b. totals via the CLI
@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One parsed-input cache for this module's CLI runs (kept out of the user's cache)."""
    path = tmp_path_factory.mktemp("qkcache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QKAWARD_CACHE_DIR", str(path))
        yield path


@pytest.fixture
def ws(tmp_path: Path, cache_dir: Path) -> Path:
    return copy_sample(tmp_path)


def _invoke(args: list[str]) -> Any:
    result = runner.invoke(app, args, env={"COLUMNS": "220"})
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("year", [2020])
def test_cli_totals_json_csv_xlsx_report_and_split_add_up(ws: Path, tmp_path: Path, year: int) -> None:
    common = ["--year", str(year), "-w", str(ws)]
    doc = json.loads(_invoke(["awards", *common, "--format", "json"]).stdout)
    items = doc["items"]
    assert items, "the sample district has awards in 2019 and 2020"
    check_json_totals(doc["totals"], items)
    lines = pl.DataFrame(items).select(
        pl.col("amount_yuan").cast(pl.Int64), "status", "label", "department", "award", "credit_code"
    )

    text = _invoke(["awards", *common, "--format", "csv"]).stdout.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(int(r["金额（元）"]) for r in rows) == sorted(i["amount_yuan"] for i in items)

    table = _invoke(["awards", *common]).stdout
    total_wan = wan(doc["totals"]["amount_yuan"], 4)
    grand = [line for line in table.splitlines() if line.strip().startswith("合计")]
    assert len(grand) >= 3 and all(total_wan in line for line in grand), (total_wan, grand)

    listing = tmp_path / "awards.xlsx"
    _invoke(["awards", *common, "--format", "xlsx", "-o", str(listing)])
    data, totals = _list_sheet(openpyxl.load_workbook(listing)["奖励清单"])
    assert sum(r["金额（元）"] for r in data) == totals["金额（元）"] == doc["totals"]["amount_yuan"]

    report = tmp_path / "report.xlsx"
    _invoke(["report", *common, "-o", str(report)])
    check_award_sheets(openpyxl.load_workbook(report), lines)

    parts = tmp_path / "parts"
    _invoke(["report", *common, "--split-by", "department", "-o", str(parts)])
    by_department = {b["department"]: b["amount_yuan"] for b in doc["totals"]["by_department"]}
    seen = {}
    for path in sorted(parts.glob("*.xlsx")):
        data, totals = _list_sheet(openpyxl.load_workbook(path)["奖励清单"])
        departments = {r["责任单位"] for r in data}
        assert len(departments) == 1, path.name
        assert sum(r["金额（元）"] for r in data) == totals["金额（元）"]
        seen[departments.pop()] = totals["金额（元）"]
    assert seen == by_department


# ------------------------------------------------------------------------------------------ 3. ledger
RUN_INFO = RunInfo("qkaward awards --commit", POLICY.id, POLICY.sha256, None, (), "test")
LADDER_FIRST = {f"ladder.first_reach.{t.id}": t.first_reach_yuan for t in POLICY.ladder.tiers}


@settings(PROPERTY, max_examples=15)
@given(district=districts(), years=st.lists(st.sampled_from([2019, 2020, 2021]), min_size=1, max_size=5))
def test_one_time_awards_are_recorded_at_most_once_over_any_run_sequence(
    district: dict[str, Any], years: list[int]
) -> None:
    inputs = district["inputs"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ledger.sqlite"
        with Ledger.open(db) as ledger:
            last = None
            for year in years:
                result = run(inputs, POLICY, year, paid=ledger.paid())
                done = ledger.commit(result.awards, RUN_INFO)
                assert (
                    done.recorded + done.already_present + done.conflicting + done.skipped_needs_review
                    == (result.awards.height)
                )
                last = result
            assert last is not None
            again = ledger.commit(last.awards, RUN_INFO)  # the same result once more: nothing new
            assert again.recorded == 0
        conn = sqlite3.connect(db)
        try:
            records = conn.execute(
                "SELECT credit_code, award, subject, year, amount_yuan FROM awards WHERE active = 1"
            ).fetchall()
        finally:
            conn.close()
    once: dict[tuple[str, str, str], int] = defaultdict(int)
    yearly: dict[tuple[str, str, str, int], int] = defaultdict(int)
    listings: dict[str, int] = defaultdict(int)
    ladder: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for credit_code, award, subject, year, amount in records:
        if is_yearly(award):
            yearly[(credit_code, award, subject, year)] += 1
        else:
            once[(credit_code, award, subject)] += 1
        if award.startswith("listing."):
            listings[credit_code] += 1
        if award in LADDER_FIRST:
            ladder[credit_code].append((award, amount))
    event(f"records={min(len(records), 10)}; ladder={sum(len(v) for v in ladder.values())}")
    assert max(once.values(), default=0) <= 1, once
    assert max(yearly.values(), default=0) <= 1, yearly
    if POLICY.listing.one_per_enterprise:
        assert max(listings.values(), default=0) <= 1, listings
    for credit_code, paid in ladder.items():
        # 补差 (ladder.upgrade = top_up): all first-reach payments together never exceed the
        # first-reach award of the highest tier paid.
        assert sum(a for _, a in paid) <= max(LADDER_FIRST[k] for k, _ in paid), (credit_code, paid, years)


# ------------------------------------------------------------------------------------------ 4. --set default
def _raw_value(key: str) -> Any:
    node: Any = tomllib.loads(DEFAULT_POLICY.read_text(encoding="utf-8"))
    for part in key.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node["value"] if isinstance(node, dict) else node


def toml_literal(value: Any) -> str:
    """A value as TOML source for ``--set KEY=VALUE``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(toml_literal(v) for v in value) + "]"
    raise TypeError(value)


ROWS = POLICY.rows()
ALL_KEYS = [r.key for r in ROWS]
SWITCHES = [
    "ladder.upgrade",
    "ladder.same_year",
    "ladder.first_reach_basis",
    "ladder.main_sections",
    "scale_entry.include_construction",
    "scale_entry.include_real_estate",
    "listing.one_per_enterprise",
    "targets.revenue_strict",
    "targets.revenue_count",
]
LIST_KEYS = [r.key for r in ROWS if isinstance(_raw_value(r.key), list)]


@pytest.fixture(scope="module")
def sample_inputs(cache_dir: Path) -> schema.Inputs:
    from qkaward.inputs import build_spec, load_inputs

    return load_inputs(build_spec(SAMPLE, {}))


def _same_result(a: Any, b: Any) -> None:
    assert a.policy_id == b.policy_id
    assert a.awards.equals(b.awards)
    assert a.classify.equals(b.classify)
    assert a.frame.equals(b.frame)
    assert a.problems.equals(b.problems)
    assert a.targets == b.targets


def test_switch_keys_are_all_in_the_policy_rows() -> None:
    assert set(SWITCHES) <= set(ALL_KEYS)


@pytest.fixture(scope="module")
def baseline(sample_inputs: schema.Inputs) -> dict[int, Any]:
    return {year: run(sample_inputs, POLICY, year) for year in (2019, 2020)}


@pytest.mark.parametrize("key", ALL_KEYS)
def test_set_with_the_value_in_force_gives_the_same_policy(key: str) -> None:
    # The run is a function of (inputs, policy): an identical Policy gives an identical run.
    pol = load_policy(overrides=[f"{key}={toml_literal(_raw_value(key))}"])
    assert pol.overrides  # the override was applied …
    assert replace(pol, overrides=()) == POLICY  # … and changed nothing
    assert pol.rows() == POLICY.rows()


@pytest.mark.parametrize("key", SWITCHES)
def test_set_a_switch_to_its_value_in_force_changes_no_result(
    key: str, sample_inputs: schema.Inputs, baseline: dict[int, Any]
) -> None:
    pol = load_policy(overrides=[f"{key}={toml_literal(_raw_value(key))}"])
    for year, expected in baseline.items():
        _same_result(run(sample_inputs, pol, year), expected)


@pytest.mark.parametrize("key", [k for k in ALL_KEYS if k not in LIST_KEYS])
def test_set_with_the_value_as_policy_show_prints_it_changes_nothing(key: str) -> None:
    value = next(r.value for r in ROWS if r.key == key)
    assert load_policy(overrides=[f"{key}={value}"]).rows() == POLICY.rows()


@pytest.mark.parametrize("key", LIST_KEYS[:1])
def test_set_a_list_with_the_value_as_policy_show_prints_it(key: str) -> None:
    value = next(r.value for r in ROWS if r.key == key)
    assert load_policy(overrides=[f"{key}={value}"]).rows() == POLICY.rows()


def test_set_default_switches_via_the_cli_change_nothing(ws: Path) -> None:
    common = ["awards", "--year", "2020", "-w", str(ws), "--format", "json"]
    plain = json.loads(_invoke(common).stdout)
    sets = []
    for key in SWITCHES:
        sets += ["--set", f"{key}={toml_literal(_raw_value(key))}"]
    overridden = json.loads(_invoke([*common, *sets]).stdout)
    assert overridden == plain


def test_sanity_the_xlsx_outputs_are_real_zip_files(tmp_path: Path) -> None:
    # guards _list_sheet/_summary_block against silently reading nothing
    target = tmp_path / "r.xlsx"
    result = run(inputs_of([], []), POLICY, 2020)
    write_report(
        target,
        results=[result],
        inputs_files=(),
        problems=result.problems,
        policy_rows=POLICY.rows(),
        switches={},
        version="test",
        run_time=datetime(2021, 1, 1, tzinfo=timezone.utc),
    )
    assert zipfile.is_zipfile(target)
    check_award_sheets(openpyxl.load_workbook(target), result.awards)
