"""Readers: every file type, header detection, units, years, totals, bad cells, duplicates."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest
from conftest import VALID, stats_rows, write_xls, write_xlsx

from qkaward.errors import InputError
from qkaward.inputs import InputSpec, load_inputs, read_role_file


def _by_code(frame: pl.DataFrame, code: str, prev: bool = False) -> dict:
    rows = frame.filter((pl.col("credit_code") == code) & (pl.col("from_prev_column") == prev)).to_dicts()
    assert len(rows) == 1, rows
    return rows[0]


def test_xlsx_with_title_rows_and_two_level_merged_header(stats_xlsx: Path) -> None:
    got = read_role_file(stats_xlsx, "stats")
    first = _by_code(got.frame, VALID[0])
    assert first["year"] == 2020  # from the title row
    assert first["revenue_yuan"] == 1_234_567_800  # 1234567.8 千元, exact
    assert first["industry_code"] == "6510"
    assert first["src_row"] == 5  # as the spreadsheet numbers it
    prev = _by_code(got.frame, VALID[0], prev=True)
    assert (prev["year"], prev["revenue_yuan"]) == (2019, 1_000_000_000)
    second = _by_code(got.frame, VALID[1])
    assert second["revenue_yuan"] == 2_500_000_000  # "2,500,000" with thousands separators
    # "-" in 上年同期 means missing: no previous-year row for it, and no problem
    assert got.frame.filter(pl.col("credit_code") == VALID[1]).height == 1
    assert got.file.units == ("营业收入: 千元",)
    assert (got.file.rows_read, got.file.rows_used) == (3, 2)
    assert got.problems.select("row", "message", "severity").to_dicts() == [
        {"row": 7, "message": "合计行，已跳过", "severity": "skipped"}
    ]


def test_xls_reads_like_xlsx(tmp_path: Path) -> None:
    path = write_xls(tmp_path / "stats.xls", {"Sheet1": stats_rows("2018年规模以上工业企业主要经济指标")})
    got = read_role_file(path, "stats")
    assert _by_code(got.frame, VALID[0])["year"] == 2018
    assert _by_code(got.frame, VALID[0])["revenue_yuan"] == 1_234_567_800


@pytest.mark.parametrize(
    ("unit", "factor"), [("元", 1), ("千元", 1000), ("万元", 10_000), ("亿元", 100_000_000)]
)
def test_units_in_the_header(make_xlsx, unit: str, factor: int) -> None:
    path = make_xlsx(
        "s.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年度", "行业代码", f"营业收入（{unit}）"],
            [VALID[0], "甲", 2020, "3011", "12.5"],
        ],
    )
    frame = read_role_file(path, "stats").frame
    assert frame["revenue_yuan"].to_list() == [int(12.5 * factor) if factor > 1 else 13]


@pytest.mark.parametrize(
    ("unit", "cell", "yuan"),
    [
        ("亿元", 1.23456789, 123_456_789),  # 8 decimals of 亿元: whole 元 (read at 6 decimals: 123,456,800)
        ("亿元", "12.34567891", 1_234_567_891),
        ("万元", 0.00004999, 0),  # 0.4999 元 (rounded at the 6th decimal first: 0.5 → 1 元)
        ("万元", "0.00005", 1),
        ("千元", 1234.5675, 1_234_568),
    ],
)
def test_amounts_are_exact_to_every_decimal_a_cell_shows(
    make_xlsx, unit: str, cell: object, yuan: int
) -> None:
    # a number cell is given by fastexcel rounded to 9 decimals: all of them count
    path = make_xlsx(
        "s.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年度", "行业代码", f"营业收入（{unit}）"],
            [VALID[0], "甲", 2020, "3011", cell],
        ],
    )
    assert read_role_file(path, "stats").frame["revenue_yuan"].to_list() == [yuan]


def test_unit_written_with_slash_and_fractions_round_half_up(make_xlsx) -> None:
    path = make_xlsx(
        "s.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入/千元"],
            [VALID[0], "甲", 2020, "3011", "0.0005"],
            [VALID[1], "乙", 2020, "3011", "0.0015"],
        ],
    )
    assert read_role_file(path, "stats").frame["revenue_yuan"].to_list() == [1, 2]


def test_money_without_any_unit_is_an_error_for_the_file(make_xlsx) -> None:
    path = make_xlsx(
        "s.xlsx",
        [["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入"], [VALID[0], "甲", 2020, "3011", 1]],
    )
    with pytest.raises(InputError, match="未注明金额单位"):
        read_role_file(path, "stats")


def test_year_from_the_file_name(make_xlsx) -> None:
    path = make_xlsx(
        "税务_2019.xlsx",
        [["单位：万元"], ["纳税人识别号", "纳税人名称", "区级财政贡献"], [VALID[0], "甲", "800"]],
    )
    got = read_role_file(path, "tax")
    assert got.frame.select("year", "fiscal_yuan").to_dicts() == [{"year": 2019, "fiscal_yuan": 8_000_000}]


def test_no_year_anywhere_is_an_error_for_the_file(make_xlsx) -> None:
    path = make_xlsx(
        "tax.xlsx", [["单位：万元"], ["纳税人识别号", "纳税人名称", "区级财政贡献"], [VALID[0], "甲", "800"]]
    )
    with pytest.raises(InputError, match=r"无法确定文件 .*的年度"):
        read_role_file(path, "tax")


def test_bad_cells_are_problems_naming_file_sheet_row_and_column(make_xlsx) -> None:
    path = make_xlsx(
        "s.xlsx",
        [
            ["2020年统计"],
            ["单位：千元"],
            ["统一社会信用代码", "企业名称", "行业代码", "营业收入", "所属街道"],
            [VALID[0], "甲", "3011", "待核实", "古田街"],
            [VALID[1], "乙", "3011", "１２３，４５６", "宗关街"],
            ["914403001922038217", "丙", "3011", "100", None],
            [VALID[2], "丁", "30", "100", None],
            [VALID[3], "戊", "C3011", "—", None],
        ],
        sheet="工业",
    )
    got = read_role_file(path, "stats")
    problems = got.problems.select("sheet", "row", "column", "value", "message").to_dicts()
    assert {
        "sheet": "工业",
        "row": 4,
        "column": "营业收入",
        "value": "待核实",
        "message": "不是有效的数字，该行未采用",
    } in problems
    assert {
        "sheet": "工业",
        "row": 6,
        "column": "统一社会信用代码",
        "value": "914403001922038217",
        "message": "统一社会信用代码第18位校验码错误，应为6，该行未采用",
    } in problems
    assert any(p["row"] == 7 and p["column"] == "行业代码" for p in problems)
    codes = got.frame["credit_code"].to_list()
    assert codes == [VALID[1], VALID[3]]
    assert got.frame["revenue_yuan"].to_list() == [123_456_000, None]  # full-width digits; "—" is missing
    assert got.frame["industry_code"].to_list() == ["3011", "3011"]  # section letter dropped


def test_every_matching_sheet_is_read_and_others_are_named_ignored(tmp_path: Path) -> None:
    header = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]
    path = write_xlsx(
        tmp_path / "s.xlsx",
        {
            "工业": [header, [VALID[0], "甲", 2020, "3011", 1]],
            "说明": [["本表由统计局提供"]],
            "服务业": [header, [VALID[1], "乙", 2020, "6510", 2]],
        },
    )
    got = read_role_file(path, "stats")
    assert got.file.sheets == ("工业", "服务业")
    assert got.file.ignored_sheets == ("说明",)
    assert got.frame.height == 2
    assert got.problems.filter(pl.col("sheet") == "说明")["severity"].to_list() == ["skipped"]


def test_missing_required_column_names_it(make_xlsx) -> None:
    path = make_xlsx(
        "s.xlsx", [["统一社会信用代码", "企业名称", "年度", "营业收入(万元)"], [VALID[0], "甲", 2020, 1]]
    )
    with pytest.raises(InputError, match="找不到必需的列 行业代码"):
        read_role_file(path, "stats")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(make_csv, encoding: str) -> None:
    text = (
        "2020年 事项清单\n统一社会信用代码,企业名称,事项,日期\n"
        + f"{VALID[0]},武汉甲科技有限公司,科创板上市,2020/6/18\n"
    )
    got = read_role_file(make_csv("events.csv", text, encoding), "events")
    assert got.frame.select("name", "event", "year").to_dicts() == [
        {"name": "武汉甲科技有限公司", "event": "star_market", "year": 2020}
    ]
    assert got.frame["src_row"].to_list() == [3]


def test_csv_semicolon_delimiter_and_blank_lines_keep_row_numbers(make_csv) -> None:
    text = (
        "统一社会信用代码;企业名称;事项;日期\n\n"
        + f"{VALID[0]};甲;新三板挂牌;2019-03-01\n\n{VALID[1]};乙;不存在的事项;2019-03-01\n"
    )
    got = read_role_file(make_csv("e.csv", text), "events")
    assert got.frame.select("event", "src_row").to_dicts() == [{"event": "neeq", "src_row": 3}]
    assert got.problems.select("row", "message").to_dicts() == [
        {"row": 5, "message": "无法识别的事项类型，该行未采用"}
    ]


def test_dates_as_excel_serial_numbers_and_text(make_xlsx) -> None:
    path = make_xlsx(
        "ent.xlsx",
        [
            ["统一社会信用代码", "企业名称", "成立日期", "最新估值(亿美元)", "是否上市"],
            [VALID[0], "甲", 43101, "12", "否"],
            [VALID[1], "乙", "2015年3月8日", "0.8", "是"],
        ],
    )
    frame = read_role_file(path, "enterprises").frame
    assert [str(d) for d in frame["founded"].to_list()] == ["2018-01-01", "2015-03-08"]
    assert frame["valuation_usd"].to_list() == [1_200_000_000, 80_000_000]
    assert frame["listed"].to_list() == [False, True]


def test_parquet_reads_through_the_same_path(tmp_path: Path) -> None:
    path = tmp_path / "tax_2020.parquet"
    pl.DataFrame(
        {"纳税人识别号": [VALID[0]], "纳税人名称": ["甲"], "区级财政贡献(万元)": [800.5]}
    ).write_parquet(path)
    frame = read_role_file(path, "tax").frame
    assert frame.select("year", "fiscal_yuan").to_dicts() == [{"year": 2020, "fiscal_yuan": 8_005_000}]


def test_duplicates_identical_keep_one_conflicting_keep_none(make_xlsx) -> None:
    header = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]
    path = make_xlsx(
        "s.xlsx",
        [
            header,
            [VALID[0], "甲", 2020, "3011", 1],
            [VALID[0], "甲", 2020, "3011", 1],
            [VALID[1], "乙", 2020, "3011", 1],
            [VALID[1], "乙", 2020, "3011", 2],
        ],
    )
    inputs = load_inputs(InputSpec(files=(("stats", path),)))
    assert inputs.stats["credit_code"].to_list() == [VALID[0]]
    problems = inputs.problems.select("row", "severity").to_dicts()
    assert problems == [
        {"row": 3, "severity": "skipped"},
        {"row": 4, "severity": "error"},
        {"row": 5, "severity": "error"},
    ]


def test_previous_year_fiscal_column_gives_year_minus_one(make_xlsx) -> None:
    path = make_xlsx(
        "tax.xlsx",
        [
            ["单位：万元"],
            ["纳税人识别号", "纳税人名称", "年度", "区级财政贡献", "上年区级财政贡献"],
            [VALID[0], "甲", 2020, 2300, 2000],
        ],
    )
    frame = read_role_file(path, "tax").frame.sort("year")
    assert frame.select("year", "fiscal_yuan", "from_prev_column").to_dicts() == [
        {"year": 2019, "fiscal_yuan": 20_000_000, "from_prev_column": True},
        {"year": 2020, "fiscal_yuan": 23_000_000, "from_prev_column": False},
    ]


def test_incubators_and_talents(make_xlsx) -> None:
    inc = make_xlsx(
        "inc.xlsx",
        [
            [
                "运营机构统一社会信用代码",
                "载体名称",
                "年度",
                "认定级别",
                "认定年份",
                "入驻企业总数",
                "当年新增入驻企业数",
                "当年新认定高新技术企业数",
            ],
            [VALID[0], "汉江湾众创空间", 2020, "市级", 2020, 120, "50", "5.0"],
            [VALID[1], "宝丰孵化器", 2020, "县级", 2019, 10, "1.5", 0],
        ],
    )
    got = read_role_file(inc, "incubators")
    assert got.frame.select("credit_code", "level", "tenants_total", "new_hightech").to_dicts() == [
        {"credit_code": VALID[0], "level": "city", "tenants_total": 120, "new_hightech": 5}
    ]
    assert sorted(got.problems["message"].to_list()) == [
        "应为整数，该行未采用",
        "无法识别的认定级别，该行未采用",
    ]
    tal = make_xlsx(
        "tal.xlsx",
        [
            ["姓名", "证件号码", "人才计划", "所在企业统一社会信用代码", "入选年度"],
            ["张三", "420104198001011234", "黄鹤英才", VALID[0], 2019],
        ],
    )
    assert read_role_file(tal, "talents").frame.select("credit_code", "year").to_dicts() == [
        {"credit_code": VALID[0], "year": 2019}
    ]


def test_not_a_zip_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("这不是表格")
    with pytest.raises(InputError, match="不是有效的 xlsx 文件"):
        read_role_file(path, "stats")


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(InputError, match="疑似压缩炸弹"):
        read_role_file(path, "stats")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="空文件"):
        read_role_file(path, "stats")


def test_a_10000_fold_revenue_jump_is_flagged_as_a_likely_unit_error(make_xlsx) -> None:
    header = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(元)"]
    path = make_xlsx(
        "s.xlsx",
        [
            header,
            [VALID[0], "甲", 2019, "3011", 5_000_000],
            [VALID[0], "甲", 2020, "3011", 50_000_000_000],
            [VALID[1], "乙", 2019, "3011", 5_000_000],
            [VALID[1], "乙", 2020, "3011", 4_000_000_000],
        ],
    )
    problems = load_inputs(InputSpec(files=(("stats", path),))).problems
    assert problems.select("row", "severity").to_dicts() == [{"row": 3, "severity": "warning"}]
    assert problems["message"][0].startswith("疑似单位错误：营业收入为50000000000元，上年为5000000元")


def test_the_sheet_xml_is_searched_only_when_a_data_row_has_an_empty_cell(make_xlsx, monkeypatch) -> None:
    """Formulas without a result and error values read as empty cells; a sheet without any empty
    cell in its data rows cannot hold one, so its XML is not decompressed a second time."""
    from qkaward.inputs import grid

    calls: list[Path] = []
    real = grid.unusable_cells
    monkeypatch.setattr(grid, "unusable_cells", lambda path: calls.append(path) or real(path))
    header = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]
    full = make_xlsx("full.xlsx", [header, [VALID[0], "甲", 2020, "3011", 5], ["合计", None, None, None, 5]])
    assert read_role_file(full, "stats").frame.height == 1
    assert calls == []  # the 合计 row's empty cells do not count: it is not a data row
    gap = make_xlsx("gap.xlsx", [header, [VALID[0], "甲", 2020, None, 5]])
    read_role_file(gap, "stats")
    assert calls == [gap]


def _plain_cells(rng, plain: bool) -> list[object]:
    """A row's typed cells: year, industry, revenue, 上年同期 revenue, 是否四上, 入库年份."""
    year = rng.choice(["2020", "2020.0", 2020]) if plain else rng.choice(["2020年", " 2020", "２０２０", "-"])
    industry = (
        rng.choice(["6510", "3011.0", "007", "12345"]) if plain else rng.choice(["C3011", " 6510", "", "无"])
    )
    money = [
        rng.choice(["1234.56", "0", "007", "1.0000001", "99999999999999999999", 1234567.8, 0.5])
        if plain
        else rng.choice(["2,500,000", " 12 ", "-5", "１２．５", "—", "abc", "1e3", "N/A"])
        for _ in range(2)
    ]
    flag = rng.choice(["1", "0", 1]) if plain else rng.choice(["是", " 否", "1", "x"])
    entry = rng.choice(["2019", "2018.0"]) if plain else rng.choice(["2019年度", "", "二〇一九"])
    return [year, industry, *money, flag, entry]


@pytest.mark.parametrize(("plain", "layout"), [(True, True), (True, False), (False, True)])
def test_columns_of_plain_numbers_read_the_same_without_cleaning(
    make_xlsx, monkeypatch, plain: bool, layout: bool
) -> None:
    """A column whose every cell is a plain number skips trimming, full-width and separator handling
    (values.PLAIN): the frame and problems are those of the full cleaning, on plain columns and on
    columns with one cell that needs cleaning."""
    import random

    from qkaward.inputs import values

    rng = random.Random(4754)
    header = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(千元)", "上年同期营业收入(千元)"]
    header += ["是否四上", "入库年份"]
    rows = [header] + [[VALID[i % 5], f"企业{i}", *_plain_cells(rng, True)] for i in range(60)]
    if not plain:
        for i in range(1, 61, 7):  # every column gets cells that need cleaning, or are bad
            rows[i] = [VALID[0], f"企业{i}", *_plain_cells(rng, False)]
    if layout:  # an empty row and one of blanks only: layout, dropped either way
        rows += [[None] * len(header), ["  ", "\u3000", *[None] * (len(header) - 2)]]
    path = make_xlsx("s.xlsx", rows)
    cleaned: list[bool] = []
    clean = values.clean
    monkeypatch.setattr(values, "clean", lambda *a, **k: cleaned.append(a[4]) or clean(*a, **k))
    fast = read_role_file(path, "stats")
    assert cleaned == [plain] * 6  # year, industry, two revenues, 是否四上, 入库年份: shortcut iff plain
    monkeypatch.setattr(values, "plain_allowed", lambda cfg: False)
    full = read_role_file(path, "stats")
    assert cleaned[6:] == [False] * 6  # the second read cleaned every column
    assert fast.frame.equals(full.frame)
    assert fast.problems.equals(full.problems)
    assert fast.file.rows_used == full.file.rows_used > 10
    assert fast.file.rows_read == full.file.rows_read == 60  # the layout rows are not data rows
    assert full.problems.height > (10 if plain else 30)  # bad industry codes, too-large amounts …


def test_a_number_that_is_a_missing_marker_turns_the_plain_shortcut_off() -> None:
    from dataclasses import replace

    from qkaward.inputs.columns import load_columns
    from qkaward.inputs.values import plain_allowed

    cfg = load_columns()
    assert plain_allowed(cfg)
    assert not plain_allowed(replace(cfg, missing=(*cfg.missing, "0")))


@pytest.mark.parametrize("factor", ["0", "-1000"])
def test_a_unit_factor_must_be_positive(tmp_path: Path, factor: str) -> None:
    from qkaward.errors import ConfigError
    from qkaward.inputs.columns import columns_file, load_columns

    text = columns_file().read_text(encoding="utf-8").replace('"千元" = 1000', f'"千元" = {factor}')
    assert f'"千元" = {factor}' in text
    path = tmp_path / "columns.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="千元"):
        load_columns(path)
