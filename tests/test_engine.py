"""Engine tests that are not naturally scenario files: no policy literals in code, exact money text,
the frame's joins and warnings, masking, explain, and the case files' credit codes."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import tomllib
from hypothesis import given
from hypothesis import strategies as st
from test_cases import CASE_FILES, frame_of, inputs_of

from qkaward import schema
from qkaward.errors import UsageError
from qkaward.explain import Trace, explain
from qkaward.frame import FRAME, build_frame
from qkaward.policy import load_policy
from qkaward.privacy import mask_id_expr as mask_id
from qkaward.rules import run
from qkaward.rules._common import money, money_expr

ROOT = Path(__file__).resolve().parent.parent
POLICY = load_policy()
A, B = "91420104MA4K00010K", "91420104MA4K00029G"
C = "91310115591693856A"  # a third enterprise (a valid code of domain-notes §3d)


# ------------------------------------------------------------------ no policy numbers in code
def _policy_numbers() -> set[Decimal]:
    nums: set[Decimal] = set()
    for row in POLICY.rows():
        for part in row.value.split("、"):
            try:
                nums.add(Decimal(part))
            except ArithmeticError:
                continue
    for path in (POLICY.path, POLICY.four_above.path):
        raw = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        stack = [raw]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, (int, Decimal)) and not isinstance(node, bool):
                nums.add(Decimal(node))
    nums |= {Decimal(t.first_reach_yuan) for t in POLICY.ladder.tiers}
    nums |= {Decimal(t.revenue_main_yuan) for t in POLICY.ladder.tiers}
    return nums - {Decimal(0), Decimal(1)}


def test_no_policy_number_literals_in_code() -> None:
    """Numeric literals equal to a policy number are not allowed in the engine, except on lines
    marked ``# not-policy`` (unit multipliers and code-structure lengths)."""
    numbers = _policy_numbers()
    files = [ROOT / "qkaward" / "policy.py", ROOT / "qkaward" / "frame.py", ROOT / "qkaward" / "explain.py"]
    files += sorted((ROOT / "qkaward" / "rules").glob("*.py"))
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Constant) or isinstance(node.value, (bool, str, bytes)):
                continue
            if not isinstance(node.value, (int, float)):
                continue
            if Decimal(str(node.value)) in numbers and "# not-policy" not in lines[node.lineno - 1]:
                found.append(f"{path.name}:{node.lineno}: {node.value}")
    assert not found, "policy numbers written as literals:\n" + "\n".join(found)


# ------------------------------------------------------------------ money text
@pytest.mark.parametrize(
    ("yuan", "text"),
    [
        (5_230_000_000, "52.3亿元"),
        (5_000_000_000, "50亿元"),
        (9_999_999_999, "99.99999999亿元"),
        (50_000, "5万元"),
        (7_999_999, "799.9999万元"),
        (1234, "1234元"),
        (0, "0元"),
        (-20_000_000, "-2000万元"),
        (None, "无数据"),
    ],
)
def test_money_text(yuan: int | None, text: str) -> None:
    assert money(yuan) == text
    got = pl.DataFrame({"v": [yuan]}, schema={"v": pl.Int64}).select(money_expr(pl.col("v"))).item()
    assert got == text


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_money_expr_matches_money(yuan: int) -> None:
    got = pl.DataFrame({"v": [yuan]}, schema={"v": pl.Int64}).select(money_expr(pl.col("v"))).item()
    assert got == money(yuan)


# ------------------------------------------------------------------ frame
def _inputs(**roles: list[dict]) -> schema.Inputs:
    return inputs_of(roles)


def _disagreeing_inputs() -> schema.Inputs:
    """Statistics rows with 上年同期 rows, a repeated year and a disagreement; tax rows with another name."""
    return _inputs(
        stats=[
            {"credit_code": A, "name": "甲", "year": 2020, "industry_code": "5191", "revenue_yuan": 300},
            {
                "credit_code": A,
                "name": "甲",
                "year": 2019,
                "industry_code": "5191",
                "revenue_yuan": 200,
                "from_prev_column": True,
                "src_row": 7,
            },
            {"credit_code": A, "name": "甲", "year": 2019, "industry_code": "5191", "revenue_yuan": 210},
            {"credit_code": B, "name": "乙", "year": 2020, "industry_code": "3411", "revenue_yuan": 50},
            {"credit_code": B, "name": "乙", "year": 2020, "industry_code": "3411", "revenue_yuan": 51},
            {
                "credit_code": B,
                "name": "乙",
                "year": 2019,
                "industry_code": "3411",
                "revenue_yuan": 40,
                "from_prev_column": True,
            },
        ],
        tax=[
            {"credit_code": A, "name": "甲公司", "year": 2020, "fiscal_yuan": 9},
            {"credit_code": B, "name": "乙", "year": 2021, "fiscal_yuan": 1, "revenue_yuan": 77},
        ],
    )


def test_frame_prev_column_fills_missing_year_and_warns_on_disagreement() -> None:
    fr = build_frame(_disagreeing_inputs(), POLICY)
    f = {(r["credit_code"], r["year"]): r for r in fr.frame.iter_rows(named=True)}
    assert f[(A, 2019)]["revenue_yuan"] == 210  # the real 2019 row wins
    assert f[(A, 2020)]["revenue_prev_yuan"] == 210
    assert f[(B, 2019)]["revenue_yuan"] == 40 and f[(B, 2019)]["in_stats"] is False  # from the 上年 column
    assert f[(B, 2021)]["revenue_yuan"] == 77 and f[(B, 2021)]["revenue_source"] == "tax"
    assert (
        f[(A, 2020)]["name"] == "甲" and f[(A, 2020)]["group"] == "main" and f[(B, 2020)]["group"] == "other"
    )
    assert f[(B, 2021)]["industry_code"] == "3411"  # carried from the enterprise's other years
    msgs = fr.problems.get_column("message").to_list()
    assert any("上年同期列的营业收入（200元）与2019年数据（210元）不一致" in m for m in msgs)
    assert any("企业名称“甲公司”与统计局数据“甲”不一致" in m for m in msgs)
    assert any("同一企业2020年有多行数据，只采用第一行" in m for m in msgs)
    assert f[(B, 2020)]["revenue_yuan"] == 50
    assert fr.problems.filter(pl.col("value") == "200").get_column("row").to_list() == [7]
    assert fr.problems.schema == pl.Schema(schema.PROBLEM)


def test_frame_is_the_same_from_sources_in_many_chunks() -> None:
    """The loader hands over a role in many chunks (a sheet, its 上年同期 rows, a file: one each), and
    build_frame puts only the columns it gathers into one chunk: the frame and every problem (their
    provenance gathered from the chunked columns) are those of sources in one chunk."""
    inputs = _disagreeing_inputs()

    def chunked(df: pl.DataFrame) -> pl.DataFrame:
        return pl.concat([df.slice(i, 1) for i in range(df.height)], rechunk=False)

    split = dataclasses.replace(inputs, stats=chunked(inputs.stats), tax=chunked(inputs.tax))
    assert split.stats.n_chunks() > 1 and split.tax.n_chunks() > 1
    whole, parts = build_frame(inputs, POLICY), build_frame(split, POLICY)
    assert parts.frame.equals(whole.frame)
    assert parts.problems.equals(whole.problems) and parts.problems.height >= 3


def test_frame_text_comes_from_statistics_then_tax_then_master_data() -> None:
    """Name, street and industry code: the statistics row's, else the tax row's, else the master
    data's — per field, also when the statistics row lacks only that field, or when every statistics
    row has it; no master data leaves the gaps empty (and its columns typed nulls). Names are warned
    about only where both rows give one and they differ."""
    stats = [
        {"credit_code": A, "name": "甲", "year": 2020, "industry_code": "5191", "street": "宗关街"},
        {"credit_code": B, "name": None, "year": 2020, "industry_code": None, "street": None},
    ]
    tax = [
        {"credit_code": A, "name": "甲公司", "year": 2020, "fiscal_yuan": 1, "street": "汉水桥街"},
        {"credit_code": B, "name": "乙公司", "year": 2020, "fiscal_yuan": 1, "street": None},
        {"credit_code": C, "name": None, "year": 2020, "fiscal_yuan": 1},
    ]
    master = [
        {"credit_code": B, "name": "乙M", "industry_code": "3411", "street": "六角亭街"},
        {"credit_code": C, "name": "丙M", "industry_code": "6513", "street": "韩家墩街"},
    ]
    rows = {
        r["credit_code"]: r
        for r in build_frame(_inputs(stats=stats, tax=tax, enterprises=master), POLICY).frame.iter_rows(
            named=True
        )
    }
    got = {c: (rows[c]["name"], rows[c]["street"], rows[c]["industry_code"]) for c in (A, B, C)}
    assert got == {
        A: ("甲", "宗关街", "5191"),
        B: ("乙公司", "六角亭街", "3411"),
        C: ("丙M", "韩家墩街", "6513"),
    }
    # A's names differ (one warning); B's statistics row has no name, so nothing differs
    built = build_frame(_inputs(stats=stats, tax=tax), POLICY)
    warned = built.problems.filter(pl.col("column") == "name")
    assert warned.select("value", "message").rows() == [
        ("甲公司", "税务局数据的企业名称“甲公司”与统计局数据“甲”不一致，采用统计局名称")
    ]
    bare_frame = built.frame
    bare = {r["credit_code"]: r for r in bare_frame.iter_rows(named=True)}
    assert [(bare[c]["name"], bare[c]["street"], bare[c]["industry_code"]) for c in (B, C)] == [
        ("乙公司", None, None),
        (None, None, None),
    ]
    # statistics rows without gaps (A's alone): B and C, in no statistics row, take the tax row's text
    whole = {
        r["credit_code"]: r
        for r in build_frame(_inputs(stats=stats[:1], tax=tax), POLICY).frame.iter_rows(named=True)
    }
    assert [(whole[c]["name"], whole[c]["street"], whole[c]["industry_code"]) for c in (A, B, C)] == [
        ("甲", "宗关街", "5191"),
        ("乙公司", None, None),
        (None, None, None),
    ]
    # without master data (no join made) its columns are there, typed and empty
    assert bare_frame.schema == pl.Schema(FRAME)
    master_only = ["founded", "valuation_yuan", "valuation_usd", "listed"]
    assert bare_frame.select(pl.col(master_only).null_count()).row(0) == (bare_frame.height,) * 4


def test_frame_is_the_same_when_a_code_is_not_keyable() -> None:
    """A code that cannot be an integer key makes the frame sort on the text: same rows, same values."""
    stats = [
        {"credit_code": A, "name": "甲", "year": 2019, "industry_code": "5191", "revenue_yuan": 1},
        {"credit_code": A, "name": "甲", "year": 2018, "industry_code": "5191", "revenue_yuan": 2},
        {"credit_code": A, "name": "甲", "year": 2019, "revenue_yuan": 3, "from_prev_column": True},
        {"credit_code": B, "name": "乙", "year": 2020, "industry_code": "3411", "revenue_yuan": 4},
        {"credit_code": B, "name": "乙", "year": 2020, "industry_code": "3411", "revenue_yuan": 5},
    ]
    tax = [
        {"credit_code": B, "name": "乙公司", "year": 2020, "fiscal_yuan": 9},
        {"credit_code": A, "name": "甲", "year": 2017, "fiscal_yuan": 1, "revenue_yuan": 7},
    ]
    keyed = build_frame(_inputs(stats=stats, tax=tax), POLICY)
    odd = {"credit_code": "a-1", "name": "丙", "year": 2020, "fiscal_yuan": 1}  # lower case and '-'
    text = build_frame(_inputs(stats=stats, tax=[*tax, odd]), POLICY)
    assert text.frame.filter(pl.col("credit_code") != "a-1").equals(keyed.frame)
    assert text.problems.filter(pl.col("value") != "a-1").equals(keyed.problems)
    assert keyed.frame.select("credit_code", "year").rows() == [(A, 2017), (A, 2018), (A, 2019), (B, 2020)]


def test_an_award_line_without_a_name_takes_the_enterprises_known_name() -> None:
    """A line whose source row has no name (here a listing event) gets the enterprise's name from the
    frame (an earlier year's row: the enterprise has no other line to take it from); a line with a
    name of its own keeps it; with no name known anywhere it stays empty."""
    listed = {"event": "main_board", "event_text": "港交所主板上市", "year": 2019}
    inputs = inputs_of(
        {
            "stats": [
                {"credit_code": A, "name": "甲公司", "year": 2018, "industry_code": "5191", "revenue_yuan": 1}
            ],
            "events": [
                {"credit_code": A, "name": "", **listed},
                {"credit_code": B, "name": "乙自有名称", **listed},
                {"credit_code": C, "name": "", **listed},
            ],
        }
    )
    lines = run(inputs, POLICY, 2019).awards
    assert lines.get_column("award").unique().to_list() == ["listing.main_board"]
    assert dict(lines.select("credit_code", "name").iter_rows()) == {A: "甲公司", B: "乙自有名称", C: ""}


def test_frame_four_above_and_nbs_threshold_by_year() -> None:
    inputs = _inputs(
        stats=[{"credit_code": A, "name": "甲", "year": 2019, "industry_code": "6513", "revenue_yuan": 1}],
        tax=[
            {"credit_code": B, "name": "乙", "year": 2019, "industry_code": "6513", "fiscal_yuan": 1},
            {"credit_code": B, "name": "乙", "year": 2018, "industry_code": "6513", "fiscal_yuan": 1},
        ],
    )
    f = {(r["credit_code"], r["year"]): r for r in build_frame(inputs, POLICY).frame.iter_rows(named=True)}
    assert f[(A, 2019)]["four_above"] is True
    assert f[(B, 2019)]["four_above"] is False  # a 2019 statistics export was given and B is not in it
    assert f[(B, 2018)]["four_above"] is None  # no 2018 statistics export at all
    assert f[(B, 2018)]["nbs_threshold_yuan"] == 10_000_000  # before 国统字〔2019〕101号
    assert f[(B, 2019)]["nbs_threshold_yuan"] == 20_000_000
    assert f[(A, 2019)]["section"] == "I"


def test_industry_classification_agrees_with_the_standard_for_every_code_and_year() -> None:
    """The dense look-up tables of _classify_industry against the standard read row by row: every
    4-digit code in a year of each NBS table, a code of no division, no code, and a year the look-up
    was not built for (no NBS row; section and group do not depend on the year)."""
    from qkaward.frame import _classify_industry

    std = POLICY.four_above
    years = [2018, 2019]
    codes = [f"{c:04d}" for c in range(10_000)]
    rows = [(y, c) for y in years for c in codes] + [(2019, None), (2020, "6513")]
    frame = pl.DataFrame(rows, schema={"year": pl.Int32, "industry_code": pl.String}, orient="row")
    got = _classify_industry(frame.lazy(), POLICY, years).collect()
    main = set(POLICY.ladder.main_sections)
    expected = []
    for year, code in rows:
        section = std.sections.get(code[:2]) if code else None
        group = None if section is None else "main" if section in main else "other"
        table = std.table(year) if year in years and code else ()
        hit = [r for r in table if code in r.codes] or [r for r in table if code[:2] in r.codes]
        nbs = (hit[0].category, hit[0].name, hit[0].threshold_yuan) if hit else (None, None, None)
        expected.append((section, group, *nbs))
    columns = ["section", "group", "nbs_category", "nbs_name", "nbs_threshold_yuan"]
    assert got.select(columns).rows() == expected
    assert sum(e[2] is not None for e in expected) > 10_000  # most codes have an NBS row in both years
    assert expected[-1][:2] == ("I", "other") and expected[-1][2] is None


# ------------------------------------------------------------------ run
def test_run_rejects_a_year_outside_the_period() -> None:
    with pytest.raises(UsageError, match=r"年度2022不在政策期限2019—2021年内"):
        run(schema.Inputs(), POLICY, 2022)


def test_run_on_empty_inputs_gives_empty_typed_frames() -> None:
    r = run(schema.Inputs(), POLICY, 2019)
    assert r.awards.schema == pl.Schema(schema.AWARD_LINE)
    assert r.awards.is_empty() and r.classify.is_empty()
    assert {t.id for t in r.targets} >= {"ladder_t1", "gazelle", "four_above"}
    assert all(t.actual is None and t.note for t in r.targets)


def _all_case_results():
    for path in CASE_FILES:
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        yield case, run(inputs_of(case), load_policy(overrides=case.get("set", [])), case["year"])


def test_award_lines_are_well_formed_and_sorted() -> None:
    for _case, r in _all_case_results():
        a = r.awards
        assert a.schema == pl.Schema(schema.AWARD_LINE)
        assert a.equals(a.sort(["credit_code", "award", "subject"]))
        assert a.filter(pl.col("reason").is_null() | (pl.col("reason") == "")).is_empty()
        assert set(a.get_column("status").to_list()) <= {"confirmed", "needs_review"}
        assert a.filter(pl.col("amount_yuan") <= 0).is_empty()


def test_id_numbers_never_appear_unmasked() -> None:
    for case, r in _all_case_results():
        inputs = inputs_of(case)
        ids = [t["id_number"] for t in case.get("talents", [])]
        text = r.awards.write_csv()
        for code in r.awards.get_column("credit_code").unique().to_list():
            text += repr(explain(r, inputs, POLICY, code))
        for i in ids:
            assert i not in text


def test_mask_id() -> None:
    df = pl.DataFrame({"i": ["420104198001011234", "1234567", None]})
    assert df.select(mask_id(pl.col("i"))).to_series().to_list() == ["4201**********1234", "*******", None]


# ------------------------------------------------------------------ explain
def test_explain_traces_every_ladder_tier_with_thresholds() -> None:
    path = next(p for p in CASE_FILES if "补差奖励400万元" in p.name)
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    inputs = inputs_of(case)
    paid = frame_of(
        case["paid"],
        {
            "credit_code": pl.String,
            "award": pl.String,
            "year": pl.Int32,
            "amount_yuan": pl.Int64,
            "subject": pl.String,
        },
    )
    r = run(inputs, POLICY, case["year"], paid)
    code = case["stats"][0]["credit_code"]
    trace = explain(r, inputs, POLICY, code.lower())
    assert isinstance(trace, Trace) and trace.credit_code == code and trace.name
    steps = {s.rule: s for s in trace.steps}
    assert steps["ladder.first_reach.t2"].decision == "奖励400万元"
    assert steps["ladder.first_reach.t3"].decision == "不奖励"
    assert "2019年已首次达到" in steps["ladder.first_reach.t3"].reason
    assert "营业收入100亿元<500亿元" in steps["ladder.first_reach.t1"].reason
    assert dict(steps["ladder.first_reach.t2"].figures)["营业收入标准"] == "100亿元"
    assert steps["ladder.growth"].decision == "不奖励" and "1.15倍" in steps["ladder.growth"].reason
    assert all(s.clause for s in trace.steps)


def test_explain_unknown_enterprise() -> None:
    r = run(schema.Inputs(), POLICY, 2019)
    trace = explain(r, schema.Inputs(), POLICY, A)
    assert trace.steps[0].decision == "不适用"


# ------------------------------------------------------------------ the case files themselves
_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in _CHARS for c in code):
        return False
    r = 31 - sum(_CHARS.index(c) * w for c, w in zip(code[:17], _W, strict=True)) % 31
    if _CHARS[0 if r == 31 else r] != code[17]:
        return False
    body = code[8:16]
    s = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    c9 = 11 - s % 11
    return code[16] == {11: "0", 10: "X"}.get(c9, str(c9))


def test_case_files_use_valid_credit_codes() -> None:
    assert _valid_credit_code("91430111MA4L41YT1U") and not _valid_credit_code("914403001922038217")
    for path in CASE_FILES:
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        for role in ("stats", "tax", "enterprises", "events", "incubators", "talents", "paid"):
            for row in case.get(role, []):
                assert _valid_credit_code(row["credit_code"]), f"{path.name}: {row['credit_code']}"


def test_a_run_for_another_year_reuses_the_frame_and_equals_a_fresh_run() -> None:
    """The report's earlier years (Prepared.run_for) share the award year's frame and ladder flags,
    and give exactly what a run of their own gives."""
    from conftest import SAMPLE

    from qkaward.inputs.workspace import read_workspace
    from qkaward.runner import prepare

    spec = read_workspace(SAMPLE)
    award_year = prepare(spec, 2020, ledger=Path("/nonexistent/ledger.sqlite"))
    earlier = award_year.run_for(2019)
    fresh = run(award_year.inputs, award_year.policy, 2019, award_year.paid)
    assert earlier.base is award_year.result.base and earlier.frame is award_year.result.frame
    assert earlier.year == 2019 and earlier.awards.height > 0
    assert earlier.awards.equals(fresh.awards)
    assert earlier.classify.equals(fresh.classify)
    assert earlier.problems.equals(fresh.problems)
    assert earlier.frame.equals(fresh.frame)
    with pytest.raises(ValueError):
        run(award_year.inputs, load_policy(None, []), 2019, like=award_year.result)


def test_tier_counts_of_runs_on_one_frame_are_their_classify_tables_without_classifying() -> None:
    """The report's tier counts by year: for runs on the award year's frame the frame's tiers are
    what each year's classify table says (it adds only enterprises without figures, holding no
    tier), so the earlier years are not classified into pools just to count their tiers."""
    import dataclasses

    from conftest import SAMPLE

    from qkaward.inputs.workspace import read_workspace
    from qkaward.render.workbook import TIER_ORDER, tier_counts
    from qkaward.runner import prepare

    award_year = prepare(read_workspace(SAMPLE), 2020, ledger=Path("/nonexistent/ledger.sqlite"))
    results = [award_year.result, award_year.run_for(2019)]
    counts = tier_counts(results)
    assert all("classify" not in vars(r) and "pool_flags" not in vars(r) for r in results[1:])
    for r in results:  # each year's count, as its classify table gives it
        tiers = r.classify.get_column("tier")
        row = counts.filter(pl.col("year") == r.year).row(0, named=True)
        assert {t: row[t] for t in TIER_ORDER} == {t: int((tiers == t).sum()) for t in TIER_ORDER}
    assert counts.get_column("total").sum() > 0  # the sample holds tiers to count
    # a run on another frame is counted from its own classify table
    other = dataclasses.replace(results[1], frame=results[1].frame.clone())
    assert tier_counts([results[0], other]).equals(counts)
    assert "classify" in vars(other)


def test_a_later_run_is_computed_only_when_more_than_its_year_and_frame_is_asked_for() -> None:
    """The report's earlier years (Prepared.later_run_for): the tier counts by year read only their
    year and frame when the frame has that year; anything else computes the run, equal to run_for's."""
    import dataclasses

    from conftest import SAMPLE

    from qkaward.inputs.workspace import read_workspace
    from qkaward.render.workbook import tier_counts
    from qkaward.runner import prepare

    award_year = prepare(read_workspace(SAMPLE), 2020, ledger=Path("/nonexistent/ledger.sqlite"))
    later = award_year.later_run_for(2019)
    assert later.year == 2019 and later.frame is award_year.result.frame
    counts = tier_counts([award_year.result, later])
    assert "computed" not in vars(later)  # nothing computed for the counts
    assert counts.equals(tier_counts([award_year.result, award_year.run_for(2019)]))
    assert later.awards.equals(award_year.run_for(2019).awards) and "computed" in vars(later)
    assert later.classify.equals(award_year.run_for(2019).classify)
    # a year the frame lacks: its classify table is read (its row of the counts comes from there)
    no_2019 = award_year.result.frame.filter(pl.col("year") != 2019)
    lacking = award_year.later_run_for(2019)
    object.__setattr__(lacking, "frame", no_2019)
    main = dataclasses.replace(award_year.result, frame=no_2019)
    assert tier_counts([main, lacking]).filter(pl.col("year") == 2019).height == 1
    assert "computed" in vars(lacking)
