"""The threaded zip writer gives back every part exactly, with the headers zipfile writes, in slices
and under back-pressure; it fails like zipfile where a part would need ZIP64."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from qkaward.render import zipparts
from qkaward.render.zipparts import ThreadedZip

HEADER_FIELDS = (
    "filename",
    "date_time",
    "compress_type",
    "create_system",
    "create_version",
    "extract_version",
    "flag_bits",
    "internal_attr",
    "external_attr",
    "file_size",
    "CRC",
    "extra",
    "comment",
)


def _parts() -> list[tuple[zipfile.ZipInfo, bytes]]:
    rng = random.Random(7)
    xml = "".join(f'<row r="{i}"><c r="A{i}" s="3" t="s"><v>{i * 7}</v></c></row>' for i in range(40_000))
    parts = [
        ("[Content_Types].xml", b""),  # empty
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", xml.encode()),  # many slices at SLICE = 64 KiB
        ("xl/media/noise.bin", rng.randbytes(300_000)),  # incompressible
        ("xl/sharedStrings.xml", "硚口区“四个一批”".encode() * 5_000),
        ("docProps/名称.xml", b"<x/>"),  # a non-ASCII name: the UTF-8 flag
    ]
    return [(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data) for name, data in parts]


def _write(path: Path, writer: type, parts: list[tuple[zipfile.ZipInfo, bytes]], **options) -> None:
    archive = writer(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=False, **options)
    for info, data in parts:
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)
    archive.close()


def test_parts_read_back_exactly_with_zipfiles_headers(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(zipparts, "SLICE", 64 << 10)
    parts = _parts()
    _write(tmp_path / "threaded.zip", ThreadedZip, parts, level=3, workers=2)
    _write(tmp_path / "zipfile.zip", zipfile.ZipFile, _parts())
    with zipfile.ZipFile(tmp_path / "threaded.zip") as got, zipfile.ZipFile(tmp_path / "zipfile.zip") as want:
        assert got.testzip() is None  # every CRC-32 checks
        assert got.namelist() == [info.filename for info, _ in parts]
        for (info, data), a, b in zip(parts, got.infolist(), want.infolist(), strict=True):
            assert got.read(info.filename) == data
            assert {f: getattr(a, f) for f in HEADER_FIELDS} == {f: getattr(b, f) for f in HEADER_FIELDS}
        sheet = got.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size > 10 * zipparts.SLICE and sheet.compress_size < sheet.file_size / 5
        assert got.getinfo("docProps/名称.xml").flag_bits & 0x800


def test_writestr_waits_when_too_much_is_waiting_to_be_deflated(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(zipparts, "PENDING", 0)
    archive = ThreadedZip(tmp_path / "x.zip", level=1, workers=1)
    parts = _parts()
    for i, (info, data) in enumerate(parts):
        archive.writestr(info, data)
        # with no room, each call first waited for every part before it that had bytes to deflate
        assert all(f.done() for part in archive.parts[:i] if part.size for f in part.slices)
    archive.close()
    with zipfile.ZipFile(tmp_path / "x.zip") as got:
        assert [got.read(info.filename) for info, _ in parts] == [data for _, data in parts]


def test_a_part_beyond_the_zip_limits_fails_as_in_zipfile(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(zipparts, "_LIMIT", 1000)  # stands in for 4 GiB
    archive = ThreadedZip(tmp_path / "x.zip", level=1)
    archive.writestr("small.xml", b"<a/>")
    archive.writestr("large.xml", b"x" * 5000)
    with pytest.raises(zipfile.LargeZipFile, match=r"large\.xml"):
        archive.close()
    assert archive._pool is not None and archive._pool._shutdown


def test_only_new_files_of_deflated_parts(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        ThreadedZip(tmp_path / "x.zip", "a", level=1)
    with pytest.raises(ValueError):
        ThreadedZip(tmp_path / "x.zip", "w", zipfile.ZIP_STORED, level=1)
    archive = ThreadedZip(tmp_path / "x.zip", level=1)
    with pytest.raises(ValueError):
        archive.writestr("a.xml", b"<a/>", compress_type=zipfile.ZIP_STORED)
    archive.close()
    with zipfile.ZipFile(tmp_path / "x.zip") as got:
        assert got.namelist() == []


def test_a_file_that_cannot_be_written_raises_the_os_error(tmp_path: Path) -> None:
    archive = ThreadedZip(tmp_path / "no such folder" / "x.zip", level=1)
    archive.writestr("a.xml", b"<a/>")
    with pytest.raises(FileNotFoundError):
        archive.close()
    assert archive._pool is not None and archive._pool._shutdown
