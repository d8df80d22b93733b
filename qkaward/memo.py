"""The results memo: a rerun on unchanged inputs gives back the output it gave before, uncomputed.

A cron job that writes the award list every night, or an analyst who runs ``awards --format json``
again, would otherwise re-read and re-compute everything. The machine output of a computing command
(JSON or CSV; it carries no time stamp) is stored under a key made of everything it depends on:

- the command and format;
- each input file's role, the name it is shown under and the SHA-256 of its bytes;
- the column configuration, the policy file (its path and bytes) and every ``--set``, unparsed;
- the NBS standard file the policy names: finding it means reading the policy as TOML (~17 ms, a
  tenth of a rerun), so the key leaves it out and each entry notes it (``<key>.standard``: its path
  and SHA-256, taken before the run was computed); a hit needs the file to hash the same still;
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
from qkaward.policy_files import DEFAULT_POLICY, read_raw, standard_path

if TYPE_CHECKING:
    import polars as pl

FOLDER = "results"
#: Suffix of an entry's note on the NBS standard it was computed with.
NOTE = ".standard"


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
    is not readable (the run itself then reports it). The NBS standard is checked by :func:`load`."""
    if spec.cache is None:
        return None
    policy_file = (Path(policy) if policy is not None else DEFAULT_POLICY).resolve()
    parts = [output, str(year), code_fingerprint(), str(policy_file), "\x1e".join(overrides)]
    try:
        parts.append(sha256_of(policy_file))
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


def standard_note(policy: Path | None, overrides: Sequence[str]) -> str | None:
    """The NBS standard file the policy names, and its SHA-256 (one line each): what an entry keeps
    for :func:`load` to check. None when it cannot be found (the run then goes unremembered)."""
    path = Path(policy) if policy is not None else DEFAULT_POLICY
    try:
        _, raw = read_raw(path, overrides)
        standard = standard_path(path, raw["policy"]["four_above_standard"]["value"])
        return f"{standard}\n{sha256_of(standard)}"
    except (QkawardError, OSError, KeyError, TypeError):
        return None


def load(spec: InputSpec, key: str | None) -> bytes | None:
    """The remembered output (UTF-8 bytes, written back as they are), or None — also when the NBS
    standard file it was computed with has changed since."""
    if key is None or spec.cache is None:
        return None
    entry = spec.cache / FOLDER / key
    try:
        standard, digest = entry.with_suffix(NOTE).read_text(encoding="utf-8").split("\n")
        if sha256_of(Path(standard)) != digest:
            return None
        return entry.read_bytes()
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def store(spec: InputSpec, key: str | None, text: str | bytes, note: str | None) -> None:
    """Remember ``text`` under ``key`` with its :func:`standard_note`; a failure leaves the memo as
    it was (an entry without its note is never used)."""
    if key is None or spec.cache is None or note is None:
        return
    folder: Path = spec.cache / FOLDER
    with contextlib.suppress(OSError, QkawardError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(folder / key, text)
        write_atomic((folder / key).with_suffix(NOTE), note)
