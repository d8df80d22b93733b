"""The sample data generator (`qkaward sample`): determinism, valid credit codes, planted flaws and cases."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import fastexcel
import openpyxl
import polars as pl
import pytest
import tomllib

from qkaward.sample import INCUBATOR_PLANTS, PLANTS, write_sample

ROOT = Path(__file__).resolve().parent.parent
FILES = (
    "stats_2018.xls",
    "stats_2019.xlsx",
    "stats_2020.xlsx",
    "tax_2018_2020.xlsx",
    "enterprises.xlsx",
    "events.csv",
    "incubators.xlsx",
    "talents.xlsx",
    "qkaward.toml",
    "README.md",
)

# ---- an independent GB 32100 check (domain-notes §3), not the one in qkaward

_SET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def valid_credit_code(code: str) -> bool:
    """Both check characters of a normalised 18-character credit code."""
    if len(code) != 18 or any(c not in _SET for c in code) or not code[2:8].isdigit():
        return False
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    c18 = 31 - sum(_SET.index(c) * w for c, w in zip(code[:17], weights, strict=True)) % 31
    if code[17] != _SET[0 if c18 == 31 else c18]:
        return False
    org_value = {**{str(d): d for d in range(10)}, **{chr(65 + i): 10 + i for i in range(26)}}
    total = sum(org_value[c] * w for c, w in zip(code[8:16], [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    c9 = 11 - total % 11
    return code[16] == ("0" if c9 == 11 else "X" if c9 == 10 else str(c9))


def normalise(code: str) -> str:
    """Spaces removed, upper case."""
    return "".join(code.split()).upper()


def test_vectors_of_the_independent_check() -> None:
    assert valid_credit_code("91520000214434146R")
    assert valid_credit_code("91430111MA4L41YT1U")
    assert not valid_credit_code("914403001922038217")
    assert not valid_credit_code("91350203M0001QAY9B")


# ---- reading back


def sheet_rows(path: Path) -> dict[str, list[list[str]]]:
    """Every sheet of a workbook as rows of cell texts ("" for blank)."""
    if path.suffix == ".xls":
        reader = fastexcel.read_excel(str(path))
        out = {}
        for name in reader.sheet_names:
            frame = reader.load_sheet(name, header_row=None, dtypes="string").to_polars()
            out[name] = [["" if v is None else v for v in row] for row in frame.iter_rows()]
        return out
    wb = openpyxl.load_workbook(path, read_only=True)
    result = {
        ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in wb.worksheets
    }
    wb.close()
    return result


def csv_rows(path: Path) -> list[list[str]]:
    """The events csv, decoded as GBK."""
    return list(csv.reader(io.StringIO(path.read_bytes().decode("gbk"))))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sample")
    write_sample(directory)
    return directory


def data_rows(rows: list[list[str]], header_rows: int) -> list[list[str]]:
    """Rows below the header, without the 合计 row."""
    return [r for r in rows[header_rows:] if "合计" not in r]


# ---- tests


def test_files_present(sample: Path) -> None:
    assert sorted(p.name for p in sample.iterdir()) == sorted(FILES)


def test_returns_the_files_written(tmp_path: Path) -> None:
    written = write_sample(tmp_path / "d")
    assert sorted(p.name for p in written) == sorted(FILES)
    assert all(p.exists() for p in written)


def test_same_seed_same_content(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path)
    for name in FILES:
        if name.endswith((".xls", ".xlsx")):
            assert sheet_rows(sample / name) == sheet_rows(tmp_path / name), name
        else:
            assert (sample / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_other_seed_other_content(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path, seed=7)
    assert sheet_rows(sample / "stats_2019.xlsx") != sheet_rows(tmp_path / "stats_2019.xlsx")


def test_bundled_sample_data_is_the_generator_output(sample: Path) -> None:
    bundled = ROOT / "sample_data"
    assert (bundled / "qkaward.toml").exists(), "sample_data/ is committed; regenerate it with `make sample`"
    for name in FILES:
        if name.endswith((".xls", ".xlsx")):
            assert sheet_rows(bundled / name) == sheet_rows(sample / name), name
        else:
            assert (bundled / name).read_bytes() == (sample / name).read_bytes(), name


def test_workspace_toml(sample: Path) -> None:
    config = tomllib.loads((sample / "qkaward.toml").read_text(encoding="utf-8"))
    assert config["ledger"] == "ledger.sqlite"
    roles = config["inputs"]
    assert set(roles) == {"stats", "tax", "enterprises", "events", "incubators", "talents"}
    for paths in roles.values():
        for pattern in paths:
            assert list(sample.glob(pattern)), pattern


def all_codes(sample: Path) -> list[tuple[str, str]]:
    """(file, code as written) of every credit code in every file."""
    found: list[tuple[str, str]] = []
    for name, header_rows, col in (
        ("stats_2018.xls", 4, 0),
        ("stats_2019.xlsx", 4, 0),
        ("stats_2020.xlsx", 4, 1),
        ("tax_2018_2020.xlsx", 3, 0),
        ("enterprises.xlsx", 1, 0),
        ("incubators.xlsx", 2, 0),
        ("talents.xlsx", 1, 3),
    ):
        rows = next(iter(sheet_rows(sample / name).values()))
        found += [(name, r[col]) for r in data_rows(rows, header_rows)]
    found += [("events.csv", r[0]) for r in csv_rows(sample / "events.csv")[1:]]
    return found


def test_every_credit_code_valid_but_one(sample: Path) -> None:
    codes = all_codes(sample)
    assert len({normalise(c) for _, c in codes}) >= 300
    bad = [(f, c) for f, c in codes if not valid_credit_code(normalise(c))]
    assert len(bad) == 1
    file, code = bad[0]
    assert file == "stats_2019.xlsx"
    assert sum(normalise(c) == code for _, c in codes) == 1  # appears nowhere else
    assert code[:8] == "91420104" or code[2:6] == "4201"


def test_codes_mostly_qiaokou(sample: Path) -> None:
    regions = Counter(normalise(c)[2:8] for _, c in all_codes(sample))
    assert regions.most_common(1)[0][0] == "420104"
    assert all(r.startswith("4201") for r in regions)
    assert len(regions) > 1


def test_spaced_lower_case_code(sample: Path) -> None:
    rows = sheet_rows(sample / "tax_2018_2020.xlsx")["区级财政贡献"]
    odd = [r[0] for r in data_rows(rows, 3) if r[0] != normalise(r[0])]
    assert len(odd) == 1
    assert " " in odd[0] and odd[0] != odd[0].upper()
    assert valid_credit_code(normalise(odd[0]))


def test_stats_shape(sample: Path) -> None:
    for year in (2018, 2019, 2020):
        name = f"stats_{year}.xls" if year == 2018 else f"stats_{year}.xlsx"
        rows = next(iter(sheet_rows(sample / name).values()))
        assert rows[0][0] == f"{year}年规模以上企业主要经济指标"
        assert rows[1][0] == "单位：千元"
        top, low = rows[2], rows[3]
        assert "营业收入(千元)" in top and low[-2:] == ["本年", "上年同期"]
        assert "年度" not in top
        assert sum("合计" in r for r in rows) == 1 and "合计" in rows[-1]
        for r in data_rows(rows, 4):
            industry = r[-4]
            assert len(industry) == 4 and industry.isdigit()
    wb = openpyxl.load_workbook(sample / "stats_2019.xlsx")
    merged = {str(m) for m in wb.active.merged_cells.ranges}
    assert {"A3:A4", "E3:F3"} <= merged


def test_flaws_present(sample: Path) -> None:
    s2019 = data_rows(sheet_rows(sample / "stats_2019.xlsx")["规模以上企业"], 4)
    counts = Counter(r[0] for r in s2019)
    dup = [code for code, n in counts.items() if n > 1]
    assert len(dup) == 1
    s2020 = data_rows(sheet_rows(sample / "stats_2020.xlsx")["规模以上企业"], 4)
    cells = [c for r in s2020 for c in r]
    assert cells.count("待核实") == 1
    assert cells.count("-") == 1
    assert "填表说明" in sheet_rows(sample / "stats_2020.xlsx")
    readme = (sample / "README.md").read_text(encoding="utf-8")
    for word in ("待核实", "重复行", "合计行", "校验码错误", "带空格", dup[0]):
        assert word in readme


def test_readme_locates_flaws(sample: Path) -> None:
    """Every flaw row in the README points at the row that holds the value."""
    readme = (sample / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 故意设置的问题")[1].split("##")[0]
    lines = [
        line
        for line in section.splitlines()
        if line.startswith("| ") and line[2:].split(" |")[0].endswith(("xls", "xlsx"))
    ]
    assert len(lines) == 9
    for line in lines:
        file, sheet, row, _col, value = (c.strip() for c in line.strip("|").split("|")[:5])
        rows = sheet_rows(sample / file)[sheet]
        assert value in rows[int(row) - 1], line


def amounts(sample: Path, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """stats revenue (千元) by normalised code for one year."""
    name = f"stats_{year}.xls" if year == 2018 else f"stats_{year}.xlsx"
    rows = data_rows(next(iter(sheet_rows(sample / name).values())), 4)
    off = 1 if year == 2020 else 0
    out = {}
    for r in rows:
        try:
            out[r[off]] = (
                Decimal(r[off + 4]),
                Decimal(r[off + 5]) if r[off + 5] not in ("", "-") else Decimal(-1),
            )
        except ArithmeticError:
            continue
    return out


def fiscal(sample: Path) -> dict[tuple[str, int], Decimal]:
    """区级财政贡献 (万元) by (normalised code, year)."""
    rows = data_rows(sheet_rows(sample / "tax_2018_2020.xlsx")["区级财政贡献"], 3)
    return {(normalise(r[0]), int(float(r[2]))): Decimal(r[4]) for r in rows}


def test_planted_figures_read_back_exactly(sample: Path) -> None:
    enterprises = data_rows(sheet_rows(sample / "enterprises.xlsx")["企业名录"], 1)
    code_of = {r[1]: r[0] for r in enterprises}
    fis = fiscal(sample)
    stats = {year: amounts(sample, year) for year in (2018, 2019, 2020)}
    for plant in PLANTS:
        code = code_of[plant.name]
        for i, year in enumerate((2018, 2019, 2020)):
            if plant.revenue[i] is None:
                assert code not in stats[year], (plant.key, year)
            else:
                assert stats[year][code][0] == Decimal(plant.revenue[i]), (plant.key, year)
            if plant.fiscal[i] is None:
                assert (code, year) not in fis
            else:
                assert fis[(code, year)] == Decimal(plant.fiscal[i]), (plant.key, year)
    exact = code_of[next(p.name for p in PLANTS if p.key == "edge.main.t3.exact")]
    assert stats[2020][exact][0] * 1000 == 5_000_000_000  # 50亿元
    assert fis[(exact, 2020)] * 10_000 == 8_000_000  # 800万元


def test_at_least_300_enterprises_and_planted_ones(sample: Path) -> None:
    enterprises = data_rows(sheet_rows(sample / "enterprises.xlsx")["企业名录"], 1)
    assert len(enterprises) >= 300
    names = {r[1] for r in enterprises}
    assert {p.name for p in PLANTS} <= names
    assert {p.operator for p in INCUBATOR_PLANTS} <= names
    assert len(names) == len(enterprises)


def test_events_talents_incubators(sample: Path) -> None:
    events = csv_rows(sample / "events.csv")
    assert events[0] == ["统一社会信用代码", "企业名称", "事项", "日期"]
    kinds = {r[2] for r in events[1:]}
    assert {
        "上交所主板上市",
        "科创板上市",
        "新三板挂牌",
        "隐形冠军示范企业",
        "隐形冠军培育企业",
        "科技小巨人企业",
    } <= kinds
    talents = data_rows(sheet_rows(sample / "talents.xlsx")["人才名单"], 1)
    assert {"千人计划", "百人计划", "黄鹤英才"} <= {r[2] for r in talents}
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    for r in talents:
        number = r[1]
        assert len(number) == 18
        assert (
            number[17]
            == "10X98765432"[sum(int(c) * w for c, w in zip(number[:17], weights, strict=True)) % 11]
        )
    incubators = data_rows(sheet_rows(sample / "incubators.xlsx")["孵化载体"], 2)
    assert any(r[4] == "市级" and r[5] == "2020" for r in incubators)


def test_size_gives_n_enterprises(tmp_path: Path) -> None:
    written = write_sample(tmp_path, size=500, seed=3)
    assert all(p.exists() for p in written)
    tax = pl.read_parquet(tmp_path / "parquet" / "tax.parquet")
    assert tax.height == 1500
    assert tax.group_by("年度").agg(pl.col("纳税人识别号").n_unique())["纳税人识别号"].to_list() == [500] * 3
    assert all(valid_credit_code(c) for c in tax["纳税人识别号"])
    sheets = sheet_rows(tmp_path / "tax_2018_2020.xlsx")
    assert list(sheets) == ["2018年", "2019年", "2020年"]
    for year, rows in zip((2018, 2019, 2020), sheets.values(), strict=True):
        body = data_rows(rows, 3)
        assert len(body) == 500
        assert {r[0] for r in body} == set(tax.filter(pl.col("年度") == year)["纳税人识别号"])
    for year in (2018, 2019, 2020):
        stats_rows = next(iter(sheet_rows(tmp_path / f"stats_{year}.xlsx").values()))
        assert stats_rows[3][-2:] == ["本年", "上年同期"]
        parquet = pl.read_parquet(tmp_path / "parquet" / f"stats_{year}.parquet")
        assert len(data_rows(stats_rows, 4)) == parquet.height > 0
        first = data_rows(stats_rows, 4)[0]
        assert Decimal(first[4]) * 1000 == parquet["营业收入(元)"][0]
    config = tomllib.loads((tmp_path / "parquet" / "qkaward.toml").read_text(encoding="utf-8"))
    assert config["inputs"]["tax"] == ["tax.parquet"]


def test_size_is_deterministic(tmp_path: Path) -> None:
    write_sample(tmp_path / "a", size=50, seed=9)
    write_sample(tmp_path / "b", size=50, seed=9)
    for name in ("stats_2019.xlsx", "tax_2018_2020.xlsx"):
        assert sheet_rows(tmp_path / "a" / name) == sheet_rows(tmp_path / "b" / name)
    assert pl.read_parquet(tmp_path / "a/parquet/tax.parquet").equals(
        pl.read_parquet(tmp_path / "b/parquet/tax.parquet")
    )
