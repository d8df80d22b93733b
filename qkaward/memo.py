"""The results memo: a rerun on unchanged inputs gives back the output it gave before, uncomputed.

A cron job that writes the award list every night, or an analyst who runs ``awards --format json``
again, would otherwise re-read and re-compute everything. The machine output of a computing command
(JSON or CSV; it carries no time stamp) is stored under a key made of everything it depends on:

- the command and format;
- each input file's role, the name it is shown under and the SHA-256 of its bytes;
- the column configuration, the policy file and the NBS standard (SHA-256) and every ``--set``
  (:func:`qkaward.policy_files.fingerprint`: read as TOML, the policy itself is not built);
- the year, and the awards already recorded in the ledger (a commit or a void changes the key);
- the qkaward version and a fingerprint of its code.

Any change to one of them is a miss and the run is computed afresh. Entries live in the results
folder of the cache (``<cache>/results``), written atomically; ``--no-cache`` bypasses the memo
like the parsed-input cache, and an entry that cannot be read or written is simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qkaward.atomic import write_atomic
from qkaward.errors import QkawardError
from qkaward.fingerprint import code_fingerprint, sha256_of
from qkaward.inputs.columns import columns_file
from qkaward.inputs.workspace import InputSpec
from qkaward.policy_files import fingerprint

if TYPE_CHECKING:
    import polars as pl

FOLDER = "results"


def run_key(
    spec: InputSpec,
    policy: Path | None,
    overrides: Sequence[str],
    year: int,
    paid: pl.DataFrame | None,
    output: str,
) -> str | None:
    """The memo key of one run's ``output`` (e.g. ``"awards/json"``) with the policy file ``policy``
    (None: the bundled one) and ``overrides``, or None when the memo is off (``--no-cache``) or a file
    is not readable (the run itself then reports it)."""
    if spec.cache is None:
        return None
    policy_key = fingerprint(policy, overrides)
    if policy_key is None:
        return None
    parts = [output, str(year), code_fingerprint(), policy_key]
    try:
        # the column configuration by its file's bytes (what load_columns() is built from), unparsed
        parts.append(sha256_of(columns_file()))
        parts += [f"{role}\x1e{spec.label(path)}\x1e{sha256_of(path)}" for role, path in spec.files]
    except OSError:
        return None
    if paid is not None:
        text = io.StringIO()
        paid.write_csv(text)
        parts.append(hashlib.sha256(text.getvalue().encode("utf-8")).hexdigest())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def load(spec: InputSpec, key: str | None) -> bytes | None:
    """The remembered output (UTF-8 bytes, written back as they are), or None."""
    if key is None or spec.cache is None:
        return None
    try:
        return (spec.cache / FOLDER / key).read_bytes()
    except OSError:
        return None


def store(spec: InputSpec, key: str | None, text: str | bytes) -> None:
    """Remember ``text`` under ``key``; a failure leaves the memo as it was."""
    if key is None or spec.cache is None:
        return
    folder: Path = spec.cache / FOLDER
    with contextlib.suppress(OSError, QkawardError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(folder / key, text)
