"""Machine output: the JSON envelope of SPEC §9 and CSV that Excel can never read as a formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import polars as pl

#: Above this many items + problems, JSON is written compact.
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


def envelope(
    command: str, *, year: int | None, policy: str | None, items: Any, problems: pl.DataFrame, **extra: Any
) -> str:
    """The JSON document: ``{"schema": "qkaward.<command>/1", "year", "policy", "items", "problems"}``."""
    doc = {
        "schema": f"qkaward.{command}/1",
        "year": year,
        "policy": policy,
        "items": rows(items) if isinstance(items, (pl.DataFrame, list)) else items,
        "problems": rows(problems.select("file", "sheet", "row", "column", "value", "message", "severity")),
    }
    doc.update({k: v for k, v in extra.items()})
    # Indented for people when small; compact (the C encoder) when large — indent=2 makes Python use
    # its pure-Python encoder, which took seconds on a city-sized award run.
    size = len(doc["problems"]) + (len(doc["items"]) if isinstance(doc["items"], list) else 0)
    return json.dumps(doc, ensure_ascii=False, indent=2 if size <= INDENT_LIMIT else None) + "\n"


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


def to_csv(frame: pl.DataFrame, headers: Mapping[str, str] | None = None) -> str:
    """CSV with Chinese headers, every text cell escaped against formula injection."""
    headers = headers or {c: c for c in frame.columns}
    cols = [c for c in headers if c in frame.columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(headers[c]) for c in cols])
    for row in frame.select(cols).iter_rows():
        writer.writerow([escape_cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 CSV with Chinese text correctly
