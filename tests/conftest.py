"""Shared fixtures: small export files written the way spreadsheet programs write them."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt

#: Valid GB 32100 codes (domain-notes §3d test vectors).
VALID = [
    "91520000214434146R",
    "914403001922038216",
    "91310115591693856A",
    "91310110666007217T",
    "91430111MA4L41YT1U",
    "91110000710926094P",
]

Rows = Sequence[Sequence[Any]]


def write_xlsx(path: Path, sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None) -> Path:
    """An xlsx with the given sheets (rows of cell values) and merged ranges, via openpyxl."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def write_xls(path: Path, sheets: dict[str, Rows]) -> Path:
    """A legacy BIFF8 .xls via xlwt."""
    wb = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        ws = wb.add_sheet(name)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is not None:
                    ws.write(i, j, v)
    wb.save(str(path))
    return path


def stats_rows(year_title: str = "2020年规模以上企业主要经济指标", unit: str = "千元") -> list[list[Any]]:
    """A statistics export: title, unit line, two-level header, data, a 合计 row."""
    return [
        [year_title],
        [f"单位：{unit}"],
        ["统一社会信用代码", "单位详细名称", "行业代码", "营业收入", None],
        [None, None, None, "本年", "上年同期"],
        [VALID[0], "武汉启明科技有限公司", "6510", 1234567.8, 1000000],
        [VALID[1], "湖北硚信商贸有限公司", "5191", "2,500,000", "-"],
        ["合计", None, None, 3734567.8, 1000000],
    ]


@pytest.fixture
def stats_xlsx(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "stats.xlsx",
        {"表1": stats_rows()},
        merges={"表1": ["A1:E1", "D3:E3", "A3:A4", "B3:B4", "C3:C4"]},
    )


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, rows: Rows, sheet: str = "Sheet1", merges: list[str] | None = None) -> Path:
        return write_xlsx(tmp_path / name, {sheet: rows}, {sheet: merges or []})

    return make


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return make


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own parsed-input cache, never the user's ~/.cache."""
    monkeypatch.setenv("QKAWARD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def wait_for_marker(path: Path, proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    """Wait until a child process wrote the marker file ``path``; fail if it died or took too long."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"child exited {proc.returncode}: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail("child did not reach the marker in time")
        time.sleep(0.01)


#: The bundled sample district.
SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def copy_sample(tmp_path: Path) -> Path:
    """A private copy of the sample workspace (without any ledger: tests write their own inside it)."""
    target = tmp_path / "ws"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns("ledger.sqlite*"))
    return target


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A private copy of the sample workspace."""
    return copy_sample(tmp_path)
