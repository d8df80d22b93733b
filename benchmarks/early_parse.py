"""What starting the parse at process start would save (issue [5/6]) — a probe, not the product.

    python benchmarks/early_parse.py [DIR] [--repeat 6]

qkaward reaches its first sheet parse only after importing typer, Polars, the policy and the rules and loading
the policy; the floor (bench.py) parses as soon as fastexcel is imported and imports Polars while its first
sheet parses. This probe runs ``qkaward awards --format json --no-cache`` on DIR (default: the benchmark's
100,000-enterprise data) in fresh processes, alternating three ways:

- ``plain``: qkaward as it is;
- ``early``: every sheet of DIR's xlsx files parsed on two threads from the first line of the process,
  fastexcel patched so that qkaward's unchanged loader takes the parsed sheet instead of parsing it again;
- ``late``: the same parse, started only when ``load_inputs`` is called.

It prints each run's wall seconds and the medians, and checks that the three give the same JSON. What a real
version must also do (not done here): skip files the parsed-input cache or the results memo answers, never
wait at exit for parses nobody uses, report the same errors, and bound how far the parse runs ahead (memory).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("plain", "early", "late")


def child(mode: str, workspace: Path, out: Path) -> None:
    """One qkaward run in this process, with the sheets parsed ahead as ``mode`` says."""
    from concurrent.futures import Future, ThreadPoolExecutor

    import fastexcel

    original = fastexcel.ExcelReader.load_sheet
    ahead: dict[tuple[str, str], Future] = {}

    def parse(path: str, sheet: str):
        return original(fastexcel.read_excel(path), sheet, header_row=None, skip_rows=0, dtypes="string")

    def start() -> None:
        jobs = []  # as the loader orders them: the largest share of a file first
        for path in sorted(workspace.glob("*.xlsx")):
            names = fastexcel.read_excel(path).sheet_names
            jobs += [(path.stat().st_size // len(names), str(path.resolve()), name) for name in names]
        pool = ThreadPoolExecutor(2)
        for _, path, name in sorted(jobs, key=lambda job: -job[0]):
            ahead[(path, name)] = pool.submit(parse, path, name)

    read_excel = fastexcel.read_excel

    def tagged(source):
        reader = read_excel(source)
        if not isinstance(source, bytes):
            reader._probe_path = str(Path(source).resolve())
        return reader

    def load_sheet(self, name, **options):
        parsed = ahead.pop((getattr(self, "_probe_path", None), name), None)
        return parsed.result() if parsed is not None else original(self, name, **options)

    if mode != "plain":
        fastexcel.read_excel = tagged
        fastexcel.ExcelReader.load_sheet = load_sheet
    if mode == "early":
        start()
    elif mode == "late":
        import qkaward.inputs.load as load

        load_inputs = load.load_inputs

        def started(*args, **kwargs):
            start()
            return load_inputs(*args, **kwargs)

        load.load_inputs = started  # the runner imports it when it computes
    sys.argv = ["qkaward", "awards", "--year", "2020", "--format", "json", "--no-cache"]
    sys.argv += ["-w", str(workspace), "-o", str(out)]
    from qkaward.cli import app

    try:
        app()
    except SystemExit as done:
        if done.code not in (None, 0):
            raise
    if ahead:
        raise SystemExit(f"parsed ahead and not used: {sorted(ahead)}")


def main(argv: Sequence[str] | None = None) -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("workspace", nargs="?", type=Path, default=HERE / "data" / "size-100000-seed-2019")
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workspace = args.workspace.resolve()
    if args.child:
        child(args.child, workspace, args.out)
        return 0
    if not (workspace / "qkaward.toml").exists():
        parser.error(f"{workspace} has no qkaward.toml (make it with `qkaward sample DIR --size N`)")
    seconds: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        outputs = {mode: Path(tmp) / f"{mode}.json" for mode in MODES}
        for _ in range(args.repeat):
            for mode in MODES:
                cmd = [sys.executable, __file__, str(workspace), "--child", mode, "--out", str(outputs[mode])]
                start = time.perf_counter()
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
                seconds[mode].append(time.perf_counter() - start)
            print("  ".join(f"{mode} {seconds[mode][-1]:.3f}" for mode in MODES), flush=True)
        same = len({outputs[mode].read_bytes() for mode in MODES}) == 1
    print("medians: " + "  ".join(f"{mode} {statistics.median(seconds[mode]):.3f} s" for mode in MODES))
    print(f"same JSON from the three: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
