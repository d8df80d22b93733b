"""A workbook's sheets are parsed as separate parts, at the same time, and put back in sheet order."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import VALID, write_xlsx

from qkaward.inputs import build_spec, load_inputs, read_role_file
from qkaward.inputs import load as load_module
from qkaward.inputs.creditcode import ENTERPRISE
from qkaward.inputs.grid import file_parts

HEADER = ["纳税人识别号", "纳税人名称", "年度", "营业收入(万元)", "区级财政贡献(万元)"]
YEARS = ("2018年", "2019年", "2020年")


@pytest.fixture
def tax(tmp_path: Path) -> Path:
    sheets = {
        year: [HEADER, [VALID[0], "甲", 2018 + i, 100 + i, 1 + i], [VALID[1], "乙", 2018 + i, 200, "坏数"]]
        for i, year in enumerate(YEARS)
    }
    return write_xlsx(tmp_path / "tax.xlsx", sheets, {s: [] for s in sheets})


def test_each_sheet_of_a_workbook_is_one_part(tax: Path, make_csv) -> None:
    parts = file_parts(tax)
    assert [[g.sheet for g in part.grids()] for part in parts] == [[y] for y in YEARS]
    assert len(file_parts(make_csv("e.csv", "a,b\n1,2\n"))) == 1


def test_parts_finishing_in_any_order_give_the_sheet_order(tax: Path, monkeypatch) -> None:
    """The first sheet is held back until the others are done: the read is still in sheet order."""
    whole = read_role_file(tax, "tax", label="tax.xlsx")
    others_done = threading.Event()
    finished: list[str] = []
    real = load_module.read_part

    def held(part, role, cfg):
        got = real(part, role, cfg)
        if got[0].sheet == YEARS[0]:
            assert others_done.wait(30), "the other sheets were not read while the first waited"
        finished.append(got[0].sheet)
        if len(finished) == len(YEARS) - 1:
            others_done.set()
        return got

    monkeypatch.setattr(load_module, "read_part", held)
    monkeypatch.setenv("QKAWARD_READ_THREADS", "2")
    got = load_inputs(build_spec(None, {"tax": [tax]}, use_cache=False))
    assert finished[-1] == YEARS[0]
    assert got.files[0].sheets == YEARS
    assert got.tax.drop("src_file", ENTERPRISE).equals(whole.frame.drop("src_file"))  # + the frame's key
    assert got.problems.filter(got.problems["file"] == got.files[0].path)["sheet"].to_list() == list(YEARS)
