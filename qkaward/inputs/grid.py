"""Reading a file into raw text grids: every cell as a string, nothing interpreted yet.

xlsx/xls go through fastexcel (calamine) with every column typed as text; csv through Polars after
the encoding (UTF-8, UTF-8 with BOM, GB18030) and delimiter are detected; parquet through Polars,
its column names becoming the first grid row. The structure of a grid is that of the sheet: row i
of the frame is spreadsheet row ``i + row_offset``.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import re
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from qkaward.errors import InputError
from qkaward.inputs.workspace import SUFFIXES
from qkaward.inputs.xlsxcells import unusable_cells

if TYPE_CHECKING:
    import fastexcel

#: Largest input file accepted, and the zip limits checked before an xlsx is decompressed.
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 10_000
#: How many leading rows may hold titles and the header.
HEAD_ROWS = 30


@dataclass(frozen=True)
class Grid:
    """One sheet as text. ``frame`` has String columns ``c0 … cN``."""

    file: str
    sheet: str
    frame: pl.DataFrame
    row_offset: int  # spreadsheet row number of frame row 0
    #: finds the cells read as empty that are not, per sheet (see xlsxcells); None: there are none
    scan: Callable[[], dict[str, list[tuple[int, str, str]]]] | None = None

    def bad_cells(self) -> tuple[tuple[int, str, str], ...]:
        """(spreadsheet row, column letters, reason) of each cell read as empty that is not: a formula
        without a saved result or an Excel error value. Searching the sheet XML costs a second
        decompression of the file, so the reader asks only when a data row has an empty cell."""
        return tuple(self.scan().get(self.sheet, ())) if self.scan is not None else ()

    def head(self, n: int = HEAD_ROWS) -> list[list[str | None]]:
        """The first ``n`` rows as Python lists (small: for header detection only)."""
        return [list(r) for r in self.frame.head(n).iter_rows()]


@dataclass(frozen=True)
class Part:
    """A part of a file that can be parsed apart from (and at the same time as) the others: one sheet
    of an xlsx workbook, or the whole file. ``weight`` (bytes) lets the largest parts start first."""

    weight: int
    grids: Callable[[], Iterator[Grid]]


def read_grids(path: Path, label: str | None = None) -> Iterator[Grid]:
    """Every sheet of ``path`` as a :class:`Grid`, one at a time; raises :class:`InputError` when
    unreadable (for an Excel file, possibly only when a later sheet is reached)."""
    return itertools.chain.from_iterable(part.grids() for part in file_parts(path, label))


def file_parts(path: Path, label: str | None = None) -> list[Part]:
    """``path`` checked and split into :class:`Part` s, in sheet order; raises :class:`InputError`
    when it cannot be read at all. Nothing is parsed until a part's ``grids`` is called.

    The reader is chosen by the file's first bytes, not only its name: government systems export
    xlsx named .xls, and HTML tables named .xls."""
    name = label or str(path)
    if not path.exists():
        raise InputError(f"找不到输入文件：{name}")
    if path.is_dir():
        raise InputError(f"输入应为文件，{name} 是文件夹")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"文件 {name} 是空文件")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"文件 {name} 大小 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节（{MAX_FILE_BYTES >> 20} MB）"
        )
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"不支持的文件类型 {suffix or '（无扩展名）'}：{name}（支持 .xlsx .xls .csv .parquet）"
        )
    with open(path, "rb") as fh:
        head = fh.read(512)
    kind = _sniff(head)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        if kind == "zip":
            _check_zip(path, name)
            return _excel_parts(path, name, size)
        if kind == "ole":
            if _encrypted(path):  # an xlsx with an open password is an OLE file holding EncryptedPackage
                raise InputError(
                    f"文件 {name} 已被加密（设置了打开密码），请在 Excel 中取消密码后另存为 .xlsx"
                )
            if not _ole_plausible(head, size):
                raise InputError(f"无法读取 Excel 文件 {name}（文件可能已损坏、被加密或设置了密码）")
            return [Part(size, lambda: iter(_read_xls(path, name)))]
        if kind == "html":
            raise InputError(
                f"文件 {name} 实际是网页格式（HTML），不是 Excel 文件：请在 Excel 中打开后另存为 .xlsx"
            )
        raise InputError(f"文件 {name} 不是有效的 {suffix[1:]} 文件（可能已损坏、被加密或只是改了扩展名）")
    if suffix == ".parquet":
        return [Part(size, lambda: iter([_read_parquet(path, name)]))]
    return [Part(size, lambda: iter([_read_csv(path, name)]))]


_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _encrypted(path: Path) -> bool:
    """Whether an OLE file holds an encrypted Office package (the stream name, UTF-16, in its directory)."""
    with open(path, "rb") as fh:
        return _ENCRYPTED_STREAM in fh.read(MAX_FILE_BYTES)


def _ole_plausible(head: bytes, size: int) -> bool:
    """Cheap checks of an OLE (compound file) header before a child process is started to parse it:
    sector shift 9 or 12, mini-sector shift 6, and FAT sectors that fit in the file (MS-CFB §2.2)."""
    if len(head) < 76:
        return False
    sector_shift = int.from_bytes(head[30:32], "little")
    mini_shift = int.from_bytes(head[32:34], "little")
    fat_sectors = int.from_bytes(head[44:48], "little")
    return sector_shift in (9, 12) and mini_shift == 6 and 0 < fat_sectors << sector_shift <= size


def _sniff(head: bytes) -> str:
    """What the first bytes say the file is: zip (xlsx), ole (xls or encrypted), html, or other."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    text = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if text.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta")):
        return "html"
    return "other"


def _check_zip(path: Path, name: str) -> None:
    """Refuse an xlsx that is not a zip, or whose declared sizes make it a zip bomb."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise InputError(f"文件 {name} 不是有效的 xlsx 文件（可能已损坏、被加密或只是改了扩展名）") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise InputError(f"文件 {name} 含 {len(infos)} 个压缩条目，超过上限 {MAX_ZIP_ENTRIES}，拒绝读取")
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNZIPPED_BYTES or total / packed > MAX_ZIP_RATIO:
        raise InputError(
            f"文件 {name} 解压后声明大小 {total} 字节（压缩比 {total // packed}:1），疑似压缩炸弹，拒绝读取"
        )


def _excel_parts(path: Path, name: str, size: int) -> list[Part]:
    """One part per sheet: calamine parses a sheet on one core and releases the GIL, so the sheets of
    one workbook (a tax export with a sheet per year) can be parsed at the same time."""
    failed = f"无法读取 Excel 文件 {name}（文件可能已损坏或设置了密码）"
    # calamine picks its parser by the suffix when given a path; an xlsx named .xls goes as bytes,
    # which calamine sniffs.
    as_bytes = path.suffix.lower() == ".xls"
    _, names = _open_excel(path, as_bytes, failed)
    # One search of the file's XML serves all its sheets, and only if a sheet needs it.
    scan = None if as_bytes else _once(lambda: unusable_cells(path))
    groups = [names] if as_bytes else [[s] for s in names]  # a renamed file is read once, in one part
    share = size // max(1, len(groups))
    return [Part(share, functools.partial(_read_excel, path, name, g, as_bytes, scan)) for g in groups]


def _open_excel(path: Path, as_bytes: bool, failed: str) -> tuple[fastexcel.ExcelReader, list[str]]:
    """The workbook's reader and sheet names; :class:`InputError` ``failed`` when it cannot be opened."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(path.read_bytes() if as_bytes else path)
        return reader, list(reader.sheet_names)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # fastexcel's errors, and calamine panics (which are BaseExceptions)
        raise InputError(failed) from None


def _once(compute: Callable[[], dict]) -> Callable[[], dict]:
    """``compute`` run at most once, also when two threads ask at the same time."""
    lock, done = threading.Lock(), []

    def get() -> dict:
        with lock:
            if not done:
                done.append(compute())
            return done[0]

    return get


def _read_excel(
    path: Path, name: str, sheets: list[str], as_bytes: bool, scan: Callable[[], dict] | None
) -> Iterator[Grid]:
    """The given sheets one at a time: a sheet is parsed when the reader asks for it, so a workbook
    of three million-row sheets read in one part never holds more than one of them as a grid."""
    failed = f"无法读取 Excel 文件 {name}（文件可能已损坏或设置了密码）"
    reader, _ = _open_excel(path, as_bytes, failed)
    for sheet in sheets:
        try:
            frame = reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:
            raise InputError(failed) from None
        # skip_rows=0 keeps leading empty rows, so frame row i is spreadsheet row i+1.
        grid = _grid(name, sheet, frame)
        del frame
        yield Grid(grid.file, grid.sheet, grid.frame, grid.row_offset, scan)


def _grid(name: str, sheet: str, frame: pl.DataFrame) -> Grid:
    return Grid(name, sheet, frame.rename({c: f"c{i}" for i, c in enumerate(frame.columns)}), 1)


#: Seconds a .xls may take to parse in the child process.
XLS_TIMEOUT = 300


def _read_xls(path: Path, name: str) -> list[Grid]:
    """A legacy .xls, parsed in a memory-limited child process (see :mod:`qkaward.inputs.xls_child`)."""
    import json
    import os
    import subprocess
    import sys

    unreadable = f"无法读取 Excel 文件 {name}（文件可能已损坏、被加密或设置了密码）"
    with tempfile.TemporaryDirectory(prefix="qkaward-xls-") as out:
        env = {**os.environ, "RUST_BACKTRACE": "0"}
        try:
            done = subprocess.run(
                [sys.executable, "-m", "qkaward.inputs.xls_child", str(path), out],
                capture_output=True,
                timeout=XLS_TIMEOUT,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise InputError(f"{unreadable}：解析超过 {XLS_TIMEOUT} 秒") from None
        except (OSError, MemoryError):
            raise InputError(f"无法读取 Excel 文件 {name}：系统资源不足，无法启动解析进程") from None
        if done.returncode != 0:
            raise InputError(unreadable)
        names = json.loads((Path(out) / "sheets.json").read_text(encoding="utf-8"))
        return [
            _grid(name, sheet, pl.read_parquet(Path(out) / f"{i}.parquet")) for i, sheet in enumerate(names)
        ]


def decode_text(data: bytes, name: str) -> str:
    """Decode csv bytes: UTF-8 with or without BOM, else GB18030 (a superset of GBK)."""
    unknown = f"无法识别文件 {name} 的编码（支持 UTF-8、带BOM的UTF-8、GBK/GB18030）"
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError:
        raise InputError(unknown) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise InputError(unknown) from None


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among , ; tab | that splits the most header-like lines into the most fields."""
    best, best_score = ",", -1
    for delim in (",", "\t", ";", "|"):
        counts = [len(next(csv.reader([ln], delimiter=delim))) for ln in lines if ln.strip()]
        score = max(counts, default=1)
        if score > best_score:
            best, best_score = delim, score
    return best


_BLANK_LINE = re.compile(r"(?m)^[ \t]*\r?$")


def _read_csv(path: Path, name: str) -> Grid:
    text = decode_text(path.read_bytes(), name)
    if "\x00" in text:
        raise InputError(f"文件 {name} 含二进制内容，不是文本 CSV")
    head_lines = text.splitlines()[:HEAD_ROWS]
    delim = _sniff_delimiter(head_lines)
    width = max((len(r) for r in csv.reader(head_lines, delimiter=delim)), default=1)
    # Polars skips blank lines; give them a delimiter so that row numbers stay those of the file.
    # It also takes the width from the first line (often a one-cell title): a first line of
    # ``width`` empty fields, dropped after reading, makes every column exist.
    text = delim * (width - 1) + "\n" + _BLANK_LINE.sub(delim, text)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=delim,
            new_columns=[f"c{i}" for i in range(width)],
            truncate_ragged_lines=True,
        )
    except Exception:
        raise InputError(f"无法解析 CSV 文件 {name}（可能有不成对的引号或混用的分隔符）") from None
    return Grid(name, "", frame.slice(1), 1)


def _read_parquet(path: Path, name: str) -> Grid:
    try:
        data = pl.read_parquet(path)
    except Exception:
        raise InputError(f"无法读取 Parquet 文件 {name}（文件已损坏或不是 Parquet 格式）") from None
    header = pl.DataFrame([pl.Series(f"c{i}", [c], pl.String) for i, c in enumerate(data.columns)])
    body = data.select([pl.col(c).cast(pl.String).alias(f"c{i}") for i, c in enumerate(data.columns)])
    return Grid(name, "", pl.concat([header, body]), 1)
