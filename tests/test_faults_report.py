"""Faults around the report and the outputs: SIGKILL mid-write, a read-only folder, a full disk, two
committing processes, personal data in every output, and ``--verbose`` tracebacks (issue 7, items 3
and 5).

Like tests/test_ledger_faults.py, the tests run this file as a script in child processes
(``python test_faults_report.py MODE …``) so that a process can be killed for real. A child stalls at a
chosen point of the report write (by wrapping ``tempfile.mkstemp``, the xlsx writer's
``ThreadedZip._write_part`` (qkaward/render/zipparts.py) or ``os.replace`` — the library carries no test
hooks), writes a marker file and sleeps; the parent then
sends SIGKILL. Other children run the real ``python -m qkaward report`` and are killed after a delay.

Read-only folder: the tests run as root, where ``chmod 0o555`` does not stop writes. As root the folder
is made immutable with ``chattr +i`` (not even root may create a file in it: a real EPERM from the
kernel); where the file system refuses ``chattr``, the child runs as ``nobody`` via ``setpriv`` on a
0o555 folder (EACCES), if ``nobody`` can run this Python; as a normal user, plain ``chmod 0o555``.

Full disk: a real 256 KiB tmpfs when ``mount`` is permitted (skipped otherwise), and in-process by
making ``ThreadedZip._write_part`` (the xlsx writer putting a part into the file) or ``os.replace``
raise ENOSPC.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import copy_sample, wait_for_marker

HERE = Path(__file__).resolve()
SAMPLE = HERE.parent.parent / "sample_data"
REPORT_SHEETS = [
    "汇总",
    "梯队",
    "培育库",
    "奖励清单",
    "待核实",
    "公示名单",
    "目标进度",
    "数据问题",
    "计算依据",
]
SECRET = "420103196304253260-SECRET-LOCAL"


# --------------------------------------------------------------------------------------------------
# Child-process side
# --------------------------------------------------------------------------------------------------


def _stall(marker: Path) -> None:
    marker.write_text("inside", encoding="utf-8")
    time.sleep(60)


def _install_stall(point: str, target: Path, marker: Path) -> None:
    """Stall the report write of ``target`` at ``point``.

    ``mkstemp``: the temp file beside the target was just created (empty); ``zip``: the xlsx writer
    has written a few parts of the zip (flushed: a partial file on disk); ``replace``: the temp file is
    complete, just before ``os.replace``; ``after``: just after ``os.replace``.
    """
    if point == "mkstemp":
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> Any:
            fd, name = real_mkstemp(*args, **kwargs)
            if Path(name).parent == target.parent:
                _stall(marker)
            return fd, name

        tempfile.mkstemp = mkstemp  # type: ignore[assignment]
    elif point == "zip":
        from qkaward.render.zipparts import ThreadedZip

        real_write = ThreadedZip._write_part
        calls = {"n": 0}

        def write(self: ThreadedZip, out: Any, *args: Any, **kwargs: Any) -> Any:
            entry = real_write(self, out, *args, **kwargs)
            calls["n"] += 1
            if calls["n"] == 5:
                out.flush()
                _stall(marker)
            return entry

        ThreadedZip._write_part = write  # type: ignore[method-assign]
    elif point in ("replace", "after"):
        real_replace = os.replace

        def replace(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            hit = Path(dst) == target
            if hit and point == "replace":
                _stall(marker)
            out = real_replace(src, dst, *args, **kwargs)
            if hit and point == "after":
                _stall(marker)
            return out

        os.replace = replace  # type: ignore[assignment]
    elif point != "none":
        raise SystemExit(f"unknown point {point}")


def _cli(args: list[str]) -> None:
    from qkaward.cli import main

    sys.argv = ["qkaward", *args]
    main()


def child(argv: list[str]) -> None:
    """Entry point of the child processes."""
    mode = argv[0]
    if mode == "report":  # report POINT MARKER ARGS…: the CLI, stalled at POINT of the write
        point, marker, args = argv[1], Path(argv[2]), argv[3:]
        target = Path(args[args.index("-o") + 1]).resolve()
        _install_stall(point, target, marker)
        _cli(args)
    elif mode == "cli":  # cli GO ARGS…: wait for the GO file, then run the CLI
        go = Path(argv[1])
        import qkaward.cli  # noqa: F401  (imports done before the start line)

        while not go.exists():
            time.sleep(0.005)
        _cli(argv[2:])
    else:
        raise SystemExit(f"unknown mode {mode}")


# --------------------------------------------------------------------------------------------------
# Parent side: helpers and fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One parsed-input cache for the whole module (in-process runs and children alike)."""
    cache = tmp_path_factory.mktemp("qk") / "cache"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QKAWARD_CACHE_DIR", str(cache))
        yield cache


@pytest.fixture
def ws(tmp_path: Path, cache_env: Path) -> Path:
    """A private copy of the sample workspace."""
    return copy_sample(tmp_path)


@pytest.fixture(scope="module")
def old_report(tmp_path_factory: pytest.TempPathFactory, cache_env: Path) -> bytes:
    """The "previous" report (year 2020) that a failed write (of year 2019: one run, quicker) must leave
    intact."""
    from typer.testing import CliRunner

    from qkaward.cli import app

    base = tmp_path_factory.mktemp("old")
    ws = base / "ws"
    shutil.copytree(SAMPLE, ws, ignore=shutil.ignore_patterns("ledger.sqlite*"))
    target = base / "old.xlsx"
    result = CliRunner().invoke(app, _report_args(ws, target, 2020))
    assert result.exit_code == 0, result.output
    return target.read_bytes()


@pytest.fixture
def out(tmp_path: Path, old_report: bytes) -> Path:
    """An output folder holding the previous report ``r.xlsx``."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "r.xlsx").write_bytes(old_report)
    return folder


def _env(tmp_path: Path) -> dict[str, str]:
    """The children's environment: the shared cache, and a private TMPDIR we can inspect."""
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmpdir), "PYTHONDONTWRITEBYTECODE": "1"}


def _spawn(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    wait_for_marker(path, proc, timeout)


def _report_args(ws: Path, target: Path, year: int = 2019) -> list[str]:
    return ["report", "--year", str(year), "-w", str(ws), "-o", str(target)]


def _is_complete_report(path: Path, year: int) -> bool:
    wb = openpyxl.load_workbook(path)
    try:
        return wb.sheetnames == REPORT_SHEETS and f"（{year}年度）" in str(wb["汇总"]["A1"].value)
    finally:
        wb.close()


def _temps_beside(target: Path) -> list[str]:
    """Files beside the report other than the report itself (the atomic writer's temp files)."""
    return sorted(p.name for p in target.parent.iterdir() if p.name != target.name)


def _assert_old_or_new(target: Path, old: bytes) -> str:
    """The target is the complete previous report or the complete new one — never partial."""
    assert target.exists(), "the previous report disappeared"
    data = target.read_bytes()
    if data == old:
        assert _is_complete_report(target, 2020)
        return "old"
    assert _is_complete_report(target, 2019), "a partial or foreign file at the report's path"
    return "new"


# --------------------------------------------------------------------------------------------------
# 1. SIGKILL during a report write
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "expected"),
    [("mkstemp", "old"), ("zip", "old"), ("replace", "old"), ("after", "new")],
)
def test_sigkill_at_each_point_of_the_report_write(
    ws: Path, out: Path, old_report: bytes, tmp_path: Path, point: str, expected: str
) -> None:
    target = out / "r.xlsx"
    marker = tmp_path / "inside"
    proc = _spawn(tmp_path, "report", point, str(marker), *_report_args(ws, target))
    _wait_for(marker, proc)
    if point == "zip":  # the half-written temp file really is on disk, and is not a usable xlsx
        (partial,) = [out / n for n in _temps_beside(target)]
        assert partial.stat().st_size > 0 and not _readable_xlsx(partial)
    proc.kill()
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert _assert_old_or_new(target, old_report) == expected
    temps = _temps_beside(target)
    # A killed writer cannot clean up: at most its own one hidden temp file stays behind, named so
    # that no "*.xlsx" glob picks it up.
    assert len(temps) <= (0 if point == "after" else 1), temps
    assert all(t.startswith(".r.xlsx.") and t.endswith(".tmp") for t in temps), temps


def _readable_xlsx(path: Path) -> bool:
    try:
        openpyxl.load_workbook(path).close()
    except Exception:
        return False
    return True


@pytest.mark.parametrize("delay", [0.8, 2.0])
def test_sigkill_of_the_real_cli_after_a_delay(
    ws: Path, out: Path, old_report: bytes, tmp_path: Path, delay: float
) -> None:
    target = out / "r.xlsx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "qkaward", *_report_args(ws, target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    _assert_old_or_new(target, old_report)
    temps = _temps_beside(target)
    assert len(temps) <= 1 and all(t.startswith(".r.xlsx.") for t in temps), temps


def test_temp_files_of_killed_writes_do_not_accumulate(ws: Path, out: Path) -> None:
    # What a writer killed mid-write leaves behind (test_sigkill_at_each_point_of_the_report_write),
    # older than atomic.STALE_SECONDS; a fresh one may belong to a writer still at work and stays.
    from qkaward import atomic

    target = out / "r.xlsx"
    old = time.time() - atomic.STALE_SECONDS - 60
    for stale in (".r.xlsx.k1l2m3n4.tmp", ".r.xlsx.q5r6s7t8.tmp"):
        (out / stale).write_bytes(b"PK\x03\x04 partial")
        os.utime(out / stale, (old, old))
    (out / ".r.xlsx.fresh000.tmp").write_bytes(b"PK\x03\x04 another writer")
    from typer.testing import CliRunner

    from qkaward.cli import app

    result = CliRunner().invoke(app, _report_args(ws, target))
    assert result.exit_code == 0, result.output
    assert _is_complete_report(target, 2019)
    assert _temps_beside(target) == [".r.xlsx.fresh000.tmp"]


# --------------------------------------------------------------------------------------------------
# 2. A read-only output folder
# --------------------------------------------------------------------------------------------------


def _nobody_can_run_python() -> bool:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return False
    probe = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-c",
            # qkaward reads .xls in a child `sys.executable` process: nobody must be able to start it too
            "import subprocess, sys, qkaward; subprocess.run([sys.executable, '-c', 'pass'], check=True)",
        ],
        capture_output=True,
        timeout=60,
    )
    return probe.returncode == 0


@pytest.fixture(scope="module")
def read_only_run(old_report: bytes, cache_env: Path) -> Iterator[dict[str, Any]]:
    """Run ``qkaward report`` into a folder it may not write (once for the module)."""
    base = Path(tempfile.mkdtemp(prefix="qk-ro-", dir="/tmp"))
    os.chmod(base, 0o755)
    method = ""
    folder = base / "out"
    try:
        work = base / "ws"
        shutil.copytree(SAMPLE, work, ignore=shutil.ignore_patterns("ledger.sqlite*"))
        cache = base / "cache"
        cache.mkdir()
        os.chmod(cache, 0o777)
        for p in [work, *work.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        folder.mkdir()
        target = folder / "r.xlsx"
        target.write_bytes(old_report)
        os.chmod(target, 0o644)
        os.chmod(folder, 0o555)
        cmd = [sys.executable, "-m", "qkaward", *_report_args(work, target)]
        env = {**os.environ, "QKAWARD_CACHE_DIR": str(cache), "HOME": str(base), "TMPDIR": str(cache)}
        if os.geteuid() != 0:
            method = "chmod 0o555"
        elif shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)]).returncode == 0:
            method = "chattr +i"  # immutable: not even root may create a file in it
        elif _nobody_can_run_python():
            method = "setpriv --reuid=nobody, folder 0o555"
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        else:
            pytest.skip("running as root without setpriv or chattr: no way to make a folder read-only")
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        yield {
            "result": result,
            "target": target,
            "method": method,
            "intact": target.read_bytes() == old_report,
            "beside": _temps_beside(target),
        }
    finally:
        if method == "chattr +i":
            subprocess.run(["chattr", "-i", str(folder)])
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_read_only_output_folder_gives_exit_3_and_keeps_the_old_report(read_only_run: dict[str, Any]) -> None:
    result, method = read_only_run["result"], read_only_run["method"]
    assert result.returncode == 3, (method, result.stderr)
    assert result.stderr.strip().startswith("错误：无法"), (method, result.stderr)
    assert str(read_only_run["target"].parent) in result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert read_only_run["intact"]
    assert read_only_run["beside"] == []


def test_read_only_output_folder_message_says_why_in_chinese(read_only_run: dict[str, Any]) -> None:
    result = read_only_run["result"]
    assert result.returncode == 3, read_only_run["method"]
    assert "Permission denied" not in result.stderr and "not permitted" not in result.stderr
    assert "权限" in result.stderr or "只读" in result.stderr


def test_output_whose_parent_is_a_file_gives_exit_3(ws: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from qkaward.cli import app

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(app, _report_args(ws, blocker / "r.xlsx"))
    assert result.exit_code == 3, result.output
    assert "错误：输出目录不存在" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "x"


# --------------------------------------------------------------------------------------------------
# 3. A full disk
# --------------------------------------------------------------------------------------------------


def _main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``qkaward.cli.main`` in-process (the real entry point, with its catch-all)."""
    from qkaward.cli import _state, main

    old = sys.argv
    sys.argv = ["qkaward", *argv]
    try:
        with pytest.raises(SystemExit) as caught:
            main()
    finally:
        sys.argv = old
        _state["verbose"] = False
    return int(caught.value.code or 0), capsys.readouterr().err


def _enospc(*_a: Any, **_k: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_enospc_at_the_replace_gives_exit_3_and_keeps_the_old_report(
    ws: Path,
    out: Path,
    old_report: bytes,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import qkaward.atomic

    target = out / "r.xlsx"
    monkeypatch.setattr(qkaward.atomic.os, "replace", _enospc)
    code, err = _main(_report_args(ws, target), capsys)
    monkeypatch.undo()
    assert code == 3, err
    assert err.startswith("错误：无法写入") and str(target) in err, err
    assert target.read_bytes() == old_report
    assert _temps_beside(target) == []


@pytest.fixture(scope="module")
def enospc_run(
    tmp_path_factory: pytest.TempPathFactory, old_report: bytes, cache_env: Path
) -> dict[str, Any]:
    """``report`` in-process while the disk fills as the xlsx writer writes the zip (its 3rd part)."""
    from qkaward.cli import _state, main

    base = tmp_path_factory.mktemp("enospc")
    ws = base / "ws"
    shutil.copytree(SAMPLE, ws, ignore=shutil.ignore_patterns("ledger.sqlite*"))
    folder = base / "out"
    folder.mkdir()
    target = folder / "r.xlsx"
    target.write_bytes(old_report)
    tmpdir = base / "tmpdir"
    tmpdir.mkdir()
    from qkaward.render.zipparts import ThreadedZip

    real_write = ThreadedZip._write_part
    calls = {"n": 0}

    def write(self: ThreadedZip, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] >= 3:
            _enospc()
        return real_write(self, *args, **kwargs)

    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ThreadedZip, "_write_part", write)
        mp.setattr(tempfile, "tempdir", str(tmpdir))
        mp.setattr(sys, "argv", ["qkaward", *_report_args(ws, target)])
        with contextlib.redirect_stderr(stderr):
            with pytest.raises(SystemExit) as caught:
                main()
            gc.collect()  # the abandoned workbook and zip writer go now, not in a later test
        _state["verbose"] = False
    return {
        "code": int(caught.value.code or 0),
        "err": stderr.getvalue(),
        "intact": target.read_bytes() == old_report,
        "beside": _temps_beside(target),
        "tmpdir": sorted(p.name for p in tmpdir.iterdir()),
        "writes": calls["n"],
    }


def test_enospc_mid_xlsx_keeps_the_old_report_and_no_temp_beside(enospc_run: dict[str, Any]) -> None:
    assert enospc_run["writes"] >= 3  # the fault really hit the xlsx writer
    assert enospc_run["code"] != 0
    assert enospc_run["intact"]
    assert enospc_run["beside"] == []


def test_enospc_mid_xlsx_gives_exit_3_and_a_clear_message(enospc_run: dict[str, Any]) -> None:
    assert enospc_run["code"] == 3, enospc_run["err"]
    assert enospc_run["err"].startswith("错误：无法写入") and "内部错误" not in enospc_run["err"]


def test_enospc_mid_xlsx_leaves_no_report_fragments_in_tmpdir(enospc_run: dict[str, Any]) -> None:
    assert enospc_run["tmpdir"] == []


@pytest.fixture(scope="module")
def tmpfs_run(
    tmp_path_factory: pytest.TempPathFactory, old_report: bytes, cache_env: Path
) -> Iterator[dict[str, Any]]:
    """``qkaward report`` onto a real, nearly full 256 KiB tmpfs (skipped where mount is refused)."""
    base = tmp_path_factory.mktemp("fulldisk")
    mnt = base / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount refused: {mounted.stderr!r}")
    try:
        ws = base / "ws"
        shutil.copytree(SAMPLE, ws, ignore=shutil.ignore_patterns("ledger.sqlite*"))
        target = mnt / "r.xlsx"
        target.write_bytes(old_report)
        free = shutil.disk_usage(mnt).free
        (mnt / "filler").write_bytes(b"\0" * max(0, free - 8 * 1024))
        tmpdir = base / "tmpdir"
        tmpdir.mkdir()
        env = {**os.environ, "TMPDIR": str(tmpdir)}
        result = subprocess.run(
            [sys.executable, "-m", "qkaward", *_report_args(ws, target)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        yield {
            "result": result,
            "intact": target.read_bytes() == old_report,
            "beside": sorted(p.name for p in mnt.iterdir() if p.name not in ("r.xlsx", "filler")),
            "tmpdir": sorted(p.name for p in tmpdir.iterdir()),
        }
    finally:
        if subprocess.run(["umount", str(mnt)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_real_full_disk_keeps_the_old_report_and_no_temp_beside(tmpfs_run: dict[str, Any]) -> None:
    assert tmpfs_run["result"].returncode != 0
    assert tmpfs_run["intact"]
    assert tmpfs_run["beside"] == []


def test_real_full_disk_gives_exit_3_and_a_clear_message(tmpfs_run: dict[str, Any]) -> None:
    result = tmpfs_run["result"]
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip().startswith("错误："), result.stderr
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr


# --------------------------------------------------------------------------------------------------
# 4. Two processes committing at once through the CLI
# --------------------------------------------------------------------------------------------------


def test_concurrent_cli_commits_never_double_pay(ws: Path, tmp_path: Path) -> None:
    # tests/test_ledger_faults.py races Ledger.commit directly; this races `awards --commit` itself.
    go = tmp_path / "go"
    years = (2019, 2019)
    procs = [
        _spawn(
            tmp_path,
            "cli",
            str(go),
            "awards",
            "--year",
            str(y),
            "-w",
            str(ws),
            "--commit",
            "--format",
            "json",
        )
        for y in years
    ]
    time.sleep(1.0)  # the children import qkaward, then wait for "go"
    go.write_text("go", encoding="utf-8")
    docs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        docs.append(json.loads(stdout))
    conn = sqlite3.connect(ws / "ledger.sqlite")
    try:
        dupes = conn.execute(
            "SELECT credit_code, award, subject, count(*) FROM awards WHERE active = 1 AND one_time = 1"
            " GROUP BY credit_code, award, subject HAVING count(*) > 1"
        ).fetchall()
        records = conn.execute(
            "SELECT credit_code, award, year, amount_yuan FROM awards WHERE active = 1"
        ).fetchall()
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    finally:
        conn.close()
    assert dupes == []
    assert runs == len(years)
    confirmed_2019 = {(i["credit_code"], i["award"]) for i in docs[0]["items"] if i["status"] == "confirmed"}
    assert confirmed_2019 == {(c, a) for c, a, y, _ in records if y == 2019}
    ladder: dict[str, int] = {}
    for credit_code, award, _year, amount in records:
        if award.startswith("ladder.first_reach."):
            ladder[credit_code] = ladder.get(credit_code, 0) + amount
    top = 10_000_000  # 五百亿级 first-reach award: no enterprise is ever paid more than that for first reach
    assert all(v <= top for v in ladder.values()), ladder


# --------------------------------------------------------------------------------------------------
# 5. Personal data: ID numbers never unmasked
# --------------------------------------------------------------------------------------------------


def _raw_ids() -> list[str]:
    wb = openpyxl.load_workbook(SAMPLE / "talents.xlsx", read_only=True)
    ids = []
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        col = list(rows[0]).index("证件号码")
        ids += [str(r[col]).strip() for r in rows[1:] if r[col]]
    wb.close()
    assert len(ids) >= 10
    return ids


def _mask(raw: str) -> str:
    return raw[:4] + "*" * (len(raw) - 8) + raw[-4:]


def _xlsx_text(path: Path) -> str:
    """Every cell value of every sheet, plus the raw text of every part of the zip."""
    wb = openpyxl.load_workbook(path)
    cells = [
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
    ]
    wb.close()
    with zipfile.ZipFile(path) as zf:
        parts = [zf.read(n).decode("utf-8", "replace") for n in zf.namelist()]
    return "\n".join(cells + parts)


def test_talent_id_numbers_are_masked_in_every_output(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_env: Path
) -> None:
    from typer.testing import CliRunner

    import qkaward.cli as cli
    import qkaward.cli_ledger as cli_ledger

    for console in (cli.out, cli_ledger._out):  # wide terminals: no ID is split over two lines
        monkeypatch.setattr(console, "_width", 1000)
    ids = _raw_ids()
    runner = CliRunner()
    outputs: dict[str, str] = {}

    def text(name: str, args: list[str]) -> None:
        result = runner.invoke(cli.app, args)
        assert result.exit_code in (0, 1), (name, result.output)
        outputs[name] = result.output + (result.stderr or "")

    def xlsx(name: str, args: list[str], path: Path) -> None:
        text(name + " (terminal)", args)
        for p in [path] if path.suffix == ".xlsx" else sorted(path.glob("*.xlsx")):
            outputs[f"{name}: {p.name}"] = _xlsx_text(p)

    w = ["-w", str(ws)]
    y19, y20 = ["--year", "2019"], ["--year", "2020"]
    text("awards json 2019 + commit", ["awards", *y19, *w, "--format", "json", "--commit"])
    text("awards table 2020 + commit", ["awards", *y20, *w, "--commit"])
    text("awards csv 2020", ["awards", *y20, *w, "--format", "csv"])
    xlsx(
        "awards xlsx 2020",
        ["awards", *y20, *w, "--format", "xlsx", "-o", str(tmp_path / "a.xlsx")],
        tmp_path / "a.xlsx",
    )
    xlsx("report 2019", ["report", *y19, *w, "-o", str(tmp_path / "r2019.xlsx")], tmp_path / "r2019.xlsx")
    xlsx(
        "report split 2020",
        ["report", *y20, *w, "--split-by", "department", "-o", str(tmp_path / "parts")],
        tmp_path / "parts",
    )
    ledger = str(ws / "ledger.sqlite")
    xlsx(
        "ledger export",
        ["ledger", "export", "-o", str(tmp_path / "le.xlsx"), "--ledger", ledger],
        tmp_path / "le.xlsx",
    )
    text("ledger list", ["ledger", "list", "--ledger", ledger])
    text("ledger list json", ["ledger", "list", "--ledger", ledger, "--format", "json"])
    text("validate json", ["validate", *w, "--format", "json"])
    text("explain 91420104771510412C", ["explain", "91420104771510412C", *y19, *w])
    text("explain 91420104503947722R", ["explain", "91420104503947722R", *y20, *w])

    leaks = [(name, raw) for name, body in outputs.items() for raw in ids if raw.lower() in body.lower()]
    assert leaks == []
    # Not vacuous: the talent lines are there, masked (first 4 and last 4 characters kept).
    everything = "\n".join(outputs.values())
    shown = [raw for raw in ids if _mask(raw) in everything]
    assert len(shown) >= 4, shown
    assert _mask(ids[0]) in outputs["report 2019: r2019.xlsx"]
    assert _mask(ids[0]) in outputs["ledger export: le.xlsx"]
    assert any(_mask(raw) in outputs["explain 91420104771510412C"] for raw in ids)

    # At rest: the ledger holds no raw ID either, and is owner-only.
    blob = b"".join(p.read_bytes() for p in ws.glob("ledger.sqlite*") if p.is_file())
    assert not [raw for raw in ids if raw.encode() in blob]
    for p in ws.glob("ledger.sqlite*"):
        if p.suffix != ".lock":
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p.name, oct(p.stat().st_mode))


def test_the_parsed_input_cache_holding_raw_ids_is_owner_only(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache stores the parsed talents frame (with the raw ID numbers) as Parquet: nobody else may read it.
    from typer.testing import CliRunner

    from qkaward.cli import app

    cache = tmp_path / "cache"
    monkeypatch.setenv("QKAWARD_CACHE_DIR", str(cache))
    assert CliRunner().invoke(app, ["validate", "-w", str(ws)]).exit_code in (0, 1)
    assert any(cache.rglob("*.parquet")), "the cache was not written"
    for p in [cache, *cache.rglob("*")]:
        if p.is_dir():
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, (p, oct(p.stat().st_mode))


# --------------------------------------------------------------------------------------------------
# 6. --verbose: a traceback, but never local variables
# --------------------------------------------------------------------------------------------------


def test_verbose_traceback_on_an_input_error_has_no_locals(tmp_path: Path) -> None:
    # A "talents.xlsx" that is not a spreadsheet, holding an ID number: the reader's locals hold it.
    bad = tmp_path / "talents.xlsx"
    bad.write_bytes(f"姓名,证件号码\n张三,{SECRET}\n".encode() * 50)
    result = subprocess.run(
        [sys.executable, "-m", "qkaward", "--verbose", "validate", "--talents", str(bad)],
        capture_output=True,
        text=True,
        env={**os.environ, "QKAWARD_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "200"},
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert "locals" not in result.stderr.lower()
    assert result.stderr.strip().splitlines()[-1].startswith("错误：")


@pytest.mark.parametrize("kind", ["qkaward_error", "bug"])
def test_verbose_traceback_never_prints_a_local_holding_personal_data(
    ws: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    import qkaward.inputs.load
    from qkaward.errors import InputError

    def leaky(*_a: Any, **_k: Any) -> Any:
        id_number = SECRET  # a local variable holding personal data
        if kind == "bug":
            raise RuntimeError(f"意外故障（{len(id_number)}）")
        raise InputError(f"无法读取人才名单（{len(id_number)}）")

    monkeypatch.setattr(qkaward.inputs.load, "load_inputs", leaky)  # validate imports it when run
    code, err = _main(["--verbose", "validate", "-w", str(ws)], capsys)
    assert code == 2
    assert "Traceback" in err and "leaky" in err  # the traceback is there …
    assert SECRET not in err  # … without the locals
    assert "locals" not in err.lower()
    assert ("内部错误：RuntimeError" if kind == "bug" else "错误：无法读取人才名单") in err


if __name__ == "__main__":
    child(sys.argv[1:])
