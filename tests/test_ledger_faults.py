"""The ledger under faults: SIGKILL mid-commit, two writers at once, a held lock.

The tests run this file as a script in child processes (``python test_ledger_faults.py MODE …``), so that
a process can be killed for real. A child kills itself at a chosen statement of the commit (through a
sqlite trace callback, so the library carries no test hooks), or is killed by the parent while it sleeps
inside the transaction, or at a random moment of a large commit.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import wait_for_marker

from qkaward.errors import ExitCode, LockError
from qkaward.ledger import Ledger, RunInfo
from qkaward.schema import AWARD_LINE

HERE = Path(__file__).resolve()
BASE_LINES = 20  # committed before the fault: the "before" state
FAULT_LINES = 300  # the commit that is killed: "after" = BASE_LINES + FAULT_LINES


def make_lines(count: int, offset: int = 0, year: int = 2019) -> pl.DataFrame:
    """``count`` confirmed one-time award lines for distinct enterprises."""
    rows = [
        {
            "credit_code": f"91420104TEST{offset + i:06d}",
            "name": f"企业{offset + i}",
            "year": year,
            "award": "scale_entry",
            "label": "新进规上限上企业奖励",
            "amount_yuan": 50_000,
            "clause": "三(二)2",
            "department": "区科经局",
            "status": "confirmed",
            "reason": "新入库",
            "subject": "",
        }
        for i in range(count)
    ]
    return pl.DataFrame(rows, schema=AWARD_LINE, orient="row")


def run(year: int = 2019) -> RunInfo:
    """A run description for the tests' commits."""
    return RunInfo("qkaward awards --commit", "qiaokou-2019", "0" * 64, year, (), "test")


# --------------------------------------------------------------------------------------------------
# Child-process side
# --------------------------------------------------------------------------------------------------


def _die_at(ledger: Ledger, stage: str, marker: Path | None) -> None:
    """Install a trace callback that kills (or, with a marker, stalls) the process at ``stage``.

    Stages: ``begin`` (BEGIN IMMEDIATE), ``run`` (the runs insert), ``first`` / ``mid`` / ``last`` (the
    1st, middle, last award insert), ``commit`` (the COMMIT statement, before it runs).
    """
    targets = {"first": 1, "mid": FAULT_LINES // 2, "last": FAULT_LINES}
    inserts = 0

    def trace(sql: str) -> None:
        nonlocal inserts
        text = sql.lstrip().upper()
        hit = (
            (stage == "begin" and text.startswith("BEGIN IMMEDIATE"))
            or (stage == "run" and text.startswith("INSERT INTO RUNS"))
            or (stage == "commit" and text.startswith("COMMIT"))
        )
        if text.startswith("INSERT INTO AWARDS"):
            inserts += 1
            hit = hit or targets.get(stage) == inserts
        if not hit:
            return
        if marker is None:
            os.kill(os.getpid(), signal.SIGKILL)
        marker.write_text("inside", encoding="utf-8")
        time.sleep(60)

    ledger._conn.set_trace_callback(trace)


def child(argv: list[str]) -> None:
    """Entry point of the child processes."""
    mode, db = argv[0], Path(argv[1])
    if mode == "kill":  # kill STAGE: die at a statement, or after the commit returned
        stage = argv[2]
        with Ledger.open(db) as ledger:
            if stage != "after":
                _die_at(ledger, stage, None)
            ledger.commit(make_lines(FAULT_LINES, BASE_LINES), run())
            os.kill(os.getpid(), signal.SIGKILL)
    elif mode == "stall":  # stall STAGE MARKER: sleep inside the transaction until killed
        with Ledger.open(db) as ledger:
            _die_at(ledger, argv[2], Path(argv[3]))
            ledger.commit(make_lines(FAULT_LINES, BASE_LINES), run())
    elif mode == "big":  # big COUNT READY: a large commit; the parent kills it at some moment
        with Ledger.open(db) as ledger:
            Path(argv[3]).write_text("ready", encoding="utf-8")
            ledger.commit(make_lines(int(argv[2]), BASE_LINES), run())
    elif mode == "race":  # race GO: wait for GO, then commit the same lines as the other child
        go = Path(argv[2])
        with Ledger.open(db, lock_timeout=20) as ledger:
            while not go.exists():
                time.sleep(0.005)
            result = ledger.commit(make_lines(FAULT_LINES, BASE_LINES), run())
        print(json.dumps({"recorded": result.recorded, "already_present": result.already_present}))
    elif mode == "hold":  # hold MARKER: keep the ledger's file lock until killed
        import filelock

        with filelock.FileLock(f"{db}.lock"):
            Path(argv[2]).write_text("held", encoding="utf-8")
            time.sleep(60)
    else:
        raise SystemExit(f"unknown mode {mode}")


# --------------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------------


def _spawn(*args: str) -> subprocess.Popen[str]:
    """Start this file as a child process."""
    return subprocess.Popen(
        [sys.executable, str(HERE), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 20.0) -> None:
    wait_for_marker(path, proc, timeout)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A ledger holding BASE_LINES records from one earlier commit."""
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path) as ledger:
        ledger.commit(make_lines(BASE_LINES), run())
    return path


def _state(path: Path) -> tuple[int, int]:
    """(award rows, runs), after checking the file's integrity and its foreign keys."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        awards = conn.execute("SELECT count(*) FROM awards").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        conn.close()
    return awards, runs


BEFORE = (BASE_LINES, 1)
AFTER = (BASE_LINES + FAULT_LINES, 2)


def _still_usable(path: Path) -> None:
    """After a crash the lock is free and the same commit completes to the "after" state."""
    with Ledger.open(path, lock_timeout=2) as ledger:
        ledger.commit(make_lines(FAULT_LINES, BASE_LINES), run())
        assert ledger.paid().height == BASE_LINES + FAULT_LINES


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("begin", BEFORE),
        ("run", BEFORE),
        ("first", BEFORE),
        ("mid", BEFORE),
        ("last", BEFORE),
        ("commit", BEFORE),
        ("after", AFTER),
    ],
)
def test_sigkill_at_each_stage_leaves_before_or_after(
    db: Path, stage: str, expected: tuple[int, int]
) -> None:
    proc = _spawn("kill", str(db), stage)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _state(db) == expected
    _still_usable(db)


def test_sigkill_from_outside_while_inside_the_transaction(db: Path, tmp_path: Path) -> None:
    marker = tmp_path / "inside"
    proc = _spawn("stall", str(db), "mid", str(marker))
    _wait_for(marker, proc)
    proc.kill()
    proc.communicate(timeout=10)
    assert _state(db) == BEFORE
    _still_usable(db)


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.4])
def test_sigkill_at_a_random_moment_of_a_large_commit(db: Path, tmp_path: Path, delay: float) -> None:
    ready = tmp_path / "ready"
    count = 5000
    proc = _spawn("big", str(db), str(count), str(ready))
    _wait_for(ready, proc)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert _state(db) in (BEFORE, (BASE_LINES + count, 2))


def test_two_processes_committing_the_same_lines_record_each_once(db: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [_spawn("race", str(db), str(go)) for _ in range(2)]
    time.sleep(0.8)  # both children import and open the ledger, then wait for "go"
    go.write_text("go", encoding="utf-8")
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert sorted(r["recorded"] for r in results) == [0, FAULT_LINES]
    assert sorted(r["already_present"] for r in results) == [0, FAULT_LINES]
    conn = sqlite3.connect(db)
    duplicates = conn.execute(
        "SELECT credit_code, award, subject, count(*) FROM awards WHERE active = 1"
        " GROUP BY credit_code, award, subject HAVING count(*) > 1"
    ).fetchall()
    conn.close()
    assert duplicates == []
    assert _state(db) == (BASE_LINES + FAULT_LINES, 3)


def test_a_held_lock_makes_a_second_writer_fail_after_a_short_timeout(db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qkaward.cli_ledger import ledger_app

    marker = tmp_path / "held"
    holder = _spawn("hold", str(db), str(marker))
    try:
        _wait_for(marker, holder)
        with Ledger.open(db, lock_timeout=0.3) as ledger:
            started = time.monotonic()
            with pytest.raises(LockError, match="另一个 qkaward 进程") as caught:
                ledger.commit(make_lines(5, 1000), run())
            waited = time.monotonic() - started
            assert caught.value.exit_code == ExitCode.WRITE == 3
            assert 0.25 <= waited < 3
            assert ledger.paid().height == BASE_LINES  # reading needs no lock
        result = CliRunner().invoke(
            ledger_app, ["void", "1", "--reason", "测试", "--lock-timeout", "0.2", "--ledger", str(db)]
        )
        assert result.exit_code == 3 and "锁文件" in result.output
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    _still_usable(db)


def test_a_sqlite_writer_without_the_file_lock_also_ends_in_lock_error(db: Path) -> None:
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Ledger.open(db, lock_timeout=0.2) as ledger, pytest.raises(LockError):
            ledger.commit(make_lines(5, 1000), run())
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _state(db) == (BASE_LINES, 1)


if __name__ == "__main__":
    child(sys.argv[1:])
