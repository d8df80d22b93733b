"""Machine output: the JSON envelope of SPEC §9 and CSV that Excel can never read as a formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

#: Up to this many items + problems, JSON is indented for people; above it, written compact.
INDENT_LIMIT = 2000
#: Leading characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def rows(frame: pl.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A frame (or list of dicts) as JSON-ready dicts."""
    items = frame.to_dicts() if isinstance(frame, pl.DataFrame) else [dict(r) for r in frame]
    return [{k: _plain(v) for k, v in r.items()} for r in items]


def _json_array(items: pl.DataFrame | Sequence[Mapping[str, Any]], out: io.BytesIO) -> None:
    """A JSON array of objects, as UTF-8, written to ``out``: a frame is written by Polars itself (no
    Python loop over its rows, and no text made of it: a city's problems are ~100 MB of JSON)."""
    if isinstance(items, pl.DataFrame):
        items.write_json(out)
    else:
        out.write(json.dumps(rows(items), ensure_ascii=False).encode())


def envelope(
    command: str, *, year: int | None, policy: str | None, items: Any, problems: pl.DataFrame, **extra: Any
) -> bytes:
    """The JSON document (UTF-8): ``{"schema": "qkaward.<command>/1", "year", "policy", "items",
    "problems", …}``.

    The frames are serialised by Polars straight into the document's one buffer, so a city-sized run
    (100k+ problems) is never decoded into text nor copied (at a million enterprises the document took
    1.9 s made as text; made of parts joined together, 0.28–0.31 s where one buffer takes 0.18–0.20 s);
    a small document is then re-indented for people to read."""
    out = io.BytesIO()

    def field(key: str, write: Callable[[], object]) -> None:
        out.write(b"{" if out.tell() == 0 else b", ")  # the first field opens the object
        out.write(json.dumps(key).encode() + b": ")
        write()

    def plain(value: Any) -> Callable[[], object]:
        return lambda: out.write(json.dumps(value, ensure_ascii=False, default=_plain).encode())

    head = {"schema": f"qkaward.{command}/1", "year": year, "policy": policy}
    for k, v in head.items():
        field(k, plain(v))
    framed = isinstance(items, (pl.DataFrame, list))
    field("items", (lambda: _json_array(items, out)) if framed else plain(items))
    columns = ("file", "sheet", "row", "column", "value", "message", "severity")
    field("problems", lambda: _json_array(problems.select(columns), out))
    for k, v in extra.items():
        field(k, plain(v))
    out.write(b"}")
    size = problems.height + (len(items) if framed else 0)
    if size <= INDENT_LIMIT:
        document = json.loads(out.getvalue())
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()
    out.write(b"\n")
    return out.getvalue()


def escape_cell(value: Any) -> str:
    """A CSV cell: text starting with = + - @ (or tab/CR) gets a leading apostrophe (OWASP), numbers stay."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        value = "、".join(str(v) for v in value)
    text = str(_plain(value))
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _cell_texts(frame: pl.DataFrame) -> pl.DataFrame | None:
    """Every column as :func:`escape_cell` writes its cells, computed by Polars (an empty text as null, which
    ``write_csv`` leaves unquoted, as csv does); None when a column's type is one Polars would format
    differently from Python (floats, decimals, date-times …)."""
    texts, escaped = [], []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Boolean:
            texts.append(pl.when(column).then(pl.lit("是")).when(~column).then(pl.lit("否")).alias(name))
        elif dtype.is_integer():  # numbers stay as they are, also a negative one
            texts.append(column.cast(pl.String).alias(name))
        elif dtype == pl.List(pl.String):  # "、".join(str(v) …): a missing element reads "None"
            texts.append(column.list.eval(pl.element().fill_null("None")).list.join("、").alias(name))
            escaped.append(name)
        elif dtype in (pl.String, pl.Date):  # a date as its ISO text, like date.isoformat
            texts.append(column.cast(pl.String).alias(name))
            escaped.append(name)
        else:
            return None
    out = frame.select(texts)  # materialised, as is each step below: a text is read several times
    out = out.with_columns(
        pl.when(pl.any_horizontal([pl.col(name).str.starts_with(p) for p in FORMULA_PREFIXES]))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in escaped
    )
    return out.select(pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in out.columns)


def to_csv(frame: pl.DataFrame, headers: Mapping[str, str] | None = None) -> str:
    """CSV with Chinese headers, every text cell escaped against formula injection."""
    headers = headers or {c: c for c in frame.columns}
    cols = [c for c in headers if c in frame.columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(headers[c]) for c in cols])
    # the cells by Polars, written by Polars with csv's minimal quoting (a city's classification: 100,000
    # rows in ~0.1 s instead of ~1.8 s); csv itself for a single column (it writes an empty row as "")
    # and for column types Polars formats differently
    texts = _cell_texts(frame.select(cols)) if len(cols) > 1 else None
    if texts is not None:
        out.write(texts.write_csv(include_header=False, line_terminator="\r\n", quote_style="necessary"))
    else:
        for row in frame.select(cols).iter_rows():
            writer.writerow([escape_cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 CSV with Chinese text correctly
