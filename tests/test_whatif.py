"""What-if: the budget difference between two runs, enterprise by enterprise, in exact 元."""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl
import polars as pl
import pytest
from rich.console import Console

from qkaward.schema import AWARD_LINE
from qkaward.whatif import WhatIf, compare, print_whatif, write_whatif_workbook

A, B, C, D = "91420104000000001A", "91420104000000002B", "91420104000000003C", "91420104000000004D"
RAW_ID = "420104199001011234"


@dataclass(frozen=True)
class Run:
    year: int
    policy_id: str
    awards: pl.DataFrame


def line(code, award, amount, dept, name=None, subject="", status="confirmed"):
    return {
        "credit_code": code,
        "name": name or f"企业{code[-2:]}",
        "year": 2020,
        "award": award,
        "label": {"ladder.first_reach.t2": "百亿级首次达标奖励", "talent.project": "高端人才项目资助"}.get(
            award, award
        ),
        "amount_yuan": amount,
        "clause": "三(二)1",
        "department": dept,
        "status": status,
        "reason": "",
        "subject": subject,
    }


BASE = [
    line(A, "ladder.first_reach.t2", 4_000_000, "区发改局"),  # top-up: 500万 − 100万 already paid
    line(A, "ladder.growth.t2", 1_000_000, "区发改局"),
    line(B, "scale_entry", 50_000, "区商务局"),
    line(C, "listing.main_board", 3_000_000, "区金融局"),
    line(D, "talent.project", 1_000_000, "区委组织部", subject=RAW_ID),
]
VARIANT = [
    line(A, "ladder.first_reach.t2", 5_000_000, "区发改局"),  # full: 500万
    line(A, "ladder.growth.t2", 1_000_000, "区发改局"),
    line(C, "listing.main_board", 3_000_000, "区金融局"),
    line(C, "honor.little_giant", 20_001, "区科经局"),  # gained
    line(D, "talent.project", 1_000_000, "区委组织部", subject=RAW_ID),
    # B's scale_entry lost
]


def run(rows, policy="qiaokou-2019"):
    return Run(2020, policy, pl.DataFrame(rows, schema=AWARD_LINE))


@pytest.fixture
def whatif() -> WhatIf:
    return compare(run(BASE), run(VARIANT, "qiaokou-2019+ladder.upgrade=full"))


def test_totals(whatif):
    assert whatif.base_total == 9_050_000
    assert whatif.variant_total == 10_020_001
    assert whatif.difference == 970_001
    assert isinstance(whatif.difference, int)


def test_difference_per_enterprise(whatif):
    rows = {(r["credit_code"], r["award"]): r for r in whatif.by_enterprise.iter_rows(named=True)}
    assert set(rows) == {(A, "ladder.first_reach.t2"), (B, "scale_entry"), (C, "honor.little_giant")}
    a = rows[(A, "ladder.first_reach.t2")]
    assert (a["base_yuan"], a["variant_yuan"], a["diff_yuan"], a["change"]) == (
        4_000_000,
        5_000_000,
        1_000_000,
        "增加",
    )
    b = rows[(B, "scale_entry")]
    assert (b["base_yuan"], b["variant_yuan"], b["diff_yuan"], b["change"]) == (50_000, 0, -50_000, "失去")
    c = rows[(C, "honor.little_giant")]
    assert (c["base_yuan"], c["variant_yuan"], c["diff_yuan"], c["change"]) == (0, 20_001, 20_001, "获得")
    assert whatif.gains.height == 2 and whatif.losses.height == 1


def test_sum_of_differences_is_total_difference(whatif):
    assert whatif.by_enterprise.get_column("diff_yuan").sum() == whatif.difference
    assert whatif.by_award.get_column("diff_yuan").sum() == whatif.difference
    assert whatif.by_department.get_column("diff_yuan").sum() == whatif.difference
    assert whatif.by_award.get_column("base_yuan").sum() == whatif.base_total
    assert whatif.by_department.get_column("variant_yuan").sum() == whatif.variant_total
    assert whatif.by_enterprise.get_column("diff_yuan").dtype == pl.Int64


def test_per_department(whatif):
    dept = {r["department"]: r["diff_yuan"] for r in whatif.by_department.iter_rows(named=True)}
    assert dept == {
        "区发改局": 1_000_000,
        "区商务局": -50_000,
        "区金融局": 0,
        "区科经局": 20_001,
        "区委组织部": 0,
    }


def test_identical_runs_have_no_difference():
    w = compare(run(BASE), run(BASE))
    assert w.difference == 0 and w.by_enterprise.is_empty()


def test_empty_runs():
    w = compare(run([]), run(VARIANT))
    assert (
        w.base_total == 0 and w.difference == w.variant_total == w.by_enterprise.get_column("diff_yuan").sum()
    )


def test_talent_subject_masked_in_output():
    base = run([line(D, "talent.project", 1_000_000, "区委组织部", subject=RAW_ID)])
    w = compare(base, run([]))
    assert w.by_enterprise.get_column("subject").to_list() == ["4201**********1234"]


def test_workbook(tmp_path, whatif):
    out = tmp_path / "whatif.xlsx"
    write_whatif_workbook(out, whatif, {"ladder.upgrade": "full"})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["对比汇总", "企业变化", "方案说明"]
    ws = wb["企业变化"]
    headers = [c.value for c in ws[1]]
    exact = headers.index("差额（元）")
    data = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and not str(r[0]).startswith("合计")]
    assert sum(r[exact] for r in data) == whatif.difference
    total = next(r for r in ws.iter_rows(min_row=2, values_only=True) if str(r[0]).startswith("合计"))
    assert total[exact] == whatif.difference
    assert [p.name for p in tmp_path.iterdir()] == ["whatif.xlsx"]


@pytest.mark.parametrize("width", [100, 60])
def test_print_whatif(whatif, width):
    buf = io.StringIO()
    print_whatif(Console(file=buf, width=width, color_system=None), whatif)
    text = buf.getvalue()
    assert "+97.0001" in text
    assert "-5" in text and "企业1A" in text and "合计" in text


def test_print_whatif_markup_in_names_is_text():
    hostile = [line(A, "scale_entry", 50_000, "区商务局", name="[bold red]假[/bold red]公司")]
    buf = io.StringIO()
    print_whatif(Console(file=buf, width=100, color_system=None), compare(run([]), run(hostile)))
    assert "[bold red]假[/bold red]公司" in buf.getvalue()
