"""The broken and hostile inputs of ``tests/test_bad_inputs.py`` (issue 7, item 1).

Every input is made by a function here, deterministically. Small text inputs (CSV, TOML) are also
committed next to this script so that a person can open them; regenerate them with::

    .venv/bin/python tests/data/bad/make_corpus.py

Binary or big inputs (xlsx, xls, zip bombs, sparse files, symlinks) are never committed: the test
calls the builder below into its ``tmp_path``. A builder takes a folder and returns the path to give
to qkaward — a file for ``--stats`` and the other role options, or a workspace folder for ``-w``.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: Valid GB 32100 codes (domain-notes §3d test vectors).
CODE_A = "91520000214434146R"
CODE_B = "914403001922038216"
CODE_C = "91310115591693856A"

STATS_HEADER = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]
GOOD_ROWS = [
    [CODE_A, "武汉启明科技有限公司", 2020, "6510", 1200],
    [CODE_B, "湖北硚信商贸有限公司", 2020, "5191", 800],
]

Builder = Callable[[Path], Path]


# ---- writers ---------------------------------------------------------------------------------------
def csv_text(rows: Sequence[Sequence[Any]], delimiter: str = ",") -> str:
    """CSV as spreadsheet programs write it: CRLF, fields quoted only when they need it."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(
        ["" if c is None else str(c) for c in row] for row in rows
    )
    return out.getvalue()


def stats_csv(*data: Sequence[Any], header: Sequence[str] = STATS_HEADER, delimiter: str = ",") -> str:
    return csv_text([header, *data], delimiter)


class XmlCell(str):
    """A cell written as the given XML inside ``<c r=…>``: an error value, a formula …"""


def _cell_xml(ref: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, XmlCell):
        return f'<c r="{ref}"{value}</c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    if text.startswith("&") and text.endswith(";"):  # an entity reference, written raw on purpose
        body = text
    else:
        body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{body}</t></is></c>'


def _col(j: int) -> str:
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def minimal_xlsx(rows: Sequence[Sequence[Any]], doctype: str = "", sheet: str = "Sheet1") -> bytes:
    """A small xlsx written by hand (fixed bytes, no timestamps), cells as inline strings or numbers.
    ``doctype`` is put before the worksheet element — the place for an entity-expansion attack."""
    body = "".join(
        f'<row r="{i + 1}">'
        + "".join(_cell_xml(f"{_col(j)}{i + 1}", v) for j, v in enumerate(row))
        + "</row>"
        for i, row in enumerate(rows)
    )
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook {ns} {rel_ns}><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{pkg}">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
            f"<worksheet {ns}><sheetData>{body}</sheetData></worksheet>"
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8"))
    return buf.getvalue()


def openpyxl_xlsx(path: Path, rows: Sequence[Sequence[Any]], merges: Sequence[str] = ()) -> Path:
    """An xlsx as openpyxl writes it (formulas without cached values, merged ranges)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def xls_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.write(i, j, v)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """``data`` (a zip) with ``member``'s uncompressed size rewritten to ``size`` in both its local and
    central headers: what a zip bomb looks like to a reader that checks before decompressing."""
    out = bytearray(data)
    name = member.encode()
    pos = out.find(b"PK\x03\x04")
    while pos != -1:
        n = struct.unpack_from("<H", out, pos + 26)[0]
        if out[pos + 30 : pos + 30 + n] == name:
            struct.pack_into("<I", out, pos + 22, size)
        pos = out.find(b"PK\x03\x04", pos + 4)
    pos = out.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46 : pos + 46 + n] == name:
            struct.pack_into("<I", out, pos + 24, size)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


#: The first eight bytes of an OLE compound file: how an encrypted xlsx and every .xls begin.
CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def cfb_junk() -> bytes:
    """A compound-file header followed by junk: the shape of a password-protected workbook."""
    return CFB_MAGIC + bytes((i * 37 + 11) % 256 for i in range(4096 - len(CFB_MAGIC)))


def good_xlsx() -> bytes:
    return minimal_xlsx([STATS_HEADER, *GOOD_ROWS])


# ---- committed text fixtures -------------------------------------------------------------------------
def _stats(*data: Sequence[Any], **kw: Any) -> bytes:
    return stats_csv(*data, **kw).encode("utf-8")


WS_STATS = "stats_2020.csv"

#: name → bytes of every committed fixture.
TEXT_FIXTURES: dict[str, bytes] = {
    "good_stats.csv": _stats(*GOOD_ROWS),
    "header_only.csv": _stats(),
    "missing_industry_column.csv": csv_text(
        [["统一社会信用代码", "企业名称", "年度", "营业收入(万元)"], [CODE_A, "甲公司", 2020, 100]]
    ).encode("utf-8"),
    "no_unit.csv": _stats([CODE_A, "甲公司", 2020, "6510", 100], header=[*STATS_HEADER[:4], "营业收入"]),
    "no_year.csv": _stats([CODE_A, "甲公司", "6510", 100], header=[*STATS_HEADER[:2], *STATS_HEADER[3:]]),
    "text_in_number.csv": _stats([CODE_A, "甲公司", 2020, "6510", "待核实"]),
    "negative_revenue.csv": _stats([CODE_A, "甲公司", 2020, "6510", "-1200"]),
    "absurd_revenue.csv": _stats([CODE_A, "甲公司", 2020, "6510", "100000000000000000000"]),
    "absurd_revenue_exponent.csv": _stats([CODE_A, "甲公司", 2020, "6510", "1e20"]),
    "nan_revenue.csv": _stats([CODE_A, "甲公司", 2020, "6510", "NaN"]),
    "year_out_of_range.csv": _stats([CODE_A, "甲公司", 20200, "6510", 100]),
    "lowercase_codes.csv": _stats([CODE_C.lower(), "甲公司", 2020, "6510", 100]),
    "fullwidth_codes.csv": _stats(
        ["９１５２ ００００ ２１４４ ３４１４ ６ｒ", "甲公司", 2020, "6510", 100],
    ),
    "bad_check_digit.csv": _stats([CODE_A[:-1] + "Q", "甲公司", 2020, "6510", 100]),
    "bad_org_check_digit.csv": _stats([CODE_B[:16] + "7" + CODE_B[17], "甲公司", 2020, "6510", 100]),
    "code_with_letter_o.csv": _stats([CODE_A[:10] + "O" + CODE_A[11:], "甲公司", 2020, "6510", 100]),
    "duplicate_conflicting.csv": _stats(
        [CODE_A, "甲公司", 2020, "6510", 100], [CODE_A, "甲公司", 2020, "6510", 900]
    ),
    "gbk.csv": stats_csv([CODE_A, "武汉启明科技有限公司", 2020, "6510", 1200]).encode("gbk"),
    "bom.csv": b"\xef\xbb\xbf" + _stats([CODE_A, "武汉启明科技有限公司", 2020, "6510", 1200]),
    "semicolon.csv": _stats(*GOOD_ROWS, delimiter=";"),
    "tab.csv": _stats(*GOOD_ROWS, delimiter="\t"),
    "blank_lines_only.csv": b"\r\n\r\n   \r\n\r\n",
    "undecodable.csv": bytes(range(0x80, 0x100)) * 4,
    "dates_serial_and_text.csv": csv_text(
        [
            ["统一社会信用代码", "企业名称", "事项", "认定日期"],
            [CODE_A, "甲公司", "高新技术企业", 43831],
            [CODE_B, "乙公司", "科技小巨人企业", "2020年6月18日"],
            [CODE_C, "丙公司", "新三板挂牌", "2020/7/1"],
        ]
    ).encode("utf-8"),
    "bad_date.csv": csv_text(
        [
            ["统一社会信用代码", "企业名称", "事项", "认定日期"],
            [CODE_A, "甲公司", "高新技术企业", "2020年13月45日"],
        ]
    ).encode("utf-8"),
    "fullwidth_digits.csv": _stats([CODE_A, "甲公司", "２０２０", "６５１０", "１，２００．５"]),
    "stray_quote.csv": (stats_csv() + f'{CODE_A},"甲公司,2020,6510,100\r\n').encode("utf-8"),
    "nul_bytes.csv": _stats(*GOOD_ROWS).replace(b"6510", b"65\x0010"),
    "html_table.xls": (
        '<html><head><meta charset="utf-8"></head><body><table>'
        + "".join(
            "<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in [STATS_HEADER, *GOOD_ROWS]
        )
        + "</table></body></html>"
    ).encode("utf-8"),
    "bom_then_gbk.csv": b"\xef\xbb\xbf"
    + stats_csv([CODE_A, "武汉启明科技有限公司", 2020, "6510", 1200]).encode("gbk"),
    "utf16_odd_length.csv": stats_csv(*GOOD_ROWS).encode("utf-16") + b"\x00",
    "formula_injection_name.csv": _stats([CODE_A, '=HYPERLINK("http://x","点我")', 2020, "6510", 100]),
    "ws_unknown_role.toml": f'[inputs]\nfoo = ["{WS_STATS}"]\n'.encode(),
    "ws_unknown_key.toml": f'[input]\nstats = ["{WS_STATS}"]\n'.encode(),
    "ws_escape_glob.toml": b'[inputs]\nstats = ["../../*.csv"]\n',
    "ws_escape_dotdot.toml": b'[inputs]\nstats = ["sub/../../stats_2020.csv"]\n',
    "ws_absolute.toml": b'[inputs]\nstats = ["/etc/passwd"]\n',
    "ws_broken.toml": b'[inputs\nstats = "stats_2020.csv"\n',
    "ws_not_a_list.toml": b"[inputs]\nstats = 5\n",
    "ws_glob_no_match.toml": b'[inputs]\nstats = ["nothing_*.xlsx"]\n',
    "ws_directory_entry.toml": b'[inputs]\nstats = ["folder.csv"]\n',
    "ws_symlink.toml": b'[inputs]\nstats = ["link_2020.csv"]\n',
    "ws_symlink_glob.toml": b'[inputs]\nstats = ["linked/*.csv"]\n',
    "ws_ledger_outside.toml": f'ledger = "../ledger.sqlite"\n[inputs]\nstats = ["{WS_STATS}"]\n'.encode(),
}


def write_text_fixtures(target: Path = HERE) -> list[Path]:
    """Write every committed fixture into ``target``."""
    written = []
    for name, data in TEXT_FIXTURES.items():
        path = target / name
        path.write_bytes(data)
        written.append(path)
    return written


# ---- builders ----------------------------------------------------------------------------------------
def committed(name: str, as_name: str | None = None) -> Builder:
    """Copy a committed fixture into the folder (so that nothing is ever written beside the corpus)."""

    def build(d: Path) -> Path:
        path = d / (as_name or name)
        shutil.copyfile(HERE / name, path)
        return path

    build.__name__ = f"committed({name})"
    return build


def raw(name: str, data: bytes | Callable[[], bytes]) -> Builder:
    def build(d: Path) -> Path:
        path = d / name
        path.write_bytes(data() if callable(data) else data)
        return path

    return build


def xlsx(rows: Sequence[Sequence[Any]], name: str = "stats_2020.xlsx", **kw: Any) -> Builder:
    return raw(name, lambda: minimal_xlsx(rows, **kw))


def via_openpyxl(rows: Sequence[Sequence[Any]], merges: Sequence[str] = ()) -> Builder:
    return lambda d: openpyxl_xlsx(d / "stats_2020.xlsx", rows, merges)


def truncated(data: Callable[[], bytes], name: str) -> Builder:
    return raw(name, lambda: (whole := data())[: len(whole) // 2])


def replace_part(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """``data`` (a zip) with ``member`` replaced by ``change(member's bytes)``, zipped again."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            body = src.read(info)
            zf.writestr(info, change(body) if info.filename == member else body)
    return buf.getvalue()


def broken_sheet_xml(d: Path) -> Path:
    """A well-formed zip whose sheet XML is damaged (``<sheetData>`` renamed ``<sheetDat长a>``, as the fuzz
    found it): calamine reads the sheet as empty and prints a warning of its own to stderr."""
    mangle = lambda b: b.replace(b"<sheetData>", "<sheetDat长a>".encode())  # noqa: E731
    return raw("stats_2020.xlsx", replace_part(good_xlsx(), "xl/worksheets/sheet1.xml", mangle))(d)


def zip_bomb_declared(d: Path) -> Path:
    """A 1 KB xlsx whose sheet declares 3 GB uncompressed."""
    return raw("bomb.xlsx", declare_size(good_xlsx(), "xl/worksheets/sheet1.xml", 3 * 1024**3))(d)


def zip_bomb_ratio(d: Path) -> Path:
    """A real bomb in small: 20 MB of one repeated row compressed to ~20 KB (ratio ≈ 1000:1)."""
    row = f'<row><c t="inlineStr"><is><t>{CODE_A}</t></is></c></row>'.encode()
    path = d / "ratio_bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", row * (20 * 1024 * 1024 // len(row)) + b"</sheetData>")
            zf.writestr(info, data)
    return path


def zip_many_entries(d: Path) -> Path:
    """A valid xlsx plus 10,001 empty members."""
    path = d / "many.xlsx"
    src = zipfile.ZipFile(io.BytesIO(good_xlsx()))
    with zipfile.ZipFile(path, "w") as zf:
        for info in src.infolist():
            zf.writestr(info, src.read(info))
        for i in range(10_001):
            zf.writestr(zipfile.ZipInfo(f"junk/{i}.xml", date_time=(2020, 1, 1, 0, 0, 0)), b"")
    return path


def _laugh(level: int) -> str:
    return f"&lol{level or ''};"


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{_laugh(i - 1) * 10}">' for i in range(1, 10))
    + "]>"
)


def billion_laughs(d: Path) -> Path:
    """An xlsx whose sheet defines nested entities; ``&lol9;`` would expand to 10⁹ "lol"s (3 GB)."""
    rows = [STATS_HEADER, [CODE_A, "&lol9;", 2020, "6510", 1200]]
    return raw("laughs_2020.xlsx", minimal_xlsx(rows, doctype=LAUGHS))(d)


def external_entity(d: Path) -> Path:
    """An xlsx whose sheet pulls in /etc/passwd through an external entity (XXE)."""
    doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rows = [STATS_HEADER, [CODE_A, "&xxe;", 2020, "6510", 1200]]
    return raw("xxe_2020.xlsx", minimal_xlsx(rows, doctype=doctype))(d)


def sparse_over_limit(d: Path) -> Path:
    """A sparse file one byte over the size limit: no disk is used, only its size is large."""
    from qkaward.inputs.grid import MAX_FILE_BYTES

    path = d / "huge_2020.csv"
    with open(path, "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    return path


def long_cell(column: int) -> Builder:
    """A stats row with a 100,000-character cell in ``column``."""
    row: list[Any] = [CODE_A, "甲公司", 2020, "6510", 100]
    row[column] = "长" * 100_000
    return raw("long_2020.csv", lambda: _stats(row))


def folder(name: str) -> Builder:
    def build(d: Path) -> Path:
        (d / name).mkdir()
        return d / name

    return build


def workspace(toml: str, setup: Callable[[Path], None] | None = None) -> Builder:
    """A workspace ``d/ws`` with ``qkaward.toml`` from the committed fixture ``toml``, a good stats
    csv, and whatever ``setup(ws)`` adds. ``d/outside.csv`` lies outside it, for escapes to find."""

    def build(d: Path) -> Path:
        ws = d / "ws"
        ws.mkdir()
        shutil.copyfile(HERE / toml, ws / "qkaward.toml")
        shutil.copyfile(HERE / "good_stats.csv", ws / WS_STATS)
        shutil.copyfile(HERE / "good_stats.csv", d / "outside.csv")
        if setup:
            setup(ws)
        return ws

    return build


def symlink_outside(ws: Path) -> None:
    os.symlink(ws.parent / "outside.csv", ws / "link_2020.csv")


def symlinked_folder_outside(ws: Path) -> None:
    os.symlink(ws.parent, ws / "linked", target_is_directory=True)


def subfolder(name: str) -> Callable[[Path], None]:
    return lambda ws: (ws / name).mkdir()


def empty_workspace(d: Path) -> Path:
    (d / "ws").mkdir()
    return d / "ws"


if __name__ == "__main__":
    for p in write_text_fixtures(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
