"""The column-wise writers produce the bytes xlsxwriter writes one value at a time: shared-string
indexes and counts, the shared-string table, and a table given as a frame or as row mappings."""

from __future__ import annotations

import zipfile
from io import StringIO
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.sharedstrings import SharedStrings, SharedStringTable

from qkaward.render import workbook as wbmod
from qkaward.render.sheetxml import Book, Sheet, sst_strings
from qkaward.render.workbook import BLOCK_ROWS, Col

SPACES = [chr(cp) for cp in range(0x110000) if chr(cp).isspace()]
STRINGS = [
    "",
    "plain",
    "武汉甲科技有限公司",
    "A & B <公司> \"引号\" 'x'",
    "第一行\n第二行",
    "控制\x0b字符\x01\x1f",
    "字面 _x000B_ 与 _x00ff_ 与 _xZZZZ_ 与 _x12345_",
    "\ufffe\uffff 非字符",
    "<r>看似富文本</r>",
    "<r>只开头",
    "只结尾</r>",
    "😀 emoji",
    "中间 有 空格",
    *[f"{s}前导" for s in SPACES],
    *[f"尾随{s}" for s in SPACES],
    *SPACES,
    "\r\n",
]


def _one_by_one(strings: list[str]) -> str:
    writer = SharedStrings()
    writer.fh = StringIO()
    for s in strings:
        writer._write_si(s)
    return writer.fh.getvalue()


def test_sst_strings_as_xlsxwriter_writes_them() -> None:
    assert sst_strings(STRINGS) == _one_by_one(STRINGS)
    plain = ["a", "b & c", "甲<乙>"]  # none needs xlsxwriter's own path
    assert sst_strings(plain) == _one_by_one(plain)
    assert sst_strings([]) == ""


def _shared_one_by_one(table: SharedStringTable, strings: list[str | None]) -> list[str | None]:
    return [None if s is None else str(table._get_shared_string_index(s)) for s in strings]


def test_shared_indexes_and_counts_as_one_by_one(tmp_path: Path) -> None:
    sheet = wbmod._new_workbook(tmp_path / "x.xlsx").add_worksheet("表")
    assert isinstance(sheet, Sheet)
    reference = SharedStringTable()
    for table in (sheet.str_table, reference):  # strings already in the table keep their index
        table._get_shared_string_index("乙")
        table._get_shared_string_index("丙")
    for strings in (
        ["甲", None, "乙", "甲", "丁", None, "", "丁", "丙"],
        ["丁", "戊", "戊"],
        [None, None],
    ):
        got = sheet.shared(pl.Series(strings, dtype=pl.String))
        assert got is not None and got.to_list() == _shared_one_by_one(reference, strings)
        assert (sheet.str_table.count, sheet.str_table.unique_count) == (
            reference.count,
            reference.unique_count,
        )
    assert sheet.str_table.string_table == reference.string_table
    assert sheet.shared(pl.Series(["x" * (sheet.xls_strmax // 2 + 1)])) is None  # too long for a block


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/")}


def test_book_writes_the_shared_strings_xlsxwriter_writes(tmp_path: Path) -> None:
    plain = xlsxwriter.Workbook(str(tmp_path / "plain.xlsx"), {"in_memory": True})
    book = Book(str(tmp_path / "book.xlsx"), {"in_memory": True})
    for wb in (plain, book):
        ws = wb.add_worksheet("表")
        for r, s in enumerate(STRINGS):
            ws.write_string(r, 0, s)
            ws.write_string(r, 1, s)
        wb.close()
    a, b = _parts(tmp_path / "plain.xlsx"), _parts(tmp_path / "book.xlsx")
    assert b"_x000B_" in b["xl/sharedStrings.xml"] and b'xml:space="preserve"' in b["xl/sharedStrings.xml"]
    assert a == b


COLS = (
    Col("seq", "序号", "int", 6),
    Col("name", "企业名称", "wrap", 12),
    Col("code", "代码", "text", 20),
    Col("amount", "金额（万元）", "wan", 14),
    Col("share", "增速", "pct", 10),
    Col("missing", "无此列", "text", 10),
)


def _frame(n: int) -> pl.DataFrame:
    names = [
        "武汉甲科技有限公司",
        "=1+1",
        "第一行\n第二行很长很长很长很长很长很长",
        "😀👍🏽",
        "",
        None,
        "ＡＢＣ" * 9,
    ]
    return pl.DataFrame(
        {
            "seq": list(range(1, n + 1)),
            "name": [names[i % len(names)] for i in range(n)],
            "code": [f"9142{i:014d}" if i % 3 else None for i in range(n)],
            "amount": [None if i % 11 == 0 else (i * 1_234_567) % 10**12 - 5 * 10**10 for i in range(n)],
            "share": [None if i % 13 == 0 else i * 0.0314159265358979 - 3 for i in range(n)],
        },
        schema_overrides={"seq": pl.Int64, "amount": pl.Int64},
    )


def _write(path: Path, rows: wbmod.Rows) -> None:
    book = wbmod._new_workbook(path)
    fm = wbmod._Formats(book)
    ws = book.add_worksheet("表")
    wbmod._write_table(ws, fm, COLS, rows, 1, totals={"seq": "合计", "amount": 10**13}, widths=None)
    book.close()


def test_a_frame_writes_the_bytes_its_rows_write(tmp_path: Path) -> None:
    for n in (7, BLOCK_ROWS + 5):  # cell by cell, and as a block
        frame = _frame(n)
        _write(tmp_path / "frame.xlsx", frame)
        _write(tmp_path / "rows.xlsx", frame.to_dicts())
        assert _parts(tmp_path / "frame.xlsx") == _parts(tmp_path / "rows.xlsx")
