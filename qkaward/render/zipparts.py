"""The zip file of a workbook, its parts deflated on worker threads.

xlsxwriter hands its zip file one part after another (``ZipFile.writestr``), and ``zipfile`` deflates
each on the calling thread: at 100,000 enterprises ~0.45 s of a report, the 培育库 sheet alone 34 MB
of XML. :class:`ThreadedZip` takes the same calls, deflates every part in slices of :data:`SLICE`
bytes on a thread pool (zlib releases the GIL) while xlsxwriter encodes the next part, and writes
the file on :meth:`ThreadedZip.close`. The slices of a part are raw deflate streams ended with a
sync flush, the last one with a finish, so that they join into one stream, as pigz does.

The format is the plain one ``zipfile`` writes to a seekable file: per part a local header (sizes and
CRC-32 known, no data descriptor), the deflated data, then the central directory and its end record.
No ZIP64: a part or an offset beyond 4 GiB raises ``zipfile.LargeZipFile``, as ``zipfile`` does
with ``allowZip64=False``, which xlsxwriter turns into its FileSizeError.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: Bytes of a part deflated as one task: a part of 34 MB keeps two threads busy; each slice's
#: dictionary starts empty, which costs ~0.05 % of the file's size.
SLICE = 4 << 20  # not-policy: performance
#: Bytes handed to the threads and not yet deflated before writestr waits (so that a large workbook
#: does not hold all of its XML and its deflated parts at once).
PENDING = 64 << 20  # not-policy: performance

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile.structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile.structEndArchive
_LIMIT = 0xFFFFFFFF  # sizes and offsets beyond need ZIP64
_VERSION = 20  # zip 2.0: deflate (zipfile.DEFLATED_VERSION)


def _deflate(data: memoryview, level: int, last: bool) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)  # raw deflate, as in a zip entry
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


@dataclass
class _Part:
    info: zipfile.ZipInfo
    size: int
    crc: Future[int]
    slices: list[Future[bytes]]


class ThreadedZip:
    """The part of ``zipfile.ZipFile`` that xlsxwriter's ``_store_workbook`` uses (the constructor,
    ``compression``, ``writestr``, ``write``, ``close``), for writing a new file with deflated parts."""

    def __init__(
        self,
        file: str | os.PathLike[str],
        mode: str = "w",
        compression: int = zipfile.ZIP_DEFLATED,
        allowZip64: bool = False,  # zipfile's name
        *,
        level: int,
        workers: int | None = None,
    ) -> None:
        if mode != "w" or compression != zipfile.ZIP_DEFLATED:
            raise ValueError("ThreadedZip only writes new files of deflated parts")
        self.file = Path(file)
        self.compression = compression
        self.allow_zip64 = allowZip64  # accepted, but ZIP64 is never written (see the module)
        self.level = level
        self.workers = workers or min(4, os.cpu_count() or 1)
        self.parts: list[_Part] = []
        self._pool: ThreadPoolExecutor | None = None

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: str | bytes,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        info = zinfo_or_arcname
        if not isinstance(info, zipfile.ZipInfo):
            info = zipfile.ZipInfo(info, (1980, 1, 1, 0, 0, 0))
        if compress_type not in (None, zipfile.ZIP_DEFLATED):
            raise ValueError("ThreadedZip only writes deflated parts")
        level = self.level if compresslevel is None else compresslevel
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="qkaward-zip")
        self._wait_for_room()
        view = memoryview(data)
        starts = range(0, max(len(data), 1), SLICE)
        last = starts[-1]
        slices = [self._pool.submit(_deflate, view[s : s + SLICE], level, s == last) for s in starts]
        self.parts.append(_Part(info, len(data), self._pool.submit(zlib.crc32, data), slices))

    def write(self, filename: str | os.PathLike[str], arcname: str | None = None) -> None:
        """A file from disk as a part (xlsxwriter's way when not ``in_memory``)."""
        self.writestr(zipfile.ZipInfo.from_file(filename, arcname), Path(filename).read_bytes())

    def _wait_for_room(self) -> None:
        pending = [p for p in self.parts if not all(f.done() for f in p.slices)]
        while pending and sum(p.size for p in pending) > PENDING:
            for f in pending.pop(0).slices:
                f.result()

    def close(self) -> None:
        """Write the file: every part once deflated, in the order given, then the directory."""
        try:
            with self.file.open("wb") as out:
                directory = [self._write_part(out, part) for part in self.parts]
                start = out.tell()
                for entry in directory:
                    out.write(entry)
                size = out.tell() - start
                if start > _LIMIT or len(directory) > 0xFFFF:
                    raise zipfile.LargeZipFile("the zip file would need ZIP64 extensions")
                out.write(_END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), size, start, 0))
        finally:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
            self.parts = []

    def _write_part(self, out: BinaryIO, part: _Part) -> bytes:
        """The local header and data of ``part`` into ``out``; its central directory entry."""
        info = part.info
        body = b"".join(f.result() for f in part.slices)
        offset = out.tell()
        if part.size > _LIMIT or len(body) > _LIMIT or offset > _LIMIT:
            raise zipfile.LargeZipFile(f"{info.filename} would need ZIP64 extensions")
        try:
            name, flags = info.filename.encode("ascii"), info.flag_bits
        except UnicodeEncodeError:
            name, flags = info.filename.encode("utf-8"), info.flag_bits | 0x800
        year, month, day, hour, minute, second = info.date_time
        date = (year - 1980) << 9 | month << 5 | day
        time = hour << 11 | minute << 5 | second // 2
        crc, method = part.crc.result(), zipfile.ZIP_DEFLATED
        version = max(info.extract_version, _VERSION)
        header = (version, 0, flags, method, time, date, crc, len(body), part.size, len(name), 0)
        out.write(_LOCAL.pack(b"PK\x03\x04", *header))
        out.write(name)
        out.write(body)
        external = info.external_attr or 0o600 << 16  # as zipfile: ?rw------- when none given
        sizes = (crc, len(body), part.size, len(name), 0, 0)  # no extra field, no comment
        entry = (max(info.create_version, version), info.create_system, version, 0, flags, method, time, date)
        disk = (0, info.internal_attr, external, offset)
        return _CENTRAL.pack(b"PK\x01\x02", *entry, *sizes, *disk) + name
