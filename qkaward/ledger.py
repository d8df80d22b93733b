"""The award ledger: what has been paid, so that a one-time award is never paid twice (issue [3/6]).

One SQLite file per workspace (standard library :mod:`sqlite3`, WAL mode, foreign keys on), created with
owner-only permissions. Three tables:

``runs``
    one row per write: time, qkaward version, command line, policy id and SHA-256, award year and the
    inputs as JSON ``[{"path": …, "sha256": …}]``.
``awards``
    one row per recorded award line (always ``status = 'confirmed'``), with the run that recorded it and
    its ``source``: ``run`` (``qkaward awards --commit``), ``import`` (past payments) or ``confirm`` (a
    ``needs_review`` line confirmed by hand, with the reason).
``voids``
    one row per cancelled award. Nothing is ever deleted or edited: triggers refuse ``DELETE`` and
    ``UPDATE``, except the flip of ``awards.active`` from 1 to 0 that a trigger on ``voids`` performs in
    the same transaction as the void itself.

Uniqueness lives in the database, not in Python: a partial unique index on
``(credit_code, award, subject)`` for active one-time awards, and on ``(credit_code, award, subject,
year)`` for active yearly awards (``ladder.growth.*``, ``incubator.hightech``).

Every write takes a :class:`filelock.FileLock` on ``<ledger>.lock`` and runs as one
``BEGIN IMMEDIATE … COMMIT`` transaction, so a second process waits (then fails with
:class:`~qkaward.errors.LockError`) and a process killed at any moment leaves the ledger as it was
before or after, never between.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import re
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import filelock
import polars as pl

from qkaward.errors import ConfigError, InputError, LockError, UsageError, WriteError
from qkaward.privacy import mask_id

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "LEDGER_CONFIG",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AwardKind",
    "CommitResult",
    "Ledger",
    "RunInfo",
    "award_catalog",
    "is_yearly",
    "mask_subject",
    "resolve_award",
]

#: Award ids, labels and aliases (see the file's comments).
LEDGER_CONFIG = Path(__file__).resolve().parent.parent / "config" / "ledger.toml"

#: Prefixes of the awards paid every year they are earned (SPEC §2, §5). Used for ids the catalog lacks.
YEARLY_PREFIXES = ("ladder.growth.", "incubator.hightech")

_PRIVATE_FILE = 0o600

#: Records as dicts (an alias, because ``Ledger.list`` shadows the builtin inside the class body).
_Rows = list[dict[str, Any]]

# --------------------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------------------

_V1: tuple[str, ...] = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        version TEXT NOT NULL,
        command TEXT NOT NULL,
        policy_id TEXT NOT NULL,
        policy_sha256 TEXT NOT NULL,
        year INTEGER,
        inputs TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE awards (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        credit_code TEXT NOT NULL,
        name TEXT NOT NULL,
        award TEXT NOT NULL,
        year INTEGER NOT NULL,
        amount_yuan INTEGER NOT NULL CHECK (amount_yuan >= 0),
        clause TEXT NOT NULL DEFAULT '',
        department TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status = 'confirmed'),
        reason TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL CHECK (source IN ('run', 'import', 'confirm')),
        created TEXT NOT NULL
    )""",
    """CREATE TABLE voids (
        id INTEGER PRIMARY KEY,
        award_row_id INTEGER NOT NULL UNIQUE REFERENCES awards(id),
        reason TEXT NOT NULL CHECK (reason <> ''),
        time TEXT NOT NULL,
        run_id INTEGER REFERENCES runs(id),
        actor TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX awards_run ON awards(run_id)",
)

_V2: tuple[str, ...] = (
    # What a one-time award is once-per besides the enterprise: "" (the enterprise), a carrier, a person.
    "ALTER TABLE awards ADD COLUMN subject TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE awards ADD COLUMN label TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE awards ADD COLUMN one_time INTEGER NOT NULL DEFAULT 1 CHECK (one_time IN (0, 1))",
    "ALTER TABLE awards ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))",
    "ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'commit'",
    "UPDATE awards SET one_time = 0 WHERE award GLOB 'ladder.growth.*' OR award GLOB 'incubator.hightech*'",
    "UPDATE awards SET active = 0 WHERE id IN (SELECT award_row_id FROM voids)",
    """CREATE UNIQUE INDEX awards_once ON awards(credit_code, award, subject)
        WHERE active = 1 AND one_time = 1""",
    """CREATE UNIQUE INDEX awards_yearly ON awards(credit_code, award, subject, year)
        WHERE active = 1 AND one_time = 0""",
    "CREATE INDEX awards_code ON awards(credit_code, award)",
    # Append-only: nothing is deleted or edited; a void is a record of its own.
    """CREATE TRIGGER awards_no_delete BEFORE DELETE ON awards
        BEGIN SELECT RAISE(ABORT, '账本记录不可删除，请用作废（void）'); END""",
    """CREATE TRIGGER awards_no_edit BEFORE UPDATE OF id, run_id, credit_code, name, award, year,
        amount_yuan, clause, department, status, reason, source, created, subject, label, one_time ON awards
        BEGIN SELECT RAISE(ABORT, '账本记录不可修改，请作废后重新记录'); END""",
    """CREATE TRIGGER awards_void_only BEFORE UPDATE OF active ON awards
        WHEN NOT (OLD.active = 1 AND NEW.active = 0
                  AND EXISTS (SELECT 1 FROM voids WHERE award_row_id = OLD.id))
        BEGIN SELECT RAISE(ABORT, '只能通过作废记录使奖励失效'); END""",
    """CREATE TRIGGER voids_flip AFTER INSERT ON voids
        BEGIN UPDATE awards SET active = 0 WHERE id = NEW.award_row_id; END""",
    """CREATE TRIGGER voids_no_delete BEFORE DELETE ON voids
        BEGIN SELECT RAISE(ABORT, '作废记录不可删除'); END""",
    """CREATE TRIGGER voids_no_edit BEFORE UPDATE ON voids
        BEGIN SELECT RAISE(ABORT, '作废记录不可修改'); END""",
    """CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
        BEGIN SELECT RAISE(ABORT, '运行记录不可删除'); END""",
    """CREATE TRIGGER runs_no_edit BEFORE UPDATE ON runs
        BEGIN SELECT RAISE(ABORT, '运行记录不可修改'); END""",
)

#: ``MIGRATIONS[i]`` takes a ledger from ``user_version`` i to i + 1. v1: runs, awards, voids;
#: v2: subject, label, one-time/active columns, the uniqueness indexes and the append-only triggers.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)

# --------------------------------------------------------------------------------------------------
# Public data classes and frame schemas
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunInfo:
    """What a write records about the run that made it (the ``runs`` table)."""

    command: str
    policy_id: str
    policy_sha256: str
    year: int | None
    inputs: tuple[tuple[str, str], ...]  # (path, sha256) of every input file
    version: str


@dataclass(frozen=True)
class CommitResult:
    """Counts of one write.

    ``already_present``: lines identical (enterprise, award, subject, year, amount) to an active record.
    ``conflicting``: lines whose one-time award (or yearly award for that year) is already recorded with
    another year or amount; they are not recorded — the award was already paid.
    """

    recorded: int
    already_present: int
    skipped_needs_review: int
    run_id: int | None
    conflicting: int = 0


@dataclass(frozen=True)
class AwardKind:
    """One known award id (config/ledger.toml)."""

    id: str
    label: str
    clause: str
    department: str
    yearly: bool


PAID_SCHEMA: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "award": pl.String(),
    "year": pl.Int32(),
    "amount_yuan": pl.Int64(),
    "subject": pl.String(),
    "name": pl.String(),
}

LIST_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "run_id": pl.Int64(),
    "credit_code": pl.String(),
    "name": pl.String(),
    "award": pl.String(),
    "label": pl.String(),
    "year": pl.Int32(),
    "amount_yuan": pl.Int64(),
    "clause": pl.String(),
    "department": pl.String(),
    "status": pl.String(),
    "reason": pl.String(),
    "subject": pl.String(),
    "source": pl.String(),
    "created": pl.String(),
    "voided": pl.Boolean(),
    "void_reason": pl.String(),
    "void_time": pl.String(),
}

RUNS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "time": pl.String(),
    "kind": pl.String(),
    "version": pl.String(),
    "command": pl.String(),
    "policy_id": pl.String(),
    "policy_sha256": pl.String(),
    "year": pl.Int32(),
    "inputs": pl.String(),
    "awards": pl.Int64(),
}

_LIST_SQL = """
    SELECT a.id, a.run_id, a.credit_code, a.name, a.award, a.label, a.year, a.amount_yuan, a.clause,
           a.department, a.status, a.reason, a.subject, a.source, a.created,
           a.active = 0 AS voided, v.reason AS void_reason, v.time AS void_time
    FROM awards a LEFT JOIN voids v ON v.award_row_id = a.id
"""

_RUNS_SQL = """
    SELECT r.id, r.time, r.kind, r.version, r.command, r.policy_id, r.policy_sha256, r.year, r.inputs,
           (SELECT count(*) FROM awards a WHERE a.run_id = r.id) AS awards
    FROM runs r ORDER BY r.id
"""

# --------------------------------------------------------------------------------------------------
# Award catalog
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, AwardKind], dict[str, str]]:
    """Known award kinds by id, and every accepted spelling (id, label, alias) → id."""
    try:
        data = tomllib.loads(LEDGER_CONFIG.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"无法读取奖励项目配置 {LEDGER_CONFIG}：{err}") from err
    kinds: dict[str, AwardKind] = {}
    names: dict[str, str] = {}
    for award_id, entry in data.get("awards", {}).items():
        kind = AwardKind(
            id=award_id,
            label=str(entry.get("label", "")),
            clause=str(entry.get("clause", "")),
            department=str(entry.get("department", "")),
            yearly=bool(entry.get("yearly", award_id.startswith(YEARLY_PREFIXES))),
        )
        kinds[award_id] = kind
        for spelling in (award_id, kind.label, *entry.get("aliases", [])):
            if spelling:
                names[_spelling_key(str(spelling))] = award_id
    return kinds, names


def _spelling_key(text: str) -> str:
    """Compare award spellings ignoring spaces, full-width parentheses and case."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").casefold()


def award_catalog() -> dict[str, AwardKind]:
    """The award kinds of config/ledger.toml, by id."""
    return dict(_catalog()[0])


def resolve_award(text: str | None) -> str | None:
    """The award id for an id, Chinese label or alias; ``None`` when it is not a known award."""
    if text is None:
        return None
    return _catalog()[1].get(_spelling_key(text))


def is_yearly(award: str) -> bool:
    """True for awards paid each year they are earned; every other award is one-time."""
    kind = _catalog()[0].get(award)
    return kind.yearly if kind else award.startswith(YEARLY_PREFIXES)


_ID_NUMBER = re.compile(r"^(?:\d{17}[\dXx]|\d{15})$")


def mask_subject(subject: str | None) -> str:
    """Mask a subject that looks like a resident ID number: first 4 and last 4 characters kept."""
    if not subject:
        return ""
    text = subject.strip()
    if _ID_NUMBER.match(text):
        return mask_id(text)
    return subject


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------


def _now() -> str:
    """The current UTC time, ISO 8601 with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _actor() -> str:
    """The OS user performing a void, when known."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no LOGNAME
        return ""


@contextlib.contextmanager
def _private_umask() -> Iterator[None]:
    """Create files owner-only (umask 0o077) inside the block."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _create_file(path: Path) -> None:
    """Create an empty ledger file readable and writable by its owner only."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
    except FileExistsError:
        return
    except OSError as err:
        raise WriteError(f"无法创建账本文件 {path}：{err.strerror or err}") from err
    os.close(fd)


def _where(row: dict[str, Any], index: int) -> str:
    """How a message names a row: the spreadsheet row when known, else its position."""
    src_row = row.get("src_row")
    prefix = f"{row['src_file']} " if row.get("src_file") else ""
    if src_row is not None:
        return f"{prefix}第 {src_row} 行"
    return f"{prefix}第 {index + 1} 条记录"


def _text(value: Any) -> str:
    """A text cell: ``None`` → ``""``."""
    return "" if value is None else str(value)


def _check_reason(reason: str, what: str) -> str:
    """A non-blank reason, stripped."""
    text = (reason or "").strip()
    if not text:
        raise UsageError(f"{what}必须说明原因（--reason）")
    return text


# --------------------------------------------------------------------------------------------------
# The ledger
# --------------------------------------------------------------------------------------------------


class Ledger:
    """An open ledger file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock_timeout: float) -> None:
        """Wrap an open connection; use :meth:`open` instead."""
        self.path = path
        self._conn = conn
        self._lock_path = Path(f"{path}.lock")
        self._lock = filelock.FileLock(str(self._lock_path), timeout=lock_timeout, mode=_PRIVATE_FILE)

    # -- opening ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, create: bool = True, lock_timeout: float = 10.0) -> Ledger:
        """Open (and with ``create``, create) the ledger at ``path``, migrating an older schema.

        Raises :class:`InputError` when the file is missing (``create=False``), is not a qkaward ledger or
        was written by a newer qkaward; :class:`LockError` when a migration cannot take the lock.
        """
        path = Path(path)
        if not path.exists():
            if not create:
                raise InputError(f"账本文件不存在：{path}")
            with _private_umask():
                _create_file(path)
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=max(lock_timeout, 0.1))
        except sqlite3.Error as err:
            raise InputError(f"无法打开账本 {path}：{err}") from err
        ledger = cls(path, conn, lock_timeout)
        try:
            ledger._prepare()
        except BaseException:
            conn.close()
            raise
        return ledger

    def _prepare(self) -> None:
        """Set connection pragmas and bring the schema to :data:`SCHEMA_VERSION`."""
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = FULL")
            version = self._user_version()
        except sqlite3.OperationalError as err:  # unreadable, locked beyond the timeout …
            raise InputError(f"无法打开账本 {self.path}：{err}") from err
        except sqlite3.DatabaseError as err:  # SQLITE_NOTADB
            raise InputError(f"{self.path} 不是 qkaward 账本（SQLite 数据库）：{err}") from err
        if version > SCHEMA_VERSION:
            raise InputError(
                f"账本 {self.path} 由更新版本的 qkaward 创建（架构版本 {version}，"
                f"本程序支持 {SCHEMA_VERSION}），请升级 qkaward"
            )
        if version < SCHEMA_VERSION:
            with _private_umask():
                self._migrate()

    def _user_version(self) -> int:
        """``PRAGMA user_version``: the schema version of the file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Apply the pending migrations in one transaction under the file lock."""
        with self._write_lock():
            if self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise WriteError(f"无法将账本 {self.path} 设为 WAL 模式")
            with self._transaction_unlocked():
                version = self._user_version()  # another process may have migrated meanwhile
                if version == 0 and self._has_tables():
                    raise InputError(f"{self.path} 不是 qkaward 账本：文件中已有其他数据表")
                for step in MIGRATIONS[version:]:
                    for statement in step:
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _has_tables(self) -> bool:
        """True when the database already holds tables (of something other than qkaward)."""
        row = self._conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
        return bool(row[0])

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> Ledger:
        """Enter: the ledger itself."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Leave: close the connection."""
        self.close()

    # -- locking and transactions ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Hold the ledger's file lock, or raise :class:`LockError` after the timeout."""
        try:
            with _private_umask():
                self._lock.acquire()
        except filelock.Timeout as err:
            raise LockError(
                f"账本正被另一个 qkaward 进程使用（锁文件 {self._lock_path}），请稍后重试"
            ) from err
        except OSError as err:
            raise WriteError(f"无法创建账本锁文件 {self._lock_path}：{err.strerror or err}") from err
        try:
            yield
        finally:
            self._lock.release()

    @contextlib.contextmanager
    def _transaction_unlocked(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE … COMMIT``; roll back on any error. The caller holds the file lock."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise LockError(f"账本 {self.path} 正被另一个进程写入，请稍后重试（{err}）") from err
        try:
            yield self._conn
            self._conn.execute("COMMIT")
        except BaseException as err:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise WriteError(f"写入账本 {self.path} 失败，未做任何更改：{err}") from err
            raise

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write: the file lock, then one immediate transaction."""
        with self._write_lock(), _private_umask(), self._transaction_unlocked() as conn:
            yield conn

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same state."""
        self._conn.execute("BEGIN")
        try:
            yield self._conn
        finally:
            self._conn.execute("COMMIT")

    # -- writing --------------------------------------------------------------------------------------

    def _insert_run(self, conn: sqlite3.Connection, run: RunInfo, kind: str) -> int:
        """Record one run; its id."""
        inputs = json.dumps([{"path": p, "sha256": s} for p, s in run.inputs], ensure_ascii=False)
        cur = conn.execute(
            "INSERT INTO runs (time, kind, version, command, policy_id, policy_sha256, year, inputs)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_now(), kind, run.version, run.command, run.policy_id, run.policy_sha256, run.year, inputs),
        )
        return int(cur.lastrowid or 0)

    def _existing(self, conn: sqlite3.Connection, row: dict[str, Any]) -> tuple[int, int, int] | None:
        """The active record holding the same award (id, year, amount), if any."""
        if is_yearly(row["award"]):
            sql = (
                "SELECT id, year, amount_yuan FROM awards WHERE active = 1 AND one_time = 0"
                " AND credit_code = ? AND award = ? AND subject = ? AND year = ?"
            )
            params: tuple[Any, ...] = (row["credit_code"], row["award"], row["subject"], row["year"])
        else:
            sql = (
                "SELECT id, year, amount_yuan FROM awards WHERE active = 1 AND one_time = 1"
                " AND credit_code = ? AND award = ? AND subject = ?"
            )
            params = (row["credit_code"], row["award"], row["subject"])
        found = conn.execute(sql, params).fetchone()
        return (int(found[0]), int(found[1]), int(found[2])) if found else None

    def _insert_award(self, conn: sqlite3.Connection, row: dict[str, Any], run_id: int, source: str) -> None:
        """Insert one award record (the caller checked it is not present)."""
        conn.execute(
            "INSERT INTO awards (run_id, credit_code, name, award, label, year, amount_yuan, clause,"
            " department, status, reason, subject, source, created, one_time, active)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?, 1)",
            (
                run_id,
                row["credit_code"],
                row["name"],
                row["award"],
                row["label"],
                row["year"],
                row["amount_yuan"],
                row["clause"],
                row["department"],
                row["reason"],
                row["subject"],
                source,
                _now(),
                0 if is_yearly(row["award"]) else 1,
            ),
        )

    def _record(
        self, conn: sqlite3.Connection, rows: _Rows, run_id: int, source: str
    ) -> tuple[int, int, int]:
        """Record rows not yet present; (recorded, already_present, conflicting)."""
        recorded = present = conflicting = 0
        for row in rows:
            existing = self._existing(conn, row)
            if existing is None:
                self._insert_award(conn, row, run_id, source)
                recorded += 1
            elif existing[1:] == (row["year"], row["amount_yuan"]):
                present += 1
            else:
                conflicting += 1
        return recorded, present, conflicting

    def commit(self, lines: pl.DataFrame, run: RunInfo) -> CommitResult:
        """Record the ``confirmed`` award lines of a run in one transaction under the file lock.

        ``needs_review`` lines are counted and left out. Lines already recorded identically count as
        ``already_present``; lines whose award is already recorded with another year or amount count as
        ``conflicting`` — neither is recorded again.
        """
        rows = _award_line_rows(lines)
        confirmed = [r for r in rows if r["status"] == "confirmed"]
        with self._transaction() as conn:
            run_id = self._insert_run(conn, run, "commit")
            recorded, present, conflicting = self._record(conn, confirmed, run_id, "run")
        return CommitResult(recorded, present, len(rows) - len(confirmed), run_id, conflicting)

    def confirm(
        self,
        keys: Sequence[tuple[str, str]] | pl.DataFrame,
        lines: pl.DataFrame,
        reason: str,
        run: RunInfo,
    ) -> CommitResult:
        """Confirm ``needs_review`` lines by hand and record them, with the reason, in one transaction.

        ``keys`` are ``(credit_code, award)`` pairs (award as id, label or alias) or a frame with those
        columns; ``lines`` the award lines of the run they come from. Every line of a key that is
        ``needs_review`` is recorded as ``confirmed`` with source ``confirm``. A key matching no
        ``needs_review`` line raises :class:`InputError` and nothing is recorded.
        """
        why = _check_reason(reason, "确认待复核奖励")
        wanted = _confirm_keys(keys)
        rows = [r for r in _award_line_rows(lines) if r["status"] == "needs_review"]
        chosen = [r for r in rows if (r["credit_code"], r["award"]) in wanted]
        missing = wanted - {(r["credit_code"], r["award"]) for r in chosen}
        if missing:
            shown = "；".join(f"{code} {award}" for code, award in sorted(missing)[:5])
            raise InputError(f"所给奖励明细中没有这些待复核（needs_review）记录：{shown}")
        for row in chosen:
            row["status"] = "confirmed"
            row["reason"] = f"人工确认：{why}（原判定待复核：{row['reason']}）"
        with self._transaction() as conn:
            run_id = self._insert_run(conn, run, "confirm")
            recorded, present, conflicting = self._record(conn, chosen, run_id, "confirm")
        return CommitResult(recorded, present, 0, run_id, conflicting)

    def void(self, row_id: int, reason: str, *, actor: str | None = None) -> None:
        """Cancel one award record with a reason. The record stays; the void is a record of its own."""
        why = _check_reason(reason, "作废记录")
        with self._transaction() as conn:
            found = conn.execute("SELECT active FROM awards WHERE id = ?", (row_id,)).fetchone()
            if found is None:
                raise UsageError(f"账本中没有编号为 {row_id} 的奖励记录")
            if not found[0]:
                when = conn.execute("SELECT time FROM voids WHERE award_row_id = ?", (row_id,)).fetchone()
                raise UsageError(f"编号为 {row_id} 的奖励记录已于 {when[0] if when else '此前'} 作废")
            conn.execute(
                "INSERT INTO voids (award_row_id, reason, time, actor) VALUES (?, ?, ?, ?)",
                (row_id, why, _now(), _actor() if actor is None else actor),
            )

    def import_rows(self, rows: pl.DataFrame, run: RunInfo) -> CommitResult:
        """Import past payments, all or nothing.

        ``rows`` has ``credit_code``, ``name``, ``award`` (id, Chinese label or alias), ``amount_yuan``
        and ``year`` or ``award_year``; optionally ``subject``, ``clause``, ``department``, ``src_row``,
        ``src_file``. A bad row — unknown award, missing or negative amount, missing year, a duplicate in
        the file, or an award already recorded with another year or amount — raises :class:`InputError`
        naming its spreadsheet row, and nothing is imported. Rows identical to a record count as
        ``already_present``.
        """
        records, problems = _import_records(rows)
        if problems:
            raise InputError(_problem_message("导入的历史兑现记录有误，未导入任何记录", problems))
        with self._transaction() as conn:
            pending: _Rows = []
            present = 0
            for where, row in records:
                existing = self._existing(conn, row)
                if existing is None:
                    pending.append(row)
                elif existing[1:] == (row["year"], row["amount_yuan"]):
                    present += 1
                else:
                    problems.append(
                        f"{where}：{row['credit_code']} 的 {row['award']} 已记录于账本第 {existing[0]} 条"
                        f"（{existing[1]} 年，{existing[2]} 元），同一奖励不能记录两次"
                    )
            if problems:
                raise InputError(_problem_message("导入的历史兑现记录与账本冲突，未导入任何记录", problems))
            run_id = self._insert_run(conn, run, "import")
            for row in pending:
                self._insert_award(conn, row, run_id, "import")
        return CommitResult(len(pending), present, 0, run_id)

    # -- reading --------------------------------------------------------------------------------------

    def paid(self) -> pl.DataFrame:
        """Active (non-voided) awards: the engine's "awards already paid" input (:data:`PAID_SCHEMA`)."""
        cur = self._conn.execute(
            "SELECT credit_code, award, year, amount_yuan, subject, name FROM awards WHERE active = 1"
            " ORDER BY id"
        )
        return pl.DataFrame(cur.fetchall(), schema=PAID_SCHEMA, orient="row")

    def list(
        self, *, year: int | None = None, credit_code: str | None = None, include_void: bool = False
    ) -> pl.DataFrame:
        """Award records (:data:`LIST_SCHEMA`), oldest first; voided ones only with ``include_void``."""
        sql, params = _list_query(year, credit_code, include_void)
        return _list_frame(self._conn.execute(sql, params).fetchall())

    def runs(self) -> pl.DataFrame:
        """Every run that wrote to the ledger (:data:`RUNS_SCHEMA`), with the number of awards it recorded."""
        return pl.DataFrame(self._conn.execute(_RUNS_SQL).fetchall(), schema=RUNS_SCHEMA, orient="row")

    def show(self, row_id: int) -> dict[str, Any]:
        """One award record with its run (``run``, inputs parsed) and its void (``void`` or ``None``)."""
        with self._snapshot() as conn:
            frame = _list_frame(conn.execute(_LIST_SQL + " WHERE a.id = ?", (row_id,)).fetchall())
            if frame.is_empty():
                raise UsageError(f"账本中没有编号为 {row_id} 的奖励记录")
            record = frame.row(0, named=True)
            run = conn.execute(
                "SELECT id, time, kind, version, command, policy_id, policy_sha256, year, inputs"
                " FROM runs WHERE id = ?",
                (record["run_id"],),
            ).fetchone()
            void = conn.execute(
                "SELECT id, reason, time, actor FROM voids WHERE award_row_id = ?", (row_id,)
            ).fetchone()
        keys = ("id", "time", "kind", "version", "command", "policy_id", "policy_sha256", "year", "inputs")
        run_dict = dict(zip(keys, run, strict=True)) if run else None
        if run_dict is not None:
            run_dict["inputs"] = json.loads(run_dict["inputs"] or "[]")
        record["run"] = run_dict
        record["void"] = dict(zip(("id", "reason", "time", "actor"), void, strict=True)) if void else None
        return record

    def export_xlsx(self, path: Path) -> None:
        """Write the whole ledger to an Excel workbook (atomic: temp file beside the target, then replace).

        Sheets 奖励记录 (voided records included, marked), 运行记录. Headers are Chinese; a subject that
        looks like an ID number is masked; every text cell is written as text, never as a formula.
        """
        with self._snapshot() as conn:
            awards = _list_frame(conn.execute(_LIST_SQL + " ORDER BY a.id").fetchall())
            runs = pl.DataFrame(conn.execute(_RUNS_SQL).fetchall(), schema=RUNS_SCHEMA, orient="row")
        _write_atomic(Path(path), _export_sheets(awards, runs))


# --------------------------------------------------------------------------------------------------
# Frame validation
# --------------------------------------------------------------------------------------------------

_LINE_REQUIRED = ("credit_code", "name", "year", "award", "amount_yuan", "status")


def _list_query(year: int | None, credit_code: str | None, include_void: bool) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of :meth:`Ledger.list`."""
    where: list[str] = []
    params: list[Any] = []
    if not include_void:
        where.append("a.active = 1")
    if year is not None:
        where.append("a.year = ?")
        params.append(year)
    if credit_code is not None:
        where.append("a.credit_code = ?")
        params.append(credit_code)
    sql = _LIST_SQL + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY a.id"
    return sql, tuple(params)


def _list_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """Rows of :data:`_LIST_SQL` as a frame of :data:`LIST_SCHEMA`."""
    fixed = [(*r[:15], bool(r[15]), *r[16:]) for r in rows]
    return pl.DataFrame(fixed, schema=LIST_SCHEMA, orient="row")


def _award_line_rows(lines: pl.DataFrame) -> list[dict[str, Any]]:
    """Award lines (SPEC §8) as dicts ready to record; :class:`InputError` for malformed lines."""
    missing = [c for c in _LINE_REQUIRED if c not in lines.columns]
    if missing:
        raise InputError(f"奖励明细缺少列：{'、'.join(missing)}")
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    for index, line in enumerate(lines.iter_rows(named=True)):
        row, problem = _line_row(line)
        if problem:
            problems.append(f"{_where(line, index)}：{problem}")
        else:
            rows.append(row)
    if problems:
        raise InputError(_problem_message("奖励明细有误，未写入账本", problems))
    return rows


def _line_row(line: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One award line as a record, or the problem with it."""
    code = _text(line.get("credit_code")).strip()
    award = _text(line.get("award")).strip()
    status = _text(line.get("status"))
    year = line.get("year")
    amount = line.get("amount_yuan")
    if not code or not award:
        return {}, "缺少统一社会信用代码或奖励项目"
    if status not in ("confirmed", "needs_review"):
        return {}, f"状态“{status}”应为 confirmed 或 needs_review"
    if not isinstance(year, int) or isinstance(year, bool):
        return {}, f"奖励年度“{_text(year)}”不是整数"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        return {}, f"金额“{_text(amount)}”应为非负整数（元）"
    kind = _catalog()[0].get(award)
    row = {
        "credit_code": code,
        "name": _text(line.get("name")),
        "award": award,
        "label": _text(line.get("label")) or (kind.label if kind else ""),
        "year": year,
        "amount_yuan": amount,
        "clause": _text(line.get("clause")) or (kind.clause if kind else ""),
        "department": _text(line.get("department")) or (kind.department if kind else ""),
        "status": status,
        "reason": _text(line.get("reason")),
        "subject": _text(line.get("subject")),
    }
    return row, ""


def _confirm_keys(keys: Sequence[tuple[str, str]] | pl.DataFrame) -> set[tuple[str, str]]:
    """``(credit_code, award id)`` pairs to confirm; awards given by label or alias are resolved."""
    if isinstance(keys, pl.DataFrame):
        if not {"credit_code", "award"} <= set(keys.columns):
            raise InputError("待确认清单需要“统一社会信用代码”和“奖励项目”两列")
        pairs = list(keys.select("credit_code", "award").iter_rows())
    else:
        pairs = list(keys)
    if not pairs:
        raise UsageError("没有指定要确认的记录：请用 --code 与 --award，或 --from-file")
    wanted: set[tuple[str, str]] = set()
    for code, award in pairs:
        resolved = resolve_award(_text(award).strip()) or _text(award).strip()
        wanted.add((_text(code).strip().upper(), resolved))
    return wanted


def _import_records(rows: pl.DataFrame) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """Validate past-payment rows: ``(where, record)`` for each good row, and the problems found."""
    missing = [c for c in ("credit_code", "name", "award", "amount_yuan") if c not in rows.columns]
    if "year" not in rows.columns and "award_year" not in rows.columns:
        missing.append("year")
    if missing:
        raise InputError(f"历史兑现记录缺少列：{'、'.join(missing)}")
    kinds = _catalog()[0]
    records: list[tuple[str, dict[str, Any]]] = []
    problems: list[str] = []
    seen: dict[tuple[Any, ...], str] = {}
    for index, raw in enumerate(rows.iter_rows(named=True)):
        where = _where(raw, index)
        row, problem = _import_row(raw, kinds)
        if not problem:
            key = _unique_key(row)
            if key in seen:
                problem = f"与{seen[key]}重复：同一奖励不能记录两次"
            seen.setdefault(key, where)
        if problem:
            problems.append(f"{where}：{problem}")
        else:
            records.append((where, row))
    return records, problems


def _import_row(raw: dict[str, Any], kinds: dict[str, AwardKind]) -> tuple[dict[str, Any], str]:
    """One past-payment row as a record, or the problem with it."""
    code = _text(raw.get("credit_code")).strip()
    award_text = _text(raw.get("award")).strip()
    award = resolve_award(award_text)
    year = raw.get("award_year") if raw.get("award_year") is not None else raw.get("year")
    amount = raw.get("amount_yuan")
    if not code:
        return {}, "缺少统一社会信用代码"
    if award is None:
        return {}, f"未知的奖励项目“{award_text}”"
    if not isinstance(year, int) or isinstance(year, bool):
        return {}, f"奖励年度“{_text(year)}”缺失或不是整数"
    if not isinstance(amount, int) or isinstance(amount, bool):
        return {}, f"金额“{_text(amount)}”缺失或不是整数（元）"
    if amount < 0:
        return {}, f"金额 {amount} 为负数"
    kind = kinds[award]
    source = f"（{_text(raw.get('src_file'))} 第 {raw['src_row']} 行）" if raw.get("src_row") else ""
    row = {
        "credit_code": code,
        "name": _text(raw.get("name")),
        "award": award,
        "label": kind.label,
        "year": year,
        "amount_yuan": amount,
        "clause": _text(raw.get("clause")) or kind.clause,
        "department": _text(raw.get("department")) or kind.department,
        "status": "confirmed",
        "reason": f"导入的历史兑现记录{source}",
        "subject": _text(raw.get("subject")),
    }
    return row, ""


def _unique_key(row: dict[str, Any]) -> tuple[Any, ...]:
    """The key the database keeps unique for this record."""
    base = (row["credit_code"], row["award"], row["subject"])
    return (*base, row["year"]) if is_yearly(row["award"]) else base


def _problem_message(title: str, problems: list[str], limit: int = 10) -> str:
    """One message naming the first ``limit`` problems and how many more there are."""
    shown = "；".join(problems[:limit])
    more = f"；另有 {len(problems) - limit} 处问题" if len(problems) > limit else ""
    return f"{title}：{shown}{more}"


# --------------------------------------------------------------------------------------------------
# Excel export
# --------------------------------------------------------------------------------------------------

_STATUS_LABELS = {"confirmed": "已确认", "needs_review": "待复核"}
_SOURCE_LABELS = {"run": "测算提交", "import": "历史导入", "confirm": "人工确认"}
_KIND_LABELS = {"commit": "提交测算结果", "import": "导入历史记录", "confirm": "确认待复核"}

_AWARD_HEADERS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("credit_code", "统一社会信用代码"),
    ("name", "企业名称"),
    ("award", "奖励项目"),
    ("label", "奖励名称"),
    ("year", "奖励年度"),
    ("amount_yuan", "金额（元）"),
    ("clause", "政策条款"),
    ("department", "责任单位"),
    ("status", "状态"),
    ("reason", "说明"),
    ("subject", "奖励对象"),
    ("source", "来源"),
    ("run_id", "运行编号"),
    ("created", "记录时间"),
    ("voided", "是否作废"),
    ("void_reason", "作废原因"),
    ("void_time", "作废时间"),
)

_RUN_HEADERS: tuple[tuple[str, str], ...] = (
    ("id", "运行编号"),
    ("time", "时间"),
    ("kind", "类型"),
    ("version", "qkaward 版本"),
    ("command", "命令行"),
    ("policy_id", "政策配置"),
    ("policy_sha256", "政策文件 SHA-256"),
    ("year", "奖励年度"),
    ("inputs", "输入文件（路径与 SHA-256）"),
    ("awards", "记录条数"),
)


def _export_sheets(awards: pl.DataFrame, runs: pl.DataFrame) -> dict[str, list[list[Any]]]:
    """Sheet name → rows (header first), values translated for people."""
    award_rows: list[list[Any]] = [[h for _, h in _AWARD_HEADERS]]
    for rec in awards.iter_rows(named=True):
        shown = dict(rec)
        shown["status"] = _STATUS_LABELS.get(rec["status"], rec["status"])
        shown["source"] = _SOURCE_LABELS.get(rec["source"], rec["source"])
        shown["subject"] = mask_subject(rec["subject"])
        shown["voided"] = "是" if rec["voided"] else "否"
        award_rows.append([shown[c] for c, _ in _AWARD_HEADERS])
    run_rows: list[list[Any]] = [[h for _, h in _RUN_HEADERS]]
    for rec in runs.iter_rows(named=True):
        shown = dict(rec)
        shown["kind"] = _KIND_LABELS.get(rec["kind"], rec["kind"])
        run_rows.append([shown[c] for c, _ in _RUN_HEADERS])
    return {"奖励记录": award_rows, "运行记录": run_rows}


def _write_atomic(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    """Write a workbook to a temp file beside ``path``, then replace ``path`` with it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for values in rows:
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # untrusted text ("=…") stays text, never a formula
                cells.append(cell)
            sheet.append(cells)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        raise WriteError(f"无法写入 {path}：{err.strerror or err}") from err
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            workbook.save(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise WriteError(f"无法写入 {path}：{err.strerror or err}") from err
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
