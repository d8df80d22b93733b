"""Content hashes that decide whether earlier work can be reused: of a file's bytes, of the column
configuration and of qkaward's own code. Used by the parsed-input cache and the results memo; no
Polars here, so that a memo hit starts quickly."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from qkaward import __version__
from qkaward.inputs.columns import ColumnConfig

PACKAGE = Path(__file__).resolve().parent


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_config(cfg: ColumnConfig) -> str:
    """A hash of the column configuration that is the same in every process (sets sorted: the
    printed order of a frozenset changes with Python's per-process hash seed)."""

    def plain(value: object) -> object:
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        return str(value)

    text = json.dumps(asdict(cfg), sort_keys=True, ensure_ascii=False, default=plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The version and a hash of qkaward's own source files: a developer's edit that changes how a
    file is read (or a result computed) never meets an entry written by the code before it."""
    h = hashlib.sha256(__version__.encode("utf-8"))
    for path in sorted(PACKAGE.rglob("*.py")):
        h.update(path.relative_to(PACKAGE).as_posix().encode("utf-8"))
        h.update(path.read_bytes())
    return h.hexdigest()
