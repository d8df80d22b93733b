"""The benchmark's measuring aids: bench.py's /proc/stat reading and busy core, phases.py's table."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"qkaward_bench_{name}", BENCH.parent / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _bench():
    return _bench_module("bench")


def test_busy_is_user_nice_system_irq_softirq_and_steal_its_own_column() -> None:
    bench = _bench()
    text = "cpu  4838101 29247 927822 7496058 22398 0 22471 32313 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"
    assert bench.machine_ticks(text) == (4838101 + 29247 + 927822 + 0 + 22471, 32313)


def test_a_kernel_without_the_steal_column_reads_as_no_steal() -> None:
    bench = _bench()
    assert bench.machine_ticks("cpu  10 1 5 100 2 3 4\n") == (10 + 1 + 5 + 3 + 4, 0)


def test_a_run_records_the_rest_of_the_machine_and_steal(tmp_path: Path) -> None:
    """On Linux, where /proc/stat exists, a measured run carries both figures, neither negative."""
    bench = _bench()
    run = bench.measure([sys.executable, "-c", "pass"], {}, tmp_path / "log")
    if not bench.PROC_STAT.exists():
        assert run.others_cpu_seconds is None and run.steal_seconds is None
        return
    assert run.others_cpu_seconds is not None and run.others_cpu_seconds >= 0
    assert run.steal_seconds is not None and run.steal_seconds >= 0


def test_busy_core_spins_on_the_last_cpu_and_is_gone_afterwards() -> None:
    bench = _bench()
    if not bench.can_contend():  # one CPU: nothing to keep busy beside the measured run
        assert len(os.sched_getaffinity(0)) < 2
        return
    last = max(os.sched_getaffinity(0))
    with bench.busy_core() as pid:
        assert os.sched_getaffinity(pid) == {last}
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
    with pytest.raises(RuntimeError), bench.busy_core() as pid:
        raise RuntimeError("a failed measurement")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # also when the measurement fails


def test_phases_times_every_phase_and_the_top_level_ones_add_up() -> None:
    """benchmarks/phases.py on the sample data: a row for every phase, and qkaward's total is the sum of its
    three top-level phases (a separate process: it wraps qkaward's functions to time them)."""
    import re
    import subprocess

    root = BENCH.parent.parent
    done = subprocess.run(
        [sys.executable, str(BENCH.parent / "phases.py"), str(root / "sample_data"), "--repeat", "1"],
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    phases = _bench_module("phases").PHASES
    rows = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^\s*(.+?)\s+(\d+\.\d\d)(?:\s+[\d,]+)?$", line)
        if match:
            rows[match.group(1)] = float(match.group(2))
    assert all(label in rows for _, label, _, _ in phases)
    top = [label for depth, label, _, _ in phases[1:] if depth == 0]
    assert rows["qkaward (the three top-level phases)"] == pytest.approx(sum(rows[t] for t in top), abs=0.02)
    assert "qkaward / floor in CPU time, one thread:" in done.stdout


def test_the_parallel_floor_reads_the_rows_the_floor_reads() -> None:
    """(p) parses the sheets of sample_data's workbooks on two threads: the same rows as (b)."""
    bench = _bench()
    sample = BENCH.parent.parent / "sample_data"
    assert len(list(sample.glob("*.xlsx"))) > 1  # several workbooks to share out
    one = bench.floor(sample)
    assert one > 0
    assert bench.floor(sample, threads=2) == one
