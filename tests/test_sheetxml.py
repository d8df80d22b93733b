"""A large table written as one block of rendered rows reads back exactly as the same table written
cell by cell through xlsxwriter: values, number formats, quote prefixes, row heights."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from xlsxwriter.worksheet import Worksheet

from qkaward.render import sheetxml
from qkaward.render import workbook as wbmod
from qkaward.render.sheetxml import Sheet
from qkaward.render.workbook import BLOCK_ROWS, Col

COLS = (
    Col("seq", "序号", "int", 6),
    Col("name", "企业名称", "text"),
    Col("reason", "说明", "wrap", 30),
    Col("amount", "金额（万元）", "wan"),
    Col("big", "营收（亿元）", "yi"),
    Col("share", "增速", "pct"),
    Col("yuan", "金额（元）", "yuan"),
)
TRICKY = [
    '=HYPERLINK("http://x","点击")',
    "+86 27 1234",
    "-负数开头",
    "@提及",
    "A & B <公司>",
    "  前后空格  ",
    "控制\x0b字符\x01",
    "字面 _x000B_ 转义",
    "第一行\n第二行\n第三行",
    "很长的说明" * 12,
    "",
]


def _rows(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append(
            {
                "seq": i + 1,
                "name": TRICKY[i % len(TRICKY)] if i % 7 else None,
                "reason": TRICKY[(i * 3) % len(TRICKY)] if i % 5 else ["甲", "乙", i],
                "amount": None if i % 11 == 0 else 5_800_324_500 + i * 1_234_567,
                "big": -(i * 987_654_321) if i % 2 else 0,
                "share": None if i % 13 == 0 else (i * 0.0314159265358979) - 3,
                "yuan": i * 10_000_001,
            }
        )
    return rows


def _write(path: Path, worksheet_class: type, rows: list[dict]) -> Worksheet:
    book = wbmod._new_workbook(path)
    book.worksheet_class = worksheet_class
    fm = wbmod._Formats(book)
    ws = book.add_worksheet("表")
    ws.write_string(0, 0, "标题", fm.title)
    end = wbmod._write_table(ws, fm, COLS, rows, 2, totals={"seq": "合计", "yuan": 123}, widths=None)
    ws.write_string(end + 1, 0, "注：以上为测算结果", fm.note)
    book.close()
    return ws


def _look(cell) -> tuple:
    """A cell's value and how it shows (format indexes may be numbered differently)."""
    return (
        cell.value,
        cell.number_format,
        cell.quotePrefix,
        cell.alignment.wrap_text,
        cell.font.b,
        cell.font.i,
        cell.fill.fgColor.rgb,
        cell.border.left.style,
    )


@pytest.mark.parametrize(("n", "per_piece"), [(BLOCK_ROWS, 50_000), (BLOCK_ROWS + 37, 64)])
def test_block_reads_back_as_cell_by_cell(tmp_path: Path, n: int, per_piece: int, monkeypatch) -> None:
    monkeypatch.setattr(sheetxml, "ROWS_PER_PIECE", per_piece)
    rows = _rows(n)
    _write(tmp_path / "cells.xlsx", Worksheet, rows)
    (block_rows,) = _write(tmp_path / "block.xlsx", Sheet, rows).blocks  # the rows went as one block
    assert len(block_rows[2]) == -(-n // per_piece)  # in pieces of per_piece rows
    cells = openpyxl.load_workbook(tmp_path / "cells.xlsx")["表"]
    block = openpyxl.load_workbook(tmp_path / "block.xlsx")["表"]
    assert block.dimensions == cells.dimensions
    compared = 0
    for row_a, row_b in zip(cells.iter_rows(), block.iter_rows(), strict=True):
        for a, b in zip(row_a, row_b, strict=True):
            assert _look(b) == _look(a), a.coordinate
            compared += a.value is not None
    assert compared > n * 5  # the values were really there to compare
    heights = {k: d.height for k, d in cells.row_dimensions.items() if d.height}
    assert heights and {k: d.height for k, d in block.row_dimensions.items() if d.height} == heights
    assert block.cell(4, 2).value is None and block.cell(5, 2).value == TRICKY[1]  # header on row 3


def test_a_numeric_column_holding_text_is_written_cell_by_cell(tmp_path: Path) -> None:
    rows = _rows(BLOCK_ROWS)
    rows[5]["amount"] = "待核实"
    book = wbmod._new_workbook(tmp_path / "x.xlsx")
    columns = [wbmod._column(col, rows) for col in COLS]
    assert wbmod._block(book.add_worksheet("表"), wbmod._Formats(book), COLS, columns) is None
    assert not _write(tmp_path / "mixed.xlsx", Sheet, rows).blocks
    assert openpyxl.load_workbook(tmp_path / "mixed.xlsx")["表"].cell(9, 4).value == "待核实"


def test_a_block_must_fit_in_a_worksheet(tmp_path: Path) -> None:
    """Rows past Excel's last row are never written as a block (the table falls back to cell by cell)."""
    sheet = wbmod._new_workbook(tmp_path / "x.xlsx").add_worksheet("表")
    assert isinstance(sheet, Sheet)
    assert sheet.fits(1_048_575, 16_383) and not sheet.fits(1_048_576, 0) and not sheet.fits(0, 16_384)
    with pytest.raises(ValueError, match="do not fit"):
        sheet.add_block(1_048_570, 1_048_580, 3, "")
    assert not sheet.blocks


def test_rows_beyond_a_worksheet_are_left_out_with_a_note_not_silently(tmp_path: Path, monkeypatch) -> None:
    """xlsxwriter drops a row past the sheet's last row without a word; the list sheet keeps what fits
    and says how many rows it left out (a worksheet of 60 rows stands in for Excel's 1,048,576)."""
    from qkaward.render import sheetxml

    class Small(Sheet):
        def __init__(self) -> None:
            super().__init__()
            self.xls_rowmax = 60

    monkeypatch.setattr(sheetxml.Book, "worksheet_class", Small)
    book = wbmod._new_workbook(tmp_path / "x.xlsx")
    fm = wbmod._Formats(book)
    rows = [{"seq": i + 1, "name": f"企业{i + 1}"} for i in range(100)]
    cols = COLS[:2]
    wbmod._list_sheet(book, fm, "表", cols, rows, title="t", year=2020, totals={"name": "合计"}, notes=["注"])
    book.close()
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["表"]
    values = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert ws.max_row <= 60
    shown = [v for v in values if isinstance(v, int)]
    assert shown == list(range(1, len(shown) + 1)) and len(shown) == 60 - 5  # header, totals, blank, 2 notes
    assert values[-2] == "注"
    assert f"另有 {100 - len(shown):,} 行" in values[-1] and "合计行按全部行计算" in values[-1]


def test_the_workbook_parts_are_deflated_at_the_chosen_level(tmp_path: Path, monkeypatch) -> None:
    """Every part goes through zlib at ZIP_LEVEL (not zlib's default 6), the file reads back, and
    xlsxwriter's own ZipFile is left as it was."""
    import zipfile
    import zlib

    import xlsxwriter.workbook

    from qkaward.render.sheetxml import ZIP_LEVEL, Book

    levels: list[int] = []
    compressobj = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda level, *a: levels.append(level) or compressobj(level, *a))
    path = tmp_path / "z.xlsx"
    book = Book(str(path), {"in_memory": True})
    book.add_worksheet("表").write_string(0, 0, "硚口区")
    book.close()
    assert ZIP_LEVEL != 6 and len(levels) > 5 and set(levels) == {ZIP_LEVEL}
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile
    assert openpyxl.load_workbook(path)["表"]["A1"].value == "硚口区"


def test_parts_keep_text_and_blocks_in_order_and_encode_only_the_text() -> None:
    part = sheetxml.Parts()
    for piece in ("<a>", "硚口", b"<row/>" * 3, "</a>", b"", "<b/>"):
        part.write(piece)
    assert part.getvalue().encode("utf-8") == "<a>硚口<row/><row/><row/></a><b/>".encode()
    with pytest.raises(ValueError, match="UTF-8"):
        part.getvalue().encode("utf-16")


def test_a_block_in_a_plain_xlsxwriter_workbook_is_decoded_into_its_stringio(tmp_path: Path) -> None:
    """Outside :class:`Book` (xlsxwriter's own StringIO parts) a block's pieces are written as text."""
    from xlsxwriter.workbook import Workbook

    book = Workbook(str(tmp_path / "plain.xlsx"), {"in_memory": True})
    book.worksheet_class = Sheet
    fm = wbmod._Formats(book)
    ws = book.add_worksheet("表")
    wbmod._write_table(ws, fm, COLS, _rows(BLOCK_ROWS), 0)
    assert ws.blocks
    book.close()
    sheet = openpyxl.load_workbook(tmp_path / "plain.xlsx")["表"]
    assert sheet.cell(BLOCK_ROWS + 1, 1).value == BLOCK_ROWS and sheet.cell(3, 2).value == TRICKY[1]
