"""Cells calamine reads as empty although they are not: formulas without a saved result, and Excel
error values (#DIV/0!, #N/A …). Found in the sheet XML of an xlsx, so they become named problems
instead of silent nulls.

The XML is only searched when it holds a formula or an error cell at all (a plain substring test),
so exports of plain values — the usual case — cost one decompression pass.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

_SHEET = re.compile(rb'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_ALT = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(rb'r="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return (
        text.replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member of its XML."""
    try:
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {rid: tgt for rid, tgt in _REL.findall(rels)} | {
        rid: tgt for tgt, rid in _REL_ALT.findall(rels)
    }
    parts = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid)
        if target is None:
            continue
        target_s = target.decode("utf-8")
        member = target_s.lstrip("/") if target_s.startswith("/") else posixpath.normpath(f"xl/{target_s}")
        parts[_unescape(name)] = member
    return parts


def unusable_cells(path: Path) -> dict[str, list[tuple[int, str, str]]]:
    """Per sheet name: (row, column letters, Chinese reason) of each formula without a saved result
    and each error-valued cell. Empty when there are none, or when the file cannot be inspected."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for sheet, member in _sheet_parts(zf).items():
                xml = zf.read(member)
                if b"<f" not in xml and b't="e"' not in xml:
                    continue
                cells = []
                for attrs, body in _CELL.findall(xml):
                    body = body or b""
                    ref = _REF.search(attrs)
                    if ref is None:
                        continue
                    value = _VALUE.search(body)
                    if b't="e"' in attrs:
                        shown = _unescape(value.group(1)) if value else "#错误"
                        reason = f"单元格是 Excel 错误值 {shown}"
                    elif b"<f" in body and (value is None or not value.group(1).strip()):
                        reason = "公式没有保存计算结果（请在 Excel 中打开、重新计算并保存后再导出）"
                    else:
                        continue
                    cells.append((int(ref.group(2)), ref.group(1).decode(), reason))
                if cells:
                    found[sheet] = cells
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return {}
    return found
