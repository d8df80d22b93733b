"""Where qkaward's CPU time goes, phase by phase, against the floor's — one process, one thread.

    python benchmarks/phases.py [DIR] [--year 2020] [--repeat 3]

DIR defaults to the benchmark's 100,000-enterprise data (``benchmarks/data/size-100000-seed-2019``, made by
``make bench``). Polars and qkaward's reader are held to one thread (``POLARS_MAX_THREADS=1``,
``QKAWARD_READ_THREADS=1``), so a phase's CPU time is its own and the phases add up. Each pass measures the
floor (bench.py's: fastexcel loading every sheet as text) and then the work of ``qkaward awards --format json
--no-cache``: ``load_inputs``, the rules (``qkaward.rules.run``) and the JSON document, with the functions
named in the table timed where they are called (wrapped for the measurement; a phase includes the rows
indented under it). Printed: the median CPU seconds of ``--repeat`` passes, the minor page faults of the first
pass (a fresh process's; later passes reuse memory), and qkaward over the floor in CPU time — what bench.py's
(a)/(b) tends to when qkaward has one core. Interpreter start-up and imports are left out of both.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import itertools
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

#: (depth, label, module, function): the timed phases in table order; depth 0 is a top-level phase.
PHASES = (
    (0, "floor: fastexcel, every sheet as text", "bench", "floor"),
    (0, "load_inputs", "qkaward.inputs.load", "load_inputs"),
    (1, "per-sheet checks and parsers (_read_sheet)", "qkaward.inputs.read", "_read_sheet"),
    (2, "credit-code check (check_frame)", "qkaward.inputs.read", "check_frame"),
    (2, "cell parsers (values.apply)", "qkaward.inputs.values", "apply"),
    (1, "header search (find_header)", "qkaward.inputs.read", "find_header"),
    (1, "sheets into a file (combine)", "qkaward.inputs.load", "combine"),
    (1, "a role's rows sorted once (role_order)", "qkaward.inputs.load", "role_order"),
    (1, "duplicate rows (dedupe)", "qkaward.inputs.load", "dedupe"),
    (1, "unit jumps (unit_jumps)", "qkaward.inputs.load", "unit_jumps"),
    (0, "rules (qkaward.rules.run)", "qkaward.rules", "run"),
    (1, "enterprise × year frame (build_frame)", "qkaward.rules", "build_frame"),
    (1, "ladder flags (ladder_flags)", "qkaward.rules", "ladder_flags"),
    (1, "first reach (first_reach)", "qkaward.rules", "first_reach"),
    (1, "growth awards (growth)", "qkaward.rules", "growth"),
    (1, "scale-entry awards (scale_entry)", "qkaward.rules", "scale_entry"),
    (0, "JSON document (envelope)", "qkaward.render.machine", "envelope"),
)


def _usage() -> tuple[float, int]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_minflt


class Meter:
    """CPU seconds and minor page faults per phase, summed within a pass."""

    def __init__(self) -> None:
        self.passes: list[dict[str, tuple[float, int]]] = []

    def start_pass(self) -> None:
        self.passes.append({})

    def wrap(self, label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            cpu, faults = _usage()
            try:
                return function(*args, **kwargs)
            finally:
                cpu2, faults2 = _usage()
                seen = self.passes[-1].get(label, (0.0, 0))
                self.passes[-1][label] = (seen[0] + cpu2 - cpu, seen[1] + faults2 - faults)

        return timed

    def median(self, label: str) -> float:
        return statistics.median(p.get(label, (0.0, 0))[0] for p in self.passes)

    def first_faults(self, label: str) -> int:
        return self.passes[0].get(label, (0.0, 0))[1]


def instrument(meter: Meter) -> None:
    """Wrap every function of :data:`PHASES` in the module that calls it."""
    import importlib

    for _, label, module, name in PHASES:
        mod = importlib.import_module(module)
        setattr(mod, name, meter.wrap(label, getattr(mod, name)))


def one_pass(directory: Path, year: int) -> None:
    """The floor, then what ``qkaward awards --format json --no-cache`` computes, as the CLI computes it."""
    import bench

    from qkaward import cli, runner
    from qkaward.inputs.workspace import read_workspace

    bench.floor(directory)
    prepared = runner.prepare(dataclasses.replace(read_workspace(directory), cache=None), year)
    cli._awards_text(prepared, fmt="json", year=year)


def table(meter: Meter) -> str:
    """The printed table."""
    lines = [f"{'phase':<52}{'CPU s':>8}{'faults':>10}"]
    for i, (depth, label, _, _) in enumerate(PHASES):
        lines.append(f"{'  ' * depth + label:<52}{meter.median(label):>8.2f}{meter.first_faults(label):>10,}")
        if label == "load_inputs":  # what its timed parts (the depth-1 rows up to the next phase) leave
            parts = [lb for d, lb, _, _ in itertools.takewhile(lambda p: p[0] > 0, PHASES[i + 1 :]) if d == 1]
            rest = meter.median(label) - sum(meter.median(lb) for lb in parts)
            lines.append(f"{'  reading the xlsx (calamine), the rest':<52}{rest:>8.2f}")
    floor = meter.median(PHASES[0][1])
    qkaward = sum(meter.median(label) for depth, label, _, _ in PHASES[1:] if depth == 0)
    lines.append(f"{'qkaward (the three top-level phases)':<52}{qkaward:>8.2f}")
    lines.append(f"qkaward / floor in CPU time, one thread: {qkaward / floor:.2f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", nargs="?", type=Path, default=HERE / "data" / "size-100000-seed-2019")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["POLARS_MAX_THREADS"] = "1"  # before instrument() imports Polars
    os.environ["QKAWARD_READ_THREADS"] = "1"
    sys.path.insert(0, str(HERE))  # the floor is bench.py's
    if not args.directory.is_dir():
        parser.error(f"{args.directory} is not a folder (make bench generates the benchmark data)")
    meter = Meter()
    instrument(meter)
    for _ in range(args.repeat):
        meter.start_pass()
        one_pass(args.directory, args.year)
    print(f"{args.directory}, year {args.year}, {args.repeat} passes, one thread ({time.strftime('%H:%M')})")
    print(table(meter))
    return 0


if __name__ == "__main__":
    sys.exit(main())
