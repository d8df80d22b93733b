"""The data rows of a large table as sheet XML built by Polars, instead of cell by cell.

xlsxwriter spends ~20 µs of Python per cell (checks, a dict per row, XML at save time): a city's
cultivation-pool sheet of 73,000 rows × 13 columns took ~15 s of a report. :class:`Sheet` is an
xlsxwriter worksheet (installed with ``Workbook.worksheet_class``, xlsxwriter's documented way to
subclass) that also writes *blocks*: ``<row>`` elements rendered column-wise by :func:`rows_xml`,
placed between the rows xlsxwriter writes itself. The cells are what ``write_string`` and
``write_number`` would write: text through the workbook's shared-string table (which escapes it),
numbers in xlsxwriter's ``.16G`` text, the same formats. Everything else of the sheet (header,
totals, widths, filters, print settings) stays with xlsxwriter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet


class Sheet(Worksheet):
    """An xlsxwriter worksheet that also writes blocks of ready-made rows."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[int, int, str]] = []

    def shared(self, strings: Sequence[str | None]) -> list[str | None] | None:
        """Each string's index in the workbook's shared-string table, as text (None stays None);
        None when one is longer than a cell may hold (xlsxwriter would truncate it: write it so)."""
        if any(s is not None and len(s) > self.xls_strmax // 2 for s in strings):
            return None
        table = self.str_table
        return [None if s is None else str(table._get_shared_string_index(s)) for s in strings]

    def fits(self, last: int, last_col: int) -> bool:
        """Whether row ``last`` and column ``last_col`` (0-based) are inside a sheet's limits."""
        return last < self.xls_rowmax and last_col < self.xls_colmax

    def add_block(self, first: int, last: int, last_col: int, xml: str) -> None:
        """Rows ``first``–``last`` (0-based, within :meth:`fits`) as the XML of their ``<row>`` elements."""
        if not self.fits(last, last_col):
            raise ValueError(f"rows up to {last} do not fit in a worksheet")
        self._check_dimensions(first, 0)
        self._check_dimensions(last, last_col)
        self.blocks.append((first, last, xml))

    def _write_rows(self) -> None:
        """xlsxwriter's rows around each block, in row order."""
        if not self.blocks:
            super()._write_rows()
            return
        low, high = self.dim_rowmin, self.dim_rowmax
        start = low
        try:
            for first, last, xml in sorted(self.blocks):
                self.dim_rowmin, self.dim_rowmax = start, first - 1
                if first > start:
                    super()._write_rows()
                self.fh.write(xml)
                start = last + 1
            self.dim_rowmin, self.dim_rowmax = start, high
            if high >= start:
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high


def xf_index(cell_format: Any) -> int:
    """The workbook's index of a cell format (assigned on first use, as a write call does)."""
    return cell_format._get_xf_index()


@dataclass(frozen=True)
class Cells:
    """One column of a block: per row the text of its ``<v>`` (a number, or with ``shared`` the
    index of a shared string; null: a blank cell) and its format — ``alt_xf`` where ``alt`` is
    true (text that starts like a formula gets the quote-prefix format)."""

    values: pl.Series
    xf: int
    shared: bool = False
    alt: pl.Series | None = None
    alt_xf: int | None = None


def rows_xml(first: int, columns: Sequence[Cells], heights: pl.Series | None) -> str:
    """The ``<row>`` elements of rows ``first``, ``first + 1`` … (0-based) holding ``columns``;
    ``heights`` in points (null: the default height)."""
    n = len(columns[0].values)
    frame = pl.DataFrame([c.values.alias(f"v{i}") for i, c in enumerate(columns)])
    number = pl.int_range(first + 1, first + 1 + n, dtype=pl.Int64).cast(pl.String)
    frame = frame.with_columns(number.alias("_r"))
    row = pl.format('<row r="{}">', "_r")
    if heights is not None:
        frame = frame.with_columns(heights.cast(pl.String).alias("_h"))
        row = (
            pl.when(pl.col("_h").is_null())
            .then(row)
            .otherwise(pl.format('<row r="{}" ht="{}" customHeight="1">', "_r", "_h"))
        )
    parts = [row]
    for i, cells in enumerate(columns):
        value, ref = pl.col(f"v{i}"), pl.format("{}{}", pl.lit(xl_col_to_name(i)), "_r")
        xf = pl.lit(str(cells.xf))
        if cells.alt is not None:
            frame = frame.with_columns(cells.alt.alias(f"a{i}"))
            xf = pl.when(pl.col(f"a{i}")).then(pl.lit(str(cells.alt_xf))).otherwise(xf)
        kind = ' t="s"' if cells.shared else ""
        cell = pl.format(f'<c r="{{}}" s="{{}}"{kind}><v>{{}}</v></c>', ref, xf, value)
        parts.append(pl.when(value.is_null()).then(pl.format('<c r="{}" s="{}"/>', ref, xf)).otherwise(cell))
    parts.append(pl.lit("</row>"))
    return frame.select(pl.concat_str(parts).str.join("")).item()
