"""The Excel report: one workbook a department can print and sign, plus per-department batches.

Every file is written with xlsxwriter through :func:`qkaward.atomic.atomic_path`, so a reader never
sees a half-written workbook. Untrusted text (enterprise names, reasons, file names …) is written with
``write_string`` into a workbook opened with ``strings_to_formulas``/``strings_to_urls``/
``strings_to_numbers`` off, and text that starts like a formula also gets Excel's quote prefix, so a
name such as ``=HYPERLINK("http://x","点击")`` stays text in Excel, LibreOffice and openpyxl.

Money: award amounts are integer 元 throughout. A 万元 cell holds ``Decimal(yuan) / 10000`` (exact,
at most four decimals) converted to a number only for display; totals are integer sums in 元, and
the award sheets keep the exact 元 figure in a hidden column.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import reduce
from pathlib import Path
from typing import Any, Literal, Protocol

import polars as pl
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from qkaward.atomic import atomic_path
from qkaward.errors import UsageError
from qkaward.exact_text import decimal_text
from qkaward.privacy import mask_id, mask_id_expr
from qkaward.render import widechars
from qkaward.render.machine import FORMULA_PREFIXES
from qkaward.render.sheetxml import Book, Cells, Sheet, rows_xml, xf_index
from qkaward.render.terminal import SEVERITY_LABELS
from qkaward.render.text import YUAN_PER_WAN, YUAN_PER_YI, wan
from qkaward.schema import AWARD_LINE, PROBLEM, ROLE_LABELS, InputFile

DEFAULT_TITLE = "硚口区“四个一批”行动计划奖励测算"

# ------------------------------------------------------------------------------------ display labels
TIER_ORDER = ("t1", "t2", "t3")
TIER_LABELS = {"t1": "五百亿级", "t2": "百亿级", "t3": "五十亿级"}
POOL_LABELS = {
    "ladder_pool.t1": "准五百亿",
    "ladder_pool.t2": "准百亿",
    "ladder_pool.t3": "准五十亿",
    "four_above": "四上企业",
    "high_growth": "四上高成长",
    "pre_four_above": "准四上",
    "gazelle": "瞪羚企业",
    "unicorn": "独角兽企业",
    "pre_unicorn": "准独角兽企业",
}
GROUP_LABELS = {"main": "建筑·批零·房地产", "other": "其他行业"}
STATUS_LABELS = {"confirmed": "已确认", "needs_review": "待核实"}
NO_DEPARTMENT = "未注明责任单位"
NO_STREET = "未注明街道"

#: The sheets of the full report, in order.
REPORT_SHEETS = (
    "汇总",
    "梯队",
    "培育库",
    "奖励清单",
    "待核实",
    "公示名单",
    "目标进度",
    "数据问题",
    "计算依据",
)
#: The sheets of one part of a split report.
PART_SHEETS = ("汇总", "奖励清单", "待核实", "公示名单")


class TargetLike(Protocol):
    """What the report reads of one target (``qkaward.rules.Target``)."""

    id: str
    label: str
    clause: str
    goal: int
    actual: int | None
    gap: int | None
    unit: str
    note: str


class ResultLike(Protocol):
    """What the report reads of one run (``qkaward.rules.RunResult``)."""

    year: int
    policy_id: str
    frame: pl.DataFrame
    classify: pl.DataFrame
    awards: pl.DataFrame
    targets: Sequence[TargetLike]
    problems: pl.DataFrame


# ------------------------------------------------------------------------------------ small helpers
def text_width(text: str) -> int:
    """Display width of ``text``: East Asian wide and full-width characters count 2, others 1."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wan_value(yuan: int | None) -> Decimal | None:
    """元 → exact 万元 (a Decimal with at most four decimals)."""
    return None if yuan is None else Decimal(int(yuan)) / YUAN_PER_WAN


_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff()（）·-]+")


def safe_filename(text: str | None, fallback: str) -> str:
    """A file-name part made from untrusted text: no separators, no leading dots, at most 60 chars."""
    name = _UNSAFE.sub("_", (text or "").strip()).strip("._ ")
    return name[:60] or fallback


def _row_dict(row: Any) -> dict[str, Any]:
    """A policy row given as a mapping or as an object with key/value/unit/clause/note attributes."""
    if isinstance(row, Mapping):
        return dict(row)
    return {k: getattr(row, k, "") for k in ("key", "value", "unit", "clause", "note")}


def _conform(frame: pl.DataFrame | None, schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with exactly the columns of ``schema`` (missing ones null), in schema order."""
    if frame is None:
        return pl.DataFrame(schema=dict(schema))
    cols = [
        pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c) for c, t in schema.items()
    ]
    return frame.select(cols)


def _sum(frame: pl.DataFrame, column: str = "amount_yuan") -> int:
    """Exact integer sum of an Int64 column (0 for an empty frame)."""
    value = frame.get_column(column).sum() if frame.height else 0
    return int(value or 0)


# ------------------------------------------------------------------------------------ table model
Kind = Literal["text", "wrap", "wan", "yi", "int", "pct", "yuan"]


@dataclass(frozen=True)
class Col:
    """One column of a sheet table: the row key, the Chinese header, how to write it."""

    key: str
    header: str
    kind: Kind = "text"
    cap: int = 40  # maximum column width (characters of width 1)
    hidden: bool = False


class _Formats:
    """The cell formats of one workbook."""

    def __init__(self, wb: Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "top"}
        border = {"border": 1, "border_color": "#B0B0B0"}
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.caption = wb.add_format({**base, "bold": True, "font_size": 11})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#555555"})
        self.header = wb.add_format(
            {
                **base,
                **border,
                "bold": True,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.by_kind: dict[tuple[str, bool], Any] = {}
        numbers = {"wan": "#,##0.00##", "yi": "#,##0.00##", "int": "#,##0", "yuan": "#,##0", "pct": "0.0%"}
        for total in (False, True):
            extra = {**base, **border, **({"bold": True, "bg_color": "#F2F2F2"} if total else {})}
            self.by_kind[("text", total)] = wb.add_format(extra)
            self.by_kind[("quoted", total)] = wb.add_format({**extra, "quote_prefix": True})
            self.by_kind[("wrap", total)] = wb.add_format({**extra, "text_wrap": True})
            self.by_kind[("wrap_quoted", total)] = wb.add_format(
                {**extra, "text_wrap": True, "quote_prefix": True}
            )
            for kind, num in numbers.items():
                self.by_kind[(kind, total)] = wb.add_format({**extra, "num_format": num})

    def cell(self, kind: str, total: bool = False) -> Any:
        return self.by_kind[(kind, total)]


def _display(value: Any) -> str:
    """Text of a cell value, for width measurement."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(map(str, value))
    return str(value)


def _write_cell(
    ws: Worksheet, fm: _Formats, r: int, c: int, col: Col, value: Any, total: bool = False
) -> None:
    """Write one value: text always as a string (quote-prefixed when it looks like a formula),
    numbers per the column kind."""
    text_kind = "wrap" if col.kind == "wrap" else "text"
    if value is None:
        ws.write_blank(r, c, None, fm.cell(text_kind if col.kind in ("text", "wrap") else col.kind, total))
        return
    if col.kind in ("text", "wrap") or isinstance(value, str):
        text = value if isinstance(value, str) else _display(value)
        kind = text_kind + "_quoted" if text.startswith(FORMULA_PREFIXES) else text_kind
        ws.write_string(r, c, text, fm.cell(kind.replace("text_quoted", "quoted"), total))
        return
    ws.write_number(r, c, _number(col, value), fm.cell(col.kind, total))


def _number(col: Col, value: Any) -> float | int:
    """The number a cell of a numeric column holds."""
    if col.kind == "wan":
        return float(Decimal(int(value)) / YUAN_PER_WAN)
    if col.kind == "yi":
        return float(Decimal(int(value)) / YUAN_PER_YI)
    if col.kind == "pct":
        return float(value)
    return int(value)


#: Rows given to a table: a frame, or one mapping per row (a missing key is a blank cell).
Rows = pl.DataFrame | Sequence[Mapping[str, Any]]


def _texts(values: pl.Series) -> pl.Series:
    """Each value's text as :func:`_display` gives it (String; null stays null)."""
    if values.dtype == pl.String:
        return values
    if values.dtype.is_integer():  # str() of an integer: its digits
        return values.cast(pl.String)
    return pl.Series(
        values.name, [None if v is None else _display(v) for v in values.to_list()], dtype=pl.String
    )


def _column(col: Col, rows: Rows) -> pl.Series:
    """One column of a table: text columns as the text written (String), numeric ones as their
    numbers — or as Python objects (dtype Object) when they hold anything else, such as text."""
    text = col.kind in ("text", "wrap")
    if isinstance(rows, pl.DataFrame):
        if col.key not in rows.columns:
            return pl.Series(col.key, [None] * rows.height, dtype=pl.String if text else pl.Int64)
        series = rows.get_column(col.key)
        if text:
            return _texts(series)
        if series.dtype.is_integer() or series.dtype.is_float() or series.dtype == pl.Null:
            return series
        values = series.to_list()
    else:
        values = [row.get(col.key) for row in rows]
        if text:
            return pl.Series(col.key, [None if v is None else _display(v) for v in values], dtype=pl.String)
    types = {type(v) for v in values if v is not None}
    if types <= {int} and all(-(2**63) <= v < 2**63 for v in values if v is not None):
        return pl.Series(col.key, values, dtype=pl.Int64)
    if types <= {float}:
        return pl.Series(col.key, values, dtype=pl.Float64)
    return pl.Series(col.key, values, dtype=pl.Object)


def _text_widths(texts: pl.Series) -> pl.Series:
    """Display width of each text (as :func:`text_width`; null stays null)."""
    return _widths_of_columns([texts])[0]


def _widths_of_columns(columns: Sequence[pl.Series]) -> list[pl.Series]:
    """The display width of each text (as :func:`text_width`; null stays null) of several text columns
    of one length, in one select (Polars measures them in parallel)."""
    if not columns:
        return []
    frame = pl.DataFrame({f"t{i}": c for i, c in enumerate(columns)})
    return frame.select(widechars.width(pl.col(f"t{i}")) for i in range(len(columns))).get_columns()


_NUMERIC = ("wan", "yi", "int", "yuan", "pct")


def _measure(col: Col, values: pl.Series, total: Any = None, widths: pl.Series | None = None) -> int:
    """A column width that fits the header, the values and a totals value (CJK counted 2), capped.
    ``widths``: the display width of each value's text, when already measured."""
    head = text_width(col.header)
    widest = head if head <= 10 else (head + 1) // 2 + 3  # headers wrap onto two lines (bold: +1)
    extra = [] if total is None else [total]
    if values.dtype == pl.Object:
        objects = [v for v in values.to_list() if v is not None] + extra
        has_text = any(isinstance(v, str) for v in objects)
    else:
        has_text = isinstance(total, str)
    if values.null_count() == len(values) and not extra:
        return min(col.cap, widest + 2)
    if col.kind in _NUMERIC and not has_text:
        # a number's printed width grows with its size: the largest and the smallest decide
        if values.dtype == pl.Object:
            bounds = (max(objects), min(objects))
        else:
            present = [v for v in (values.max(), values.min(), *extra) if v is not None]
            bounds = (max(present), min(present))
        for v in bounds:
            if col.kind in ("wan", "yi"):
                text = f"{Decimal(int(v)) / (YUAN_PER_WAN if col.kind == 'wan' else YUAN_PER_YI):,.4f}"
            elif col.kind in ("int", "yuan"):
                text = f"{int(v):,}"
            else:
                text = f"{float(v) * 100:.1f}%"
            widest = max(widest, text_width(text))
        return min(col.cap, widest + 2)
    if widths is None:
        widths = _text_widths(_texts(values))
    widest_text = max([widths.max() or 0, *(text_width(_display(v)) for v in extra)])
    return min(col.cap, max(widest, widest_text) + 2)


#: Points per line of 10-pt text, for the height of rows whose text wraps.
LINE_HEIGHT = 13.5


def _line_counts(
    texts: pl.Series, widths: Sequence[int] | int, text_widths: pl.Series | None = None
) -> pl.Series:
    """How many lines each text (null: empty) takes in a wrapping column ``widths`` characters wide
    (one width for all, or one per text): each of its lines at least one, long ones wrapped.
    ``text_widths``: each text's display width, when already measured (used when no text breaks)."""
    if (
        text_widths is not None
        and isinstance(widths, int)
        and not texts.str.contains("\n", literal=True).any()
    ):
        room = max(1, widths)
        return (text_widths.fill_null(0).clip(1) + room - 1) // room
    frame = texts.fill_null("").to_frame("t")
    if isinstance(widths, Sequence):
        frame = frame.with_columns(pl.Series("u", [max(1, w) for w in widths], dtype=pl.Int64))
        usable = pl.col("u")
    else:
        usable = pl.lit(max(1, widths), dtype=pl.Int64)
    parts = pl.col("t").str.split("\n").list.eval(widechars.width(pl.element()).clip(1))
    return frame.select(((parts + usable - 1) // usable).list.sum()).to_series()


def _row_height(lines: int) -> float | None:
    """The height of a row whose text takes ``lines`` lines (None: one line, the default height)."""
    return LINE_HEIGHT * lines + 2 if lines > 1 else None


def _write_table(
    ws: Worksheet,
    fm: _Formats,
    cols: Sequence[Col],
    rows: Rows,
    first_row: int,
    totals: Mapping[str, Any] | None = None,
    widths: list[int] | None = None,
) -> int:
    """Header, rows and an optional totals row from ``first_row``; returns the next free row.

    ``widths`` (one per column, extended as needed) is raised to fit this table's content; rows
    whose wrapped text needs more than one line get the height for it.
    """
    final = widths if widths is not None else []
    final.extend([0] * (len(cols) - len(final)))
    n = len(rows)
    columns = [_column(col, rows) for col in cols]
    texty = [c for c, col in enumerate(cols) if col.kind in ("text", "wrap")]  # String columns
    text_widths = dict(zip(texty, _widths_of_columns([columns[c] for c in texty]), strict=True))
    for c, col in enumerate(cols):
        total = None if totals is None else totals.get(col.key)
        final[c] = max(final[c], _measure(col, columns[c], total, text_widths.get(c)))
    headers = pl.Series([col.header for col in cols], dtype=pl.String)
    header_lines = _line_counts(headers, final[: len(cols)]).max() or 1
    if header_lines > 1:
        ws.set_row(first_row, _row_height(header_lines))
    for c, col in enumerate(cols):
        ws.write_string(first_row, c, col.header, fm.header)
    r = first_row + 1
    wrapped = [
        _line_counts(columns[c], final[c], text_widths[c]) for c, col in enumerate(cols) if col.kind == "wrap"
    ]
    lines = (
        pl.select(pl.max_horizontal(wrapped)).to_series() if wrapped else pl.Series([1] * n, dtype=pl.Int64)
    )
    block = (
        _block(ws, fm, cols, columns)
        if isinstance(ws, Sheet) and n >= BLOCK_ROWS and ws.fits(r + n - 1, len(cols) - 1)
        else None
    )
    if block is not None:  # a large table: its rows rendered column-wise (see render/sheetxml.py)
        # the height xlsxwriter's set_row writes: rounded to whole pixels (worksheet.set_row)
        pixels = {k: _row_height(k) for k in lines.unique().to_list()}
        rounded = {k: None if h is None else 0.75 * int(h * 4.0 / 3.0 + 0.5) for k, h in pixels.items()}
        heights = (
            lines.replace_strict(list(rounded), list(rounded.values()), return_dtype=pl.Float64)
            if any(h is not None for h in rounded.values())
            else None
        )
        ws.add_block(r, r + n - 1, len(cols) - 1, rows_xml(r, block, heights))
        r += n
    else:
        values = [s.to_list() for s in columns]
        for i, count in enumerate(lines.to_list()):
            height = _row_height(count)
            if height is not None:
                ws.set_row(r, height)
            for c, col in enumerate(cols):
                _write_cell(ws, fm, r, c, col, values[c][i])
            r += 1
    if totals is not None:
        for c, col in enumerate(cols):
            _write_cell(ws, fm, r, c, col, totals.get(col.key), total=True)
        r += 1
    return r


#: Tables of at least this many rows have their rows written as one block (render/sheetxml.py).
BLOCK_ROWS = 1000


#: What a 万元 / 亿元 column's integer 元 amounts are divided by.
_DIVISORS = {"wan": YUAN_PER_WAN, "yi": YUAN_PER_YI}


def _number_texts(col: Col, values: pl.Series) -> pl.Series:
    """Each number as the text of its cell's ``<v>`` (null stays null): read back, the double that
    :func:`_write_cell` writes. A 万元/亿元 amount is written as its exact decimal (580032.45 for
    5,800,324,500 元), which reads back as the same double as xlsxwriter's ``.16G`` text of
    ``float(Decimal(v) / d)`` (both are that fraction correctly rounded); everything else is the
    ``.16G`` text itself (xmlwriter._xml_number_element)."""
    if values.dtype.is_integer():
        low, high = values.min(), values.max()
        exact = low is None or (low >= -(2**53) and high <= 2**53)  # every amount exact as a float
        if col.kind in ("int", "yuan") and exact:
            return values.cast(pl.String)  # exact as a float, and fewer than 17 digits: no exponent
        if col.kind in _DIVISORS and exact:
            return _decimal_texts(values, _DIVISORS[col.kind])
        distinct = values.drop_nulls().unique()  # amounts repeat: format each once
        texts = [f"{_number(col, v):.16G}" for v in distinct.to_list()]
        return values.replace_strict(distinct, texts, return_dtype=pl.String)
    if values.dtype == pl.Float64 and col.kind == "pct":  # _number is float(v): nothing to convert
        return pl.Series(values.name, [None if v is None else f"{v:.16G}" for v in values.to_list()])
    texts = [None if v is None else f"{_number(col, v):.16G}" for v in values.to_list()]
    return pl.Series(values.name, texts, dtype=pl.String)


def _decimal_texts(values: pl.Series, divisor: int) -> pl.Series:
    """The exact decimal text of each integer divided by ``divisor``, a power of ten (null stays null)."""
    v = pl.col("v")
    sign = pl.when(v < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    text = pl.concat_str(sign, decimal_text(v.abs(), divisor))
    return values.to_frame("v").select(text.alias(values.name)).to_series()


def _block(ws: Sheet, fm: _Formats, cols: Sequence[Col], columns: Sequence[pl.Series]) -> list[Cells] | None:
    """The columns of a table (as :func:`_column` gives them) as :class:`Cells`, each cell as
    :func:`_write_cell` writes it; None when a numeric column holds text or a text is too long for a
    cell (the table is then written cell by cell)."""
    out = []
    for col, values in zip(cols, columns, strict=True):
        if col.kind in ("text", "wrap"):
            shared = ws.shared(values)
            if shared is None:
                return None
            quoted = reduce(operator.or_, (values.str.starts_with(p) for p in FORMULA_PREFIXES))
            out.append(
                Cells(
                    shared,
                    xf_index(fm.cell(col.kind)),
                    shared=True,
                    alt=quoted.fill_null(False),
                    alt_xf=xf_index(fm.cell("wrap_quoted" if col.kind == "wrap" else "quoted")),
                )
            )
            continue
        if values.dtype == pl.Object and any(isinstance(v, str) for v in values.to_list()):
            return None
        out.append(Cells(_number_texts(col, values), xf_index(fm.cell(col.kind))))
    return out


def _escape_header(text: str) -> str:
    """Text for an Excel page header: '&' is a control character there."""
    return text.replace("&", "&&")


def _page_setup(ws: Worksheet, title: str, year: int | None, header_row: int | None) -> None:
    """Landscape A4, one page wide, header row repeated, title/year header, page-number footer."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    if header_row is not None:
        ws.repeat_rows(header_row)
    year_text = f"{year}年度" if year is not None else ""
    ws.set_header(f"&L{_escape_header(title)}&C&A&R{year_text}")
    ws.set_footer("&C第 &P 页 / 共 &N 页")


def _list_sheet(
    wb: Workbook,
    fm: _Formats,
    name: str,
    cols: Sequence[Col],
    rows: Rows,
    *,
    title: str,
    year: int | None,
    totals: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> Worksheet:
    """A sheet holding one table: frozen header, autofilter, widths, print settings. Rows beyond what
    a worksheet holds are left out with a note saying how many (xlsxwriter would drop them silently)."""
    ws = wb.add_worksheet(name)
    # header, rows, totals, a blank row, the notes and the note on rows left out
    room = ws.xls_rowmax - 2 - (totals is not None) - len(notes) - 1
    if len(rows) > room:
        left_out = len(rows) - room
        rows = rows.head(room) if isinstance(rows, pl.DataFrame) else rows[:room]
        summed = "；合计行按全部行计算" if totals is not None else ""
        notes = [
            *notes,
            f"另有 {left_out:,} 行超出 Excel 单张工作表的行数上限（{ws.xls_rowmax:,} 行），"
            f"未列入本表{summed}；完整清单请用相应命令的 --format csv 导出。",
        ]
    widths = [0] * len(cols)
    end = _write_table(ws, fm, cols, rows, 0, totals, widths)
    for i, note in enumerate(notes):
        ws.write_string(end + 1 + i, 0, note, fm.note)
    for c, col in enumerate(cols):
        options = {"hidden": True} if col.hidden else {}
        ws.set_column(c, c, widths[c], None, options)
    ws.freeze_panes(1, 0)
    last_data = max(0, len(rows))  # autofilter over the data rows, not the totals row
    ws.autofilter(0, 0, last_data, len(cols) - 1)
    _page_setup(ws, title, year, 0)
    return ws


# ------------------------------------------------------------------------------------ the award frames
AWARD_COLS = (
    Col("seq", "序号", "int", 6),
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("name", "企业名称", "wrap", 26),
    Col("label", "奖项", "wrap", 20),
    Col("clause", "条款", "text", 9),
    Col("amount_yuan", "金额（万元）", "wan", 14),
    Col("department", "责任单位", "wrap", 12),
    Col("street", "街道", "wrap", 10),
    Col("status_label", "状态", "text", 8),
    Col("subject_shown", "对象", "wrap", 20),
    Col("reason", "依据说明", "wrap", 40),
    Col("award", "奖项代码", "text", 26, hidden=True),
    Col("amount_exact", "金额（元）", "yuan", 16, hidden=True),
)

REVIEW_COLS = (
    Col("seq", "序号", "int", 6),
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("name", "企业名称", "wrap", 26),
    Col("label", "奖项", "wrap", 20),
    Col("amount_yuan", "金额（万元）", "wan", 14),
    Col("department", "责任单位", "wrap", 12),
    Col("reason", "需核实事项（依据说明）", "wrap", 50),
    Col("amount_exact", "金额（元）", "yuan", 16, hidden=True),
)

PUBLIC_COLS = (
    Col("seq", "序号", "int", 6),
    Col("name", "企业名称", "wrap", 26),
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("label", "奖项", "wrap", 20),
    Col("subject_public", "备注", "wrap", 20),
    Col("amount_yuan", "金额（万元）", "wan", 14),
    Col("amount_exact", "金额（元）", "yuan", 16, hidden=True),
)


def award_view(awards: pl.DataFrame, streets: pl.DataFrame | None = None) -> pl.DataFrame:
    """Award lines (schema.AWARD_LINE) with the display columns the sheets use.

    Adds ``street`` (from ``streets``: credit_code → street, when given), ``status_label``,
    ``subject_shown`` (ID-like subjects masked), ``subject_public`` (talent subjects masked, carriers
    kept), ``amount_exact`` and a ``seq`` number. Department and street blanks get a readable label.
    """
    a = _conform(awards, AWARD_LINE)
    if streets is not None and {"credit_code", "street"} <= set(streets.columns):
        lookup = streets.select("credit_code", pl.col("street").cast(pl.String)).unique(
            "credit_code", keep="first"
        )
        a = a.join(lookup, on="credit_code", how="left")
    else:
        a = a.with_columns(pl.lit(None, dtype=pl.String).alias("street"))
    is_talent = pl.col("award").fill_null("").str.starts_with("talent.")
    masked = mask_id_expr(pl.col("subject").fill_null(""))
    a = a.with_columns(
        pl.col("department").fill_null("").str.strip_chars().replace("", NO_DEPARTMENT).alias("department"),
        pl.col("street").fill_null("").str.strip_chars().replace("", NO_STREET).alias("street"),
        pl.col("status").replace_strict(STATUS_LABELS, default=pl.col("status")).alias("status_label"),
        pl.when(is_talent).then(masked).otherwise(pl.col("subject").fill_null("")).alias("subject_shown"),
        pl.col("amount_yuan").alias("amount_exact"),
    )
    a = a.with_columns(pl.col("subject_shown").alias("subject_public"))
    return a.with_row_index("seq", offset=1).with_columns(pl.col("seq").cast(pl.Int64))


def _renumber(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.drop("seq").with_row_index("seq", offset=1).with_columns(pl.col("seq").cast(pl.Int64))


def _award_totals(frame: pl.DataFrame, label_key: str = "credit_code") -> dict[str, Any]:
    total = _sum(frame)
    return {"seq": None, label_key: f"合计（{frame.height} 笔）", "amount_yuan": total, "amount_exact": total}


def _award_sheets(wb: Workbook, fm: _Formats, view: pl.DataFrame, title: str, year: int | None) -> None:
    """奖励清单, 待核实 and 公示名单 from the prepared award view."""
    _list_sheet(wb, fm, "奖励清单", AWARD_COLS, view, title=title, year=year, totals=_award_totals(view))
    review = _renumber(view.filter(pl.col("status") == "needs_review"))
    _list_sheet(
        wb,
        fm,
        "待核实",
        REVIEW_COLS,
        review,
        title=title,
        year=year,
        totals=_award_totals(review),
        notes=("以上项目须由责任单位核实后方可确认；金额为按现有数据测算的数额。",) if review.height else (),
    )
    public = _renumber(view.filter(pl.col("status") == "confirmed"))
    pending = view.height - public.height
    notes = [f"注：本名单仅列已确认项目；另有待核实项目 {pending} 笔，核实后另行公示。"] if pending else []
    _list_sheet(
        wb,
        fm,
        "公示名单",
        PUBLIC_COLS,
        public,
        title=title,
        year=year,
        totals=_award_totals(public, "name"),
        notes=notes,
    )


# ------------------------------------------------------------------------------------ summary blocks
def _group_block(view: pl.DataFrame, key: str) -> pl.DataFrame:
    """Count and amount (all / needs_review) per ``key``, largest amount first."""
    review = pl.col("status") == "needs_review"
    return (
        view.group_by(key)
        .agg(
            pl.len().cast(pl.Int64).alias("count"),
            pl.col("amount_yuan").sum().alias("amount_yuan"),
            review.sum().cast(pl.Int64).alias("review_count"),
            pl.col("amount_yuan").filter(review).sum().alias("review_yuan"),
        )
        .sort(["amount_yuan", key], descending=[True, False])
    )


def _block_totals(block: pl.DataFrame, key: str) -> dict[str, Any]:
    return {
        key: "合计",
        "count": _sum(block, "count"),
        "amount_yuan": _sum(block),
        "review_count": _sum(block, "review_count"),
        "review_yuan": _sum(block, "review_yuan"),
    }


def _group_cols(key: str, header: str) -> tuple[Col, ...]:
    return (
        Col(key, header, "wrap", 30),
        Col("count", "笔数", "int", 8),
        Col("amount_yuan", "金额（万元）", "wan", 16),
        Col("review_count", "其中待核实笔数", "int", 10),
        Col("review_yuan", "其中待核实金额（万元）", "wan", 16),
    )


def tier_counts(results: Sequence[ResultLike]) -> pl.DataFrame:
    """Enterprises per tier per year: columns ``year``, one per tier id, ``total``.

    Taken from the award year's frame when it has a ``tier`` column (it covers the history);
    the classify table of a result on another frame, or of a year the frame lacks, fills or
    overrides its year.
    """
    main = results[0]
    parts: list[pl.DataFrame] = []
    f = main.frame
    covered: set[int] = set()
    if {"year", "tier", "credit_code"} <= set(f.columns):
        parts.append(f.filter(pl.col("year") <= main.year).select("year", "credit_code", "tier"))
        covered = set(parts[0].get_column("year").unique().to_list())
    # A result on this very frame classifies its year from the frame's rows (its classify table
    # adds only enterprises without figures, which hold no tier): its year is counted already, and
    # its classify table, a pool classification of that year, is not computed for nothing.
    mine = [r for r in results if not (r.frame is f and r.year in covered) and "tier" in r.classify.columns]
    own = [
        r.classify.select(pl.lit(r.year, dtype=pl.Int32).alias("year"), "credit_code", "tier") for r in mine
    ]
    if own:
        years = [r.year for r in mine]
        parts = [p.filter(~pl.col("year").is_in(years)) for p in parts]
        parts.extend(own)
    if not parts:
        return pl.DataFrame(schema={"year": pl.Int32, **{t: pl.Int64 for t in TIER_ORDER}, "total": pl.Int64})
    rows = pl.concat([p.with_columns(pl.col("year").cast(pl.Int32)) for p in parts]).unique(
        ["year", "credit_code"]
    )
    counts = rows.group_by("year").agg(
        *[(pl.col("tier") == t).sum().cast(pl.Int64).alias(t) for t in TIER_ORDER],
    )
    return counts.with_columns(pl.sum_horizontal(*TIER_ORDER).alias("total")).sort("year")


def pool_counts(result: ResultLike) -> pl.DataFrame:
    """Enterprises per pool (pool id, label, count), in the order of :data:`POOL_LABELS`."""
    c = result.classify
    counts: dict[str, int] = {}
    if "pools" in c.columns and c.height:
        exploded = c.select(pl.col("pools").explode().alias("pool")).drop_nulls()
        counts = dict(exploded.group_by("pool").len().iter_rows())
    order = list(POOL_LABELS) + sorted(set(counts) - set(POOL_LABELS))
    return pl.DataFrame(
        {
            "pool": order,
            "pool_label": [POOL_LABELS.get(p, p) for p in order],
            "count": [counts.get(p, 0) for p in order],
        },
        schema={"pool": pl.String, "pool_label": pl.String, "count": pl.Int64},
    )


@dataclass
class _Cursor:
    """Where the next block of the summary sheet goes, and the widths so far."""

    row: int
    widths: list[int]
    blocks: int = 0


_NUMERALS = "一二三四五六七八九十"


def _caption(ws: Worksheet, fm: _Formats, cur: _Cursor, text: str) -> None:
    """A numbered block caption (一、二、…)."""
    cur.blocks += 1
    ws.write_string(cur.row, 0, f"{_NUMERALS[cur.blocks - 1]}、{text}", fm.caption)
    cur.row += 1


def _summary_block(
    ws: Worksheet,
    fm: _Formats,
    cur: _Cursor,
    caption: str,
    cols: Sequence[Col],
    block: pl.DataFrame,
    totals: Any,
) -> tuple[int, int]:
    """A captioned table; returns (first data row, last data row) for charts."""
    _caption(ws, fm, cur, caption)
    header = cur.row
    cur.row = _write_table(ws, fm, cols, block, header, totals, cur.widths) + 1
    return header + 1, header + block.height


def _bar_chart(
    wb: Workbook,
    sheet: str,
    name: str,
    cats: tuple[int, int, int],
    values: Sequence[tuple[str, int, int, int]],
) -> Any:
    """A bar chart: categories (col, first row, last row), series (name, col, first row, last row)."""
    chart = wb.add_chart({"type": "bar"})
    for series_name, col, first, last in values:
        chart.add_series(
            {
                "name": series_name,
                "categories": [sheet, cats[1], cats[0], cats[2], cats[0]],
                "values": [sheet, first, col, last, col],
                "data_labels": {"value": True},
            }
        )
    chart.set_title({"name": name, "name_font": {"size": 12}})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"reverse": True})  # bar charts draw categories bottom-up: keep the table's order
    chart.set_size({"width": 720, "height": max(300, 28 * (cats[2] - cats[1] + 1) + 100)})
    return chart


def _summary_sheet(
    wb: Workbook,
    fm: _Formats,
    view: pl.DataFrame,
    *,
    title: str,
    year: int | None,
    meta: str,
    results: Sequence[ResultLike] = (),
    targets_rows: int = 0,
) -> None:
    """汇总: headline, totals by award / department / street, tier and pool counts, charts."""
    ws = wb.add_worksheet("汇总")
    cur = _Cursor(row=0, widths=[0] * 6)
    ws.set_row(0, 24)
    ws.write_string(0, 0, f"{title}（{year}年度）" if year is not None else title, fm.title)
    ws.write_string(1, 0, meta, fm.note)
    review = view.filter(pl.col("status") == "needs_review")
    headline = (
        f"奖励合计 {_wan_text(_sum(view))} 万元，共 {view.height} 笔；"
        f"其中待核实 {review.height} 笔、{_wan_text(_sum(review))} 万元。"
    )
    ws.write_string(2, 0, headline, fm.caption)
    cur.row = 4
    charts: list[Any] = []

    by_award = _group_block(view.with_columns(pl.col("label").fill_null(pl.col("award"))), "label")
    _summary_block(
        ws, fm, cur, "按奖项", _group_cols("label", "奖项"), by_award, _block_totals(by_award, "label")
    )

    by_dept = _group_block(view, "department")
    first, last = _summary_block(
        ws,
        fm,
        cur,
        "按责任单位",
        _group_cols("department", "责任单位"),
        by_dept,
        _block_totals(by_dept, "department"),
    )
    if by_dept.height:
        charts.append(
            _bar_chart(
                wb, "汇总", "奖励金额（万元）按责任单位", (0, first, last), [("金额（万元）", 2, first, last)]
            )
        )

    if (view.get_column("street") != NO_STREET).any():
        by_street = _group_block(view, "street")
        _summary_block(
            ws,
            fm,
            cur,
            "按街道",
            _group_cols("street", "街道"),
            by_street,
            _block_totals(by_street, "street"),
        )

    if results:
        tiers = tier_counts(results)
        cols = (
            Col("year_text", "年度", "text", 8),
            *[Col(t, TIER_LABELS[t], "int", 10) for t in TIER_ORDER],
            Col("total", "合计", "int", 8),
        )
        block = tiers.with_columns(pl.col("year").cast(pl.String).alias("year_text"))
        first, last = _summary_block(ws, fm, cur, "梯队企业数（按年度）", cols, block, None)
        if tiers.height:
            chart = wb.add_chart({"type": "column"})
            for i, t in enumerate(TIER_ORDER, start=1):
                chart.add_series(
                    {
                        "name": TIER_LABELS[t],
                        "categories": ["汇总", first, 0, last, 0],
                        "values": ["汇总", first, i, last, i],
                        "data_labels": {"value": True},
                    }
                )
            chart.set_title({"name": "梯队企业数（按年度）", "name_font": {"size": 12}})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 720, "height": 300})
            charts.append(chart)
        pools = pool_counts(results[0])
        _summary_block(
            ws,
            fm,
            cur,
            "培育库企业数",
            (Col("pool_label", "培育库", "text", 20), Col("count", "企业数", "int", 10)),
            pools,
            None,
        )
    if targets_rows:
        charts.append(_target_chart(wb, targets_rows))

    _place_charts(ws, charts, cur.row + 1)
    for c, w in enumerate(cur.widths):
        ws.set_column(c, c, max(w, 10))
    ws.freeze_panes(1, 0)
    _page_setup(ws, title, year, None)


#: Pixels of one default row, and of the printable height of a landscape A4 page (at 100 %).
ROW_PX = 20
PAGE_PX = 640


def _place_charts(ws: Worksheet, charts: Sequence[Any], row: int) -> None:
    """Charts one under another from ``row``, starting on a new page, never split across pages."""
    breaks: list[int] = []
    used = PAGE_PX  # force a break before the first chart
    for chart in charts:
        height = chart.height
        if used + height > PAGE_PX:
            breaks.append(row)
            used = 0
        ws.insert_chart(row, 0, chart, {"x_offset": 4, "y_offset": 4})
        rows = -(-(height + 8) // ROW_PX) + 1
        row += rows
        used += rows * ROW_PX
    if breaks:
        ws.set_h_pagebreaks(breaks)


def _wan_text(yuan: int) -> str:
    """Exact 万元 text with thousands separators (up to four decimals)."""
    return wan(yuan, 4)


# ------------------------------------------------------------------------------------ tiers and pools
TIER_COLS = (
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("name", "企业名称", "wrap", 26),
    Col("industry_code", "行业代码", "text", 8),
    Col("group_label", "行业组别", "wrap", 18),
    Col("tier_label", "梯队", "text", 10),
    Col("tier_prev_label", "上年梯队", "text", 10),
    Col("change", "较上年变化", "text", 12),
    Col("approach", "培育方向", "text", 14),
    Col("revenue_yuan", "营业收入（万元）", "wan", 16),
    Col("revenue_growth", "营收增长率", "pct", 10),
    Col("fiscal_yuan", "区级财政贡献（万元）", "wan", 16),
    Col("fiscal_growth", "财政贡献增长率", "pct", 10),
    Col("revenue_prev_yuan", "上年营业收入（万元）", "wan", 16, hidden=True),
    Col("fiscal_prev_yuan", "上年区级财政贡献（万元）", "wan", 16, hidden=True),
)

POOL_COLS = (
    Col("pool_label", "培育库", "text", 14),
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("name", "企业名称", "wrap", 26),
    Col("industry_code", "行业代码", "text", 8),
    Col("tier_label", "梯队", "text", 10),
    Col("four_above_text", "四上", "text", 6),
    Col("revenue_yuan", "营业收入（万元）", "wan", 16),
    Col("revenue_prev_yuan", "上年营业收入（万元）", "wan", 16),
    Col("revenue_growth", "营收增长率", "pct", 10),
    Col("nbs_threshold_yuan", "四上标准（万元）", "wan", 16),
    Col("founded_text", "成立日期", "text", 12),
    Col("valuation_yuan", "估值（亿元）", "yi", 12),
    Col("valuation_usd", "估值（亿美元）", "yi", 12),
)

_DETAIL = {
    "revenue_prev_yuan": pl.Int64(),
    "fiscal_prev_yuan": pl.Int64(),
    "four_above": pl.Boolean(),
    "nbs_threshold_yuan": pl.Int64(),
    "founded": pl.Date(),
    "valuation_yuan": pl.Int64(),
    "valuation_usd": pl.Int64(),
    "street": pl.String(),
}


def enterprise_detail(result: ResultLike) -> pl.DataFrame:
    """The classify table of the award year with the deciding figures the sheets show.

    Adds (null where unknown) previous-year revenue/fiscal and tier, 四上 status and threshold,
    founding date, valuation and street, from ``pool_flags`` when the result has it, else the frame.
    """
    c = result.classify
    source = getattr(result, "pool_flags", None)
    if source is None or not {"credit_code"} <= set(source.columns):
        f = result.frame
        source = f.filter(pl.col("year") == result.year) if "year" in f.columns else f
    extra = [k for k in _DETAIL if k in source.columns and k not in c.columns]
    detail = c.join(
        source.select("credit_code", *extra).unique("credit_code", keep="first"), on="credit_code", how="left"
    )
    detail = detail.with_columns(
        pl.lit(None, dtype=t).alias(k) for k, t in _DETAIL.items() if k not in detail.columns
    )
    f = result.frame
    if {"year", "credit_code", "tier"} <= set(f.columns):
        prev = f.filter(pl.col("year") == result.year - 1).select(
            "credit_code", pl.col("tier").alias("tier_prev")
        )
        prev_fig = [pl.col(k).alias(f"{k}_y1") for k in ("revenue_yuan", "fiscal_yuan") if k in f.columns]
        prev = prev.hstack(f.filter(pl.col("year") == result.year - 1).select(prev_fig)) if prev_fig else prev
        detail = detail.join(prev.unique("credit_code", keep="first"), on="credit_code", how="left")
        for k in ("revenue", "fiscal"):
            if f"{k}_yuan_y1" in detail.columns:
                detail = detail.with_columns(
                    pl.coalesce(pl.col(f"{k}_prev_yuan"), pl.col(f"{k}_yuan_y1")).alias(f"{k}_prev_yuan")
                ).drop(f"{k}_yuan_y1")
    else:
        detail = detail.with_columns(pl.lit(None, dtype=pl.String).alias("tier_prev"))
    return detail.with_columns(
        _growth("revenue_yuan", "revenue_prev_yuan").alias("revenue_growth"),
        _growth("fiscal_yuan", "fiscal_prev_yuan").alias("fiscal_growth"),
        pl.col("tier").replace_strict(TIER_LABELS, default=None).alias("tier_label"),
        pl.col("tier_prev").replace_strict(TIER_LABELS, default=None).alias("tier_prev_label"),
        pl.col("group").replace_strict(GROUP_LABELS, default=pl.col("group")).alias("group_label"),
        pl.when(pl.col("four_above"))
        .then(pl.lit("是"))
        .when(pl.col("four_above").not_())
        .then(pl.lit("否"))
        .alias("four_above_text"),
        pl.col("founded").cast(pl.String).alias("founded_text"),
    )


def _growth(now: str, before: str) -> pl.Expr:
    """Growth ratio for display only (not used for any award decision)."""
    return pl.when(pl.col(before) > 0).then(pl.col(now) / pl.col(before) - 1).otherwise(None)


def _rank(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(
        {t: i for i, t in enumerate(TIER_ORDER)}, default=None, return_dtype=pl.Int32
    )


def tier_table(result: ResultLike, detail: pl.DataFrame | None = None) -> pl.DataFrame:
    """梯队: every enterprise holding a tier, holding one last year, or in a ladder pool
    (``detail``: :func:`enterprise_detail` of ``result``, when already computed)."""
    d = enterprise_detail(result) if detail is None else detail
    ladder = pl.col("pools").list.eval(pl.element().str.starts_with("ladder_pool.")).list.any()
    approach = (
        pl.col("pools")
        .list.eval(pl.element().filter(pl.element().str.starts_with("ladder_pool.")).replace(POOL_LABELS))
        .list.join("、")
    )
    now, before = _rank("tier"), _rank("tier_prev")
    change = (
        pl.when(now.is_null() & before.is_null())
        .then(pl.lit("培育中"))
        .when(now.is_null())
        .then(pl.lit("退出梯队"))
        .when(before.is_null())
        .then(pl.lit("新进梯队"))
        .when(now < before)
        .then(pl.lit("升级"))
        .when(now > before)
        .then(pl.lit("降级"))
        .otherwise(pl.lit("保持"))
    )
    out = d.filter(pl.col("tier").is_not_null() | pl.col("tier_prev").is_not_null() | ladder.fill_null(False))
    return out.with_columns(change.alias("change"), approach.alias("approach")).sort(
        [_rank("tier").fill_null(9), "revenue_yuan"], descending=[False, True], nulls_last=True
    )


def pool_table(result: ResultLike, detail: pl.DataFrame | None = None) -> pl.DataFrame:
    """培育库: one row per enterprise × pool, pools in the order of :data:`POOL_LABELS`
    (``detail``: :func:`enterprise_detail` of ``result``, when already computed)."""
    d = enterprise_detail(result) if detail is None else detail
    d = d.explode("pools").rename({"pools": "pool"}).drop_nulls("pool")
    order = {p: i for i, p in enumerate(POOL_LABELS)}
    return d.with_columns(
        pl.col("pool").replace_strict(POOL_LABELS, default=pl.col("pool")).alias("pool_label"),
        pl.col("pool").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_order"),
    ).sort(["_order", "revenue_yuan"], descending=[False, True], nulls_last=True)


# ------------------------------------------------------------------------------------ targets
TARGET_COLS = (
    Col("label", "目标", "wrap", 40),
    Col("clause", "条款", "text", 9),
    Col("goal", "2021年目标", "int", 10),
    Col("actual", "当前实际", "int", 10),
    Col("gap", "差距", "int", 8),
    Col("rate", "完成率", "pct", 9),
    Col("unit", "单位", "text", 6),
    Col("note", "说明", "wrap", 44),
)


def target_rows(targets: Sequence[TargetLike]) -> list[dict[str, Any]]:
    """One dict per target for the sheet (completion rate only where measured)."""
    rows = []
    for t in targets:
        rate = None if t.actual is None or not t.goal else t.actual / t.goal
        rows.append(
            {
                "label": t.label,
                "clause": t.clause,
                "goal": t.goal,
                "actual": t.actual,
                "gap": t.gap,
                "rate": rate,
                "unit": t.unit,
                "note": t.note if t.actual is not None else (t.note or "无输入数据可衡量此目标"),
            }
        )
    return rows


def _target_chart(wb: Workbook, n: int) -> Any:
    """Goal against actual for every target, from the 目标进度 sheet."""
    chart = wb.add_chart({"type": "bar"})
    for name, col, color in (("目标", 2, "#A6A6A6"), ("实际", 3, "#2F75B5")):
        chart.add_series(
            {
                "name": name,
                "categories": ["目标进度", 1, 0, n, 0],
                "values": ["目标进度", 1, col, n, col],
                "fill": {"color": color},
                "data_labels": {"value": True, "font": {"size": 8}},
            }
        )
    chart.set_title({"name": "2021年目标进度", "name_font": {"size": 12}})
    chart.set_legend({"position": "bottom"})
    chart.set_y_axis({"reverse": True})
    chart.set_size({"width": 720, "height": max(300, 40 * n + 80)})
    return chart


# ------------------------------------------------------------------------------------ problems, basis
PROBLEM_COLS = (
    Col("file", "文件", "wrap", 36),
    Col("sheet", "工作表", "wrap", 14),
    Col("row", "行", "int", 7),
    Col("column", "列", "wrap", 16),
    Col("value", "值", "wrap", 24),
    Col("message", "问题", "wrap", 50),
    Col("severity_label", "级别", "text", 8),
)


def _problem_rows(problems: pl.DataFrame) -> pl.DataFrame:
    p = _conform(problems, PROBLEM)
    return p.with_columns(
        pl.col("severity").replace_strict(SEVERITY_LABELS, default=pl.col("severity")).alias("severity_label")
    )


def _basis_sheet(
    wb: Workbook,
    fm: _Formats,
    *,
    title: str,
    year: int | None,
    policy_id: str,
    policy_rows: Sequence[Any],
    switches: Mapping[str, str],
    inputs_files: Sequence[InputFile],
    version: str,
    run_time: datetime,
) -> None:
    """计算依据: run facts, every policy parameter with its clause, switches, input files with SHA-256."""
    ws = wb.add_worksheet("计算依据")
    cur = _Cursor(row=0, widths=[0] * 9)
    ws.write_string(0, 0, "计算依据", fm.title)
    cur.row = 2
    facts = [
        {"k": "工具版本", "v": f"qkaward {version}"},
        {"k": "运行时间", "v": run_time.isoformat(sep=" ", timespec="seconds")},
        {"k": "奖励年度", "v": "" if year is None else str(year)},
        {"k": "政策", "v": policy_id},
    ]
    _summary_block(
        ws,
        fm,
        cur,
        "运行信息",
        (Col("k", "项目", "text", 14), Col("v", "内容", "wrap", 60)),
        pl.DataFrame(facts),
        None,
    )
    params = pl.DataFrame(
        [_row_dict(r) for r in policy_rows],
        schema={k: pl.String for k in ("key", "value", "unit", "clause", "note")},
        strict=False,
    )
    cols = (
        Col("key", "参数", "wrap", 40),
        Col("value", "取值", "wrap", 30),
        Col("unit", "单位", "text", 8),
        Col("clause", "条款", "text", 9),
        Col("note", "说明", "wrap", 50),
    )
    _summary_block(ws, fm, cur, "政策参数", cols, params, None)
    sw = pl.DataFrame(
        {"k": list(switches), "v": [str(v) for v in switches.values()]},
        schema={"k": pl.String, "v": pl.String},
    )
    _summary_block(
        ws,
        fm,
        cur,
        "本次运行的开关与覆盖设置",
        (Col("k", "开关", "wrap", 40), Col("v", "取值", "wrap", 30)),
        sw,
        None,
    )
    files = pl.DataFrame(
        [
            {
                "path": f.path,
                "role": ROLE_LABELS.get(f.role, f.role),
                "sha256": f.sha256,
                "sheets": "、".join(f.sheets),
                "years": "、".join(map(str, f.years)),
                "units": "；".join(f.units),
                "rows_read": f.rows_read,
                "rows_used": f.rows_used,
            }
            for f in inputs_files
        ],
        schema={k: pl.String for k in ("path", "role", "sha256", "sheets", "years", "units")}
        | {"rows_read": pl.Int64, "rows_used": pl.Int64},
    )
    cols = (
        Col("path", "文件", "wrap", 40),
        Col("role", "类别", "text", 14),
        Col("sha256", "SHA-256", "wrap", 34),
        Col("sheets", "工作表", "wrap", 16),
        Col("years", "年度", "text", 12),
        Col("units", "单位", "wrap", 20),
        Col("rows_read", "读取行", "int", 8),
        Col("rows_used", "采用行", "int", 8),
    )
    _summary_block(ws, fm, cur, "输入文件", cols, files, None)
    for c, w in enumerate(cur.widths):
        ws.set_column(c, c, max(w, 8))
    ws.freeze_panes(1, 0)
    _page_setup(ws, title, year, None)


# ------------------------------------------------------------------------------------ public API
def _new_workbook(path: Path) -> Workbook:
    """An xlsxwriter workbook that never turns strings into formulas, URLs or numbers; large tables
    and the shared strings are written as blocks (render/sheetxml.py)."""
    return Book(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            # Built in memory, not in xlsxwriter's temp files: a failed or killed write must leave no
            # fragments of the report (names, amounts) behind in $TMPDIR.
            "in_memory": True,
        },
    )


def write_report(
    path: Path,
    *,
    results: Sequence[ResultLike],
    inputs_files: Sequence[InputFile],
    problems: pl.DataFrame,
    policy_rows: Sequence[Any],
    switches: Mapping[str, str],
    version: str,
    run_time: datetime,
    streets: pl.DataFrame | None = None,
    title: str = DEFAULT_TITLE,
) -> None:
    """Write the full report workbook (sheets :data:`REPORT_SHEETS`) atomically to ``path``.

    ``results[0]`` is the award year's run; further results (earlier years) add their year to the
    tier counts. ``problems`` are listed on 数据问题; ``policy_rows`` are mappings or objects with
    key/value/unit/clause/note; ``streets`` maps credit_code → street (default: the frame's streets).
    """
    if not results:
        raise UsageError("报表至少需要一个年度的测算结果")
    main = results[0]
    view = award_view(main.awards, streets if streets is not None else _frame_streets(main))
    meta = _meta(main.policy_id, version, run_time)
    trows = target_rows(list(main.targets))
    with atomic_path(Path(path)) as tmp:
        wb = _new_workbook(tmp)
        fm = _Formats(wb)
        year = main.year
        _summary_sheet(
            wb, fm, view, title=title, year=year, meta=meta, results=results, targets_rows=len(trows)
        )
        detail = enterprise_detail(main)
        _list_sheet(wb, fm, "梯队", TIER_COLS, tier_table(main, detail), title=title, year=year)
        _list_sheet(wb, fm, "培育库", POOL_COLS, pool_table(main, detail), title=title, year=year)
        _award_sheets(wb, fm, view, title, year)
        ws = _list_sheet(wb, fm, "目标进度", TARGET_COLS, trows, title=title, year=year)
        if trows:
            chart = _target_chart(wb, len(trows))
            ws.insert_chart(len(trows) + 3, 0, chart)
        _list_sheet(wb, fm, "数据问题", PROBLEM_COLS, _problem_rows(problems), title=title, year=year)
        _basis_sheet(
            wb,
            fm,
            title=title,
            year=year,
            policy_id=main.policy_id,
            policy_rows=policy_rows,
            switches=switches,
            inputs_files=inputs_files,
            version=version,
            run_time=run_time,
        )
        wb.close()


def _meta(policy_id: str, version: str, run_time: datetime) -> str:
    """The line under the summary title: policy, time of the run, tool version."""
    when = run_time.isoformat(sep=" ", timespec="seconds")
    return f"政策：{policy_id}　生成时间：{when}　qkaward {version}"


def _frame_streets(result: ResultLike) -> pl.DataFrame | None:
    """credit_code → street from the award year's frame rows, when the frame has streets."""
    f = result.frame
    if not {"credit_code", "street"} <= set(f.columns):
        return None
    rows = f.filter(pl.col("year") == result.year) if "year" in f.columns else f
    return rows.select("credit_code", "street").drop_nulls("street")


def split_report(
    directory: Path,
    by: Literal["department", "street"],
    *,
    results: Sequence[ResultLike],
    version: str,
    run_time: datetime,
    streets: pl.DataFrame | None = None,
    title: str = DEFAULT_TITLE,
    **_ignored: Any,
) -> list[Path]:
    """One workbook per department (责任单位) or street in ``directory``; returns the paths written.

    Each part holds 汇总, 奖励清单, 待核实 and 公示名单 for its award lines only; the parts partition
    the award lines, so their totals add up to the whole. File names come from the data made safe
    (no path separators, no leading dots); clashes get a numeric suffix. Extra keyword arguments of
    :func:`write_report` are accepted and ignored, so one set of arguments serves both.
    """
    if by not in ("department", "street"):
        raise UsageError(f"--split-by 只能是 department 或 street，而不是 {by}")
    if not results:
        raise UsageError("报表至少需要一个年度的测算结果")
    directory = Path(directory)
    if not directory.is_dir():
        raise UsageError(f"输出目录不存在：{directory}")
    main = results[0]
    view = award_view(main.awards, streets if streets is not None else _frame_streets(main))
    meta = _meta(main.policy_id, version, run_time)
    kind = "责任单位" if by == "department" else "街道"
    paths: list[Path] = []
    used: set[str] = set()
    for part in sorted(view.get_column(by).unique().to_list()):
        subset = _renumber(view.filter(pl.col(by) == part))
        stem = f"{main.year}年奖励_{safe_filename(part, '未命名')}"
        name, n = stem, 2
        while name.lower() in used:
            name, n = f"{stem}_{n}", n + 1
        used.add(name.lower())
        target = directory / f"{name}.xlsx"
        part_title = f"{title}——{kind}：{part}"
        with atomic_path(target) as tmp:
            wb = _new_workbook(tmp)
            fm = _Formats(wb)
            _summary_sheet(wb, fm, subset, title=part_title, year=main.year, meta=meta)
            _award_sheets(wb, fm, subset, part_title, main.year)
            wb.close()
        paths.append(target)
    return paths


def write_award_list(
    path: Path, awards: pl.DataFrame, *, title: str = DEFAULT_TITLE, year: int | None = None
) -> None:
    """``awards --format xlsx``: one sheet 奖励清单 with a totals row, written atomically."""
    view = award_view(awards)
    if year is None and view.height:
        years = view.get_column("year").drop_nulls().unique().to_list()
        year = years[0] if len(years) == 1 else None
    cols = tuple(c for c in AWARD_COLS if c.key != "street")
    with atomic_path(Path(path)) as tmp:
        wb = _new_workbook(tmp)
        fm = _Formats(wb)
        _list_sheet(wb, fm, "奖励清单", cols, view, title=title, year=year, totals=_award_totals(view))
        wb.close()


def write_sheets(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[Col], Rows, Mapping[str, Any] | None]],
    *,
    title: str = DEFAULT_TITLE,
    year: int | None = None,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write simple list sheets (name, columns, rows, totals or None) atomically — used by what-if."""
    with atomic_path(Path(path)) as tmp:
        wb = _new_workbook(tmp)
        fm = _Formats(wb)
        for name, cols, rows, totals in sheets:
            _list_sheet(
                wb,
                fm,
                name,
                cols,
                rows,
                title=title,
                year=year,
                totals=totals,
                notes=(notes or {}).get(name, ()),
            )
        wb.close()


__all__ = [
    "DEFAULT_TITLE",
    "PART_SHEETS",
    "REPORT_SHEETS",
    "Col",
    "ResultLike",
    "award_view",
    "mask_id",
    "safe_filename",
    "split_report",
    "text_width",
    "write_award_list",
    "write_report",
    "write_sheets",
]
