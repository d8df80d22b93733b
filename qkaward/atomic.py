"""Atomic file writes: a temporary file beside the target, then ``os.replace``.

Nobody ever opens a half-written report: the target either keeps its old content or has the new.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from qkaward.errors import WriteError

#: Chinese reasons for the write failures people meet (full disk, no permission, read-only).
REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限（文件夹可能被锁定）",
    errno.EROFS: "文件系统为只读",
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "目标是一个文件夹",
}
#: Temp files of writes that were killed before their rename are removed after this many seconds.
STALE_SECONDS = 600


def reason(exc: OSError) -> str:
    """A Chinese reason for an OS error."""
    return REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}")


def _os_error(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc`` (itself, or what it was raised from — xlsxwriter wraps them)."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _remove_stale(directory: Path, name: str) -> None:
    """Temp files of earlier writes of ``name`` that were killed before their rename."""
    now = time.time()
    for old in directory.glob(f".{glob.escape(name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success it replaces ``target``, on failure it is removed."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise WriteError(f"输出目录不存在：{directory}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WriteError(f"无法在 {directory} 中写入文件：{reason(exc)}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except Exception as exc:
        cause = _os_error(exc)
        if cause is None:
            raise
        raise WriteError(f"无法写入 {target}：{reason(cause)}，原有文件未改动") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
    _remove_stale(directory, target.name)


def write_atomic(target: Path, data: bytes | str | Callable[[Path], None]) -> None:
    """Write bytes, text (UTF-8) or whatever ``data(path)`` writes, atomically to ``target``."""
    with atomic_path(target) as tmp:
        if callable(data):
            data(tmp)
        else:
            tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
