"""The parsed-input cache: a file already read is not parsed again while its bytes are unchanged.

An entry is keyed by the SHA-256 of the file's content, the role, the name the file is shown
under, the column configuration and the qkaward version — any change to one of them is a miss.
It holds the canonical frame and the problems as Parquet plus the file summary as JSON, written
to a temporary folder and renamed into place, so a reader never sees half an entry. The cache is
an optimisation only: an entry that cannot be written or read is ignored (the file is parsed).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import polars as pl

from qkaward.fingerprint import code_fingerprint, hash_config
from qkaward.inputs.columns import ColumnConfig
from qkaward.inputs.read import RoleRead
from qkaward.schema import InputFile


def entry_key(sha256: str, role: str, label: str, cfg: ColumnConfig) -> str:
    """The cache key of one read."""
    parts = [sha256, role, label, str(hash_config(cfg)), code_fingerprint()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def load(directory: Path, key: str) -> RoleRead | None:
    """The cached read, or None on a miss or an unreadable entry."""
    entry = directory / key
    try:
        frame = pl.read_parquet(entry / "frame.parquet")
        problems = pl.read_parquet(entry / "problems.parquet")
        meta = json.loads((entry / "file.json").read_text(encoding="utf-8"))
        info = InputFile(**{k: tuple(v) if isinstance(v, list) else v for k, v in meta.items()})
    except (OSError, ValueError, TypeError, pl.exceptions.PolarsError):
        return None
    return RoleRead(frame, problems, info)


def store(directory: Path, key: str, read: RoleRead) -> None:
    """Write an entry atomically; any failure leaves the cache as it was."""
    with contextlib.suppress(OSError, pl.exceptions.PolarsError):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory))
        try:
            read.frame.write_parquet(tmp / "frame.parquet")
            read.problems.write_parquet(tmp / "problems.parquet")
            (tmp / "file.json").write_text(
                json.dumps(asdict(read.file), ensure_ascii=False), encoding="utf-8"
            )
            os.replace(tmp, directory / key)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
