"""The Excel report: sheets, charts, print settings, untrusted text, masking, split parts, atomic writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from qkaward.render.workbook import (
    PART_SHEETS,
    REPORT_SHEETS,
    mask_id,
    safe_filename,
    split_report,
    text_width,
    write_award_list,
    write_report,
)
from qkaward.schema import AWARD_LINE, PROBLEM, InputFile

HOSTILE = '=HYPERLINK("http://x","点击")'
RAW_ID = "420104199001011234"
YEAR = 2020


@dataclass(frozen=True)
class FakeTarget:
    id: str
    label: str
    clause: str
    goal: int
    actual: int | None
    gap: int | None
    unit: str
    note: str


@dataclass(frozen=True)
class FakeResult:
    """The duck type of qkaward.rules.RunResult that the report reads."""

    year: int
    policy_id: str
    frame: pl.DataFrame
    classify: pl.DataFrame
    awards: pl.DataFrame
    targets: tuple[FakeTarget, ...]
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM))


ENTERPRISES = [
    # code, name, industry, group, street
    ("91420104000000001A", "武汉甲建设集团有限公司", "4811", "main", "汉正街"),
    ("91420104000000002B", "武汉乙科技股份有限公司", "6513", "other", "宝丰街"),
    ("91420104000000003C", HOSTILE, "5121", "main", "汉正街"),
    ("91420104000000004D", "武汉丁商贸有限公司", "5121", "main", None),
    ("91420104000000005E", "硚口孵化器运营有限公司", "7221", "other", "宝丰街"),
]

TIERS = {  # year -> code -> tier
    2018: {"91420104000000001A": "t3"},
    2019: {"91420104000000001A": "t2", "91420104000000002B": "t3"},
    2020: {"91420104000000001A": "t1", "91420104000000002B": "t3", "91420104000000003C": "t3"},
}


def make_frame() -> pl.DataFrame:
    rows = []
    for year in (2018, 2019, 2020):
        for i, (code, name, ind, group, street) in enumerate(ENTERPRISES):
            revenue = (i + 1) * 3_000_000_000 + (year - 2018) * 500_000_000 + 1234
            rows.append(
                {
                    "credit_code": code,
                    "year": year,
                    "name": name,
                    "industry_code": ind,
                    "group": group,
                    "revenue_yuan": revenue,
                    "fiscal_yuan": revenue // 100,
                    "street": street,
                    "tier": TIERS[year].get(code),
                    "founded": date(2015, 1, 1),
                    "valuation_yuan": None,
                    "valuation_usd": 150_000_000 if i == 1 else None,
                }
            )
    return pl.DataFrame(rows, schema_overrides={"year": pl.Int32})


def make_classify(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    pools = {
        "91420104000000002B": ["ladder_pool.t2", "four_above", "gazelle", "pre_unicorn"],
        "91420104000000004D": ["ladder_pool.t3", "four_above"],
        "91420104000000003C": ["four_above", "high_growth"],
    }
    rows = frame.filter(pl.col("year") == year)
    return rows.select(
        "credit_code",
        "name",
        "industry_code",
        "group",
        "revenue_yuan",
        "fiscal_yuan",
        "tier",
        pl.col("credit_code")
        .map_elements(lambda c: pools.get(c, []), return_dtype=pl.List(pl.String))
        .alias("pools"),
    )


def award(code, name, aid, label, amount, clause, dept, status="confirmed", reason="依据", subject=""):
    return {
        "credit_code": code,
        "name": name,
        "year": YEAR,
        "award": aid,
        "label": label,
        "amount_yuan": amount,
        "clause": clause,
        "department": dept,
        "status": status,
        "reason": reason,
        "subject": subject,
    }


def make_awards() -> pl.DataFrame:
    c = [e[0] for e in ENTERPRISES]
    rows = [
        award(
            c[0],
            ENTERPRISES[0][1],
            "ladder.first_reach.t1",
            "五百亿级首次达标奖励",
            5_000_000,
            "三(二)1",
            "区发改局",
        ),
        award(
            c[0], ENTERPRISES[0][1], "ladder.growth.t1", "五百亿级增长奖励", 2_000_000, "三(二)1", "区发改局"
        ),
        award(
            c[1],
            ENTERPRISES[1][1],
            "ladder.first_reach.t3",
            "五十亿级首次达标奖励",
            1_000_000,
            "三(二)1",
            "区发改局",
            status="needs_review",
            reason="上年财政贡献数据缺失，须核实历史达标情况",
        ),
        award(
            c[2],
            HOSTILE,
            "scale_entry",
            "新进规上限上企业奖励",
            50_000,
            "三(二)2",
            "区商务局",
            reason=HOSTILE,
        ),
        award(
            c[3],
            ENTERPRISES[3][1],
            "listing.main_board",
            "境内外主板上市奖励",
            3_000_000,
            "三(二)1",
            "区金融局",
        ),
        award(
            c[1],
            ENTERPRISES[1][1],
            "talent.project",
            "高端人才项目资助",
            1_000_000,
            "三(二)4",
            "区委组织部",
            reason="张三入选黄鹤英才",
            subject=RAW_ID,
        ),
        award(
            c[4],
            ENTERPRISES[4][1],
            "incubator.hightech",
            "孵化载体培育高新技术企业支持",
            150_000,
            "三(二)3",
            "区科经局",
            subject="硚口创新孵化器",
        ),
        award(
            c[4], ENTERPRISES[4][1], "honor.little_giant", "科技小巨人企业奖励", 20_001, "三(二)2", "区科经局"
        ),
        award(
            c[3], ENTERPRISES[3][1], "scale_entry", "新进规上限上企业奖励", 50_000, "三(二)2", "../区/商务局"
        ),
    ]
    return pl.DataFrame(rows, schema=AWARD_LINE)


def make_result(year: int = YEAR) -> FakeResult:
    frame = make_frame()
    targets = (
        FakeTarget("revenue_500", "营业收入超500亿元企业", "二", 3, 1, 2, "家", "2020年营业收入"),
        FakeTarget("gazelles", "瞪羚企业", "二", 10, 4, 6, "家", "2020年培育库"),
        FakeTarget("talents_city", "市级以上高端人才", "二", 30, None, None, "人", "未提供人才数据"),
    )
    return FakeResult(
        year=year,
        policy_id="qiaokou-2019",
        frame=frame,
        classify=make_classify(frame, year),
        awards=make_awards() if year == YEAR else pl.DataFrame(schema=AWARD_LINE),
        targets=targets,
    )


def make_problems() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "file": "统计局2020.xlsx",
                "sheet": "Sheet1",
                "row": 7,
                "column": "营业收入",
                "value": "=1+1",
                "message": "不是数字",
                "severity": "error",
            },
            {
                "file": "统计局2020.xlsx",
                "sheet": "Sheet1",
                "row": 40,
                "column": "",
                "value": "合计",
                "message": "合计行，已跳过",
                "severity": "skipped",
            },
        ],
        schema=PROBLEM,
    )


FILES = [
    InputFile(
        path="stats/统计局2020.xlsx",
        role="stats",
        sha256="ab" * 32,
        sheets=("Sheet1",),
        ignored_sheets=(),
        years=(2020,),
        units=("营业收入: 千元",),
        rows_read=120,
        rows_used=118,
    )
]
POLICY_ROWS = [
    {"key": "ladder.tiers.t1.revenue_main", "value": "500", "unit": "亿元", "clause": "三(二)1", "note": ""},
    {"key": "ladder.upgrade", "value": "top_up", "unit": "", "clause": "三(二)1", "note": "补差"},
]
RUN_TIME = datetime(2026, 11, 27, 9, 30, 0)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "报表.xlsx"
    write_report(
        out,
        results=[make_result(), make_result(2019)],
        inputs_files=FILES,
        problems=make_problems(),
        policy_rows=POLICY_ROWS,
        switches={"ladder.upgrade": "top_up"},
        version="0.1.0",
        run_time=RUN_TIME,
    )
    return out


@pytest.fixture(scope="module")
def book(report) -> openpyxl.Workbook:
    return openpyxl.load_workbook(report)


def column_of(ws, header: str) -> int:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"no column {header} on {ws.title}")


def totals_row(ws):
    """(row number, cells) of the row whose first text cell starts with 合计."""
    for row in ws.iter_rows(min_row=2):
        if any(isinstance(c.value, str) and c.value.startswith("合计") for c in row[:3]):
            return row
    raise AssertionError(f"no totals row on {ws.title}")


def test_every_sheet_present(book):
    assert tuple(book.sheetnames) == REPORT_SHEETS


def test_charts_present(book):
    assert len(book["汇总"]._charts) == 3  # by department, tier counts by year, target progress
    assert len(book["目标进度"]._charts) == 1


@pytest.mark.parametrize("sheet", REPORT_SHEETS)
def test_print_settings(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth or 1) == 1  # xlsxwriter omits the default 1; absent means 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "硚口区“四个一批”行动计划奖励测算" in ws.oddHeader.left.text
    assert ws.oddHeader.right.text == "2020年度"
    assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize(
    "sheet", ["梯队", "培育库", "奖励清单", "待核实", "公示名单", "目标进度", "数据问题"]
)
def test_list_sheets_repeat_header_and_filter(book, sheet):
    ws = book[sheet]
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.auto_filter.ref.startswith("A1:")


def test_hostile_name_stays_a_string(book):
    found = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == HOSTILE:
                    assert cell.data_type == "s"
                    assert cell.quotePrefix
                    found += 1
    assert found >= 4  # 奖励清单 name + reason, 公示名单, 梯队


def test_hostile_problem_value_stays_a_string(book):
    ws = book["数据问题"]
    col = column_of(ws, "值")
    assert ws.cell(2, col).value == "=1+1"
    assert ws.cell(2, col).data_type == "s"


def test_amounts_in_wan_with_separators_and_exact_total(book):
    ws = book["奖励清单"]
    amount, exact = column_of(ws, "金额（万元）"), column_of(ws, "金额（元）")
    assert ws.cell(2, amount).number_format == "#,##0.00##"
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(exact)].hidden
    total = make_awards().get_column("amount_yuan").sum()
    row = totals_row(ws)
    assert row[exact - 1].value == total
    assert Decimal(str(row[amount - 1].value)) == Decimal(total) / 10_000
    little = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[exact - 1] == 20_001]
    assert little and little[0][amount - 1] == 2.0001


def test_talent_id_masked_and_nothing_personal_in_public_list(book):
    ws = book["公示名单"]
    headers = [c.value for c in ws[1]]
    assert "依据说明" not in headers and "状态" not in headers
    text = [str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert RAW_ID not in " ".join(text)
    assert mask_id(RAW_ID) in text
    assert "张三" not in " ".join(text)
    assert "硚口创新孵化器" in text  # a carrier is not personal
    assert not any(t == "待核实" for t in text)
    ws = book["奖励清单"]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    assert RAW_ID not in text


def test_public_list_totals_confirmed_only(book):
    ws = book["公示名单"]
    exact = column_of(ws, "金额（元）")
    awards = make_awards()
    confirmed = awards.filter(pl.col("status") == "confirmed").get_column("amount_yuan").sum()
    assert totals_row(ws)[exact - 1].value == confirmed


def test_review_sheet_lists_needs_review(book):
    ws = book["待核实"]
    names = [r[2] for r in ws.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    assert names == ["武汉乙科技股份有限公司"]


def test_tier_sheet_shows_change(book):
    ws = book["梯队"]
    code, change = column_of(ws, "统一社会信用代码"), column_of(ws, "较上年变化")
    changes = {r[code - 1]: r[change - 1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert changes["91420104000000001A"] == "升级"
    assert changes["91420104000000002B"] == "保持"
    assert changes["91420104000000003C"] == "新进梯队"
    assert changes["91420104000000004D"] == "培育中"


def test_pool_sheet_one_row_per_pool_membership(book):
    ws = book["培育库"]
    pools = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert pools.count("四上企业") == 3
    assert "瞪羚企业" in pools and "准独角兽企业" in pools


def test_summary_tier_counts_and_departments(book):
    ws = book["汇总"]
    cells = {c.value for row in ws.iter_rows() for c in row if c.value is not None}
    assert {"区发改局", "区金融局", "区委组织部", "汉正街", "宝丰街", "未注明街道"} <= cells
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "四、梯队企业数（按年度）")
    by_year = {r[0]: r[1:5] for r in rows[start + 2 : start + 5]}
    assert by_year == {"2018": (0, 0, 1, 1), "2019": (0, 1, 1, 2), "2020": (1, 0, 2, 3)}


def test_basis_sheet(book):
    ws = book["计算依据"]
    text = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert "ab" * 32 in text
    assert "qkaward 0.1.0" in text
    assert "ladder.tiers.t1.revenue_main" in text
    assert "2026-11-27 09:30:00" in text


def test_column_widths_fit_chinese(book):
    ws = book["奖励清单"]
    col = openpyxl.utils.get_column_letter(column_of(ws, "企业名称"))
    assert ws.column_dimensions[col].width >= text_width("武汉乙科技股份有限公司")


def test_atomic_write_leaves_no_temp_file(report):
    leftovers = [p.name for p in report.parent.iterdir() if p.name != report.name]
    assert leftovers == []


def test_split_by_department_adds_up(tmp_path):
    paths = split_report(tmp_path, "department", results=[make_result()], version="0.1.0", run_time=RUN_TIME)
    awards = make_awards()
    assert len(paths) == awards.get_column("department").n_unique()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)
    total = 0
    for p in paths:
        assert p.parent == tmp_path and "/" not in p.name and not p.name.startswith(".")
        wb = openpyxl.load_workbook(p)
        assert tuple(wb.sheetnames) == PART_SHEETS
        ws = wb["奖励清单"]
        exact = column_of(ws, "金额（元）")
        dept_col = column_of(ws, "责任单位")
        depts = {r[dept_col - 1] for r in ws.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)}
        assert len(depts) == 1
        part = totals_row(ws)[exact - 1].value
        dept = depts.pop()
        assert part == awards.filter(pl.col("department") == dept).get_column("amount_yuan").sum()
        total += part
    assert total == awards.get_column("amount_yuan").sum()


def test_split_by_street(tmp_path):
    streets = pl.DataFrame(
        {"credit_code": [e[0] for e in ENTERPRISES], "street": [e[4] for e in ENTERPRISES]}
    )
    paths = split_report(
        tmp_path, "street", results=[make_result()], version="0.1.0", run_time=RUN_TIME, streets=streets
    )
    assert len(paths) == 3  # 汉正街, 宝丰街, 未注明街道
    total = 0
    for p in paths:
        ws = openpyxl.load_workbook(p)["奖励清单"]
        total += totals_row(ws)[column_of(ws, "金额（元）") - 1].value
    assert total == make_awards().get_column("amount_yuan").sum()


def test_award_list_xlsx_totals_row(tmp_path):
    out = tmp_path / "awards.xlsx"
    awards = make_awards()
    write_award_list(out, awards)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["奖励清单"]
    ws = wb["奖励清单"]
    data = [r for r in ws.iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    assert len(data) == awards.height
    exact = column_of(ws, "金额（元）")
    assert totals_row(ws)[exact - 1].value == awards.get_column("amount_yuan").sum()
    assert sum(r[exact - 1] for r in data) == awards.get_column("amount_yuan").sum()
    assert [p.name for p in tmp_path.iterdir()] == ["awards.xlsx"]


def test_empty_awards_still_write(tmp_path):
    out = tmp_path / "empty.xlsx"
    write_award_list(out, pl.DataFrame(schema=AWARD_LINE))
    ws = openpyxl.load_workbook(out)["奖励清单"]
    assert totals_row(ws)[column_of(ws, "金额（元）") - 1].value == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("区发改局", "区发改局"), ("../../etc/passwd", "etc_passwd"), ("..", "未命名"), ("a/b\\c:d", "a_b_c_d")],
)
def test_safe_filename(text, expected):
    assert safe_filename(text, "未命名") == expected


def test_mask_id():
    assert mask_id(RAW_ID) == "4201**********1234"
    assert mask_id(mask_id(RAW_ID)) == mask_id(RAW_ID)
    assert mask_id("1234") == "****"


# ------------------------------------------------------------------------------------ Rich dashboards
@pytest.mark.parametrize("width", [100, 60])
@pytest.mark.parametrize("which", ["awards", "classify", "targets"])
def test_dashboards_fit_the_window(width, which):
    import io

    from rich.cells import cell_len
    from rich.console import Console

    from qkaward.render import dashboard

    result = make_result()
    result = FakeResult(
        result.year,
        result.policy_id,
        result.frame,
        result.classify.with_columns(
            pl.when(pl.col("credit_code") == "91420104000000004D")
            .then(pl.lit("[bold]假[/bold]商贸"))
            .otherwise(pl.col("name"))
            .alias("name")
        ),
        result.awards,
        result.targets,
    )
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None)
    getattr(dashboard, f"print_{which}")(console, result)
    text = buf.getvalue()
    assert all(cell_len(line) <= width for line in text.splitlines())
    if which == "awards":
        assert "1,227.0001" in text and "合计" in text and "按责任单位合计" in text
        assert RAW_ID not in text and "4201" in text
        assert "待核实" in text
    if which == "classify":
        assert "[bold]" in text  # markup in a name is printed, not interpreted
        assert "五百亿级" in text and "准独角兽" in text.replace("\n", "").replace(" ", "")
    if which == "targets":
        assert "无数据" in text and "33%" in text
