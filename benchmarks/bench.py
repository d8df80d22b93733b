"""The performance benchmark of issue 6: qkaward against the Excel floor and an analyst's pandas script.

    make bench                                            # 10,000 / 100,000 / 1,000,000 enterprises
    python benchmarks/bench.py --sizes 10000,100000 [--repeat 3] [--seed 2019] [--skip-report-above N]
    python benchmarks/bench.py --smoke                    # CI: 2,000 enterprises, one run, no reference
    python benchmarks/bench.py --sizes 100000 --contended # also (a)/(b) with one core kept busy

For each size the inputs are generated once by ``qkaward sample DIR --size N --seed S`` (statistics exports
for 2018–2020 and the tax export as xlsx, the same data as Parquet in ``DIR/parquet``) and kept in
``benchmarks/data/size-N-seed-S/`` (gitignored) for later invocations. Then, in the same invocation:

  (a) ``qkaward awards --year Y --format json -w DIR --no-cache`` — end to end on the xlsx inputs;
  (b) the floor: fastexcel/calamine loading every sheet of the same xlsx files as text into Polars, nothing
      else, one sheet after another (``floor`` below);
  (p) the same floor parsing as many sheets at a time as qkaward's reader does (two on this machine;
      information, no target: (a)/(b) sets qkaward on two cores against the floor on one, (a)/(p) sets
      them on equal terms);
  (c) ``benchmarks/reference.py``: the ladder rules written as analysts write them (pandas + openpyxl,
      a loop over rows);
  (d) ``qkaward awards`` on the Parquet workspace ``DIR/parquet``;
  (e) (a) again on unchanged inputs with qkaward's caches warmed once beforehand (not timed): the
      parsed-input cache and the results memo, so the rerun gives back its output without computing;
  (f) ``qkaward report --year Y -w DIR -o FILE.xlsx --no-cache`` — the full Excel report end to end on the
      same xlsx inputs, written into the invocation's scratch folder; after each run the file is checked
      (exists, non-empty) and deleted.

Every measurement is a **subprocess** of a fresh interpreter, timed from spawn to exit, so interpreter
start-up and imports are paid by each alike (qkaward's CLI, the floor and the reference all import Polars or
pandas), and so the peak RSS of each is its own: ``os.wait4`` returns the child's ``ru_maxrss``. The
repeats are interleaved (a, b, c, d, e, f, a, b, …) so that a change of machine load falls on every
measurement alike. Reported: the median wall time of the repeats, the largest peak RSS, and the ratios
(a)/(b), (c)/(a), (a)/(e) against the targets of issue 6; (f)/(a) and (f)−(a) in seconds (the difference of
the medians: what the report writer adds over ``awards``) as information only, the issue sets no number for
them. Also as information: (a)/(b) in CPU time, and, from /proc/stat around each run, the CPU time the rest
of the machine took meanwhile and the hypervisor's steal time — the floor parses on one core and qkaward
on two, so a busy second core (another process, or another guest on the host) slows (a) more than (b).
``--contended`` measures that directly: (g) and (h) are (a) and (b) run while a spinning process pinned to
one CPU keeps that core busy, interleaved with the others, and (g)/(h) is reported (information, no target).
The table is printed and written as JSON to ``benchmarks/results/bench-<size>.json`` with the machine's
load average before and after.

The reference is slow (about 13 s at 10,000 and minutes at 100,000), so it runs ``--reference-repeat``
times (default 1) and not at all above ``--skip-reference-above`` (default 100,000). Its first-reach lines
are compared with (a)'s output as sets of (credit_code, award); at the smallest size the comparison is also
made with every ladder threshold divided by 100 (``reference.py --check``), where hundreds of lines exist.
The report (f) runs as often as (a), at every size unless ``--skip-report-above N`` is given (``--smoke``
runs it once).

If ``qkaward awards --help`` does not offer ``--no-cache``, (a) and (f) run without it and (e) is a plain
rerun; the output says so. The cache is put in a fresh folder under ``benchmarks/data/``
(``QKAWARD_CACHE_DIR``) that is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
QKAWARD = str(BIN / "qkaward")
YEAR = 2020
SMOKE_SIZE = 2_000
#: Divisor of the ladder thresholds for the non-vacuous agreement check at the smallest size.
SCALE = 100
#: Targets of issue 6 ("Must reach").
TARGET_A_OVER_B = 1.5
TARGET_C_OVER_A = 10.0
TARGET_A_OVER_E = 5.0
TARGET_RSS_BYTES = 4 * 1024**3
#: Sizes at which each target is judged (issue 6); at other sizes the ratio is only reported.
A_OVER_B_AT = (100_000, 1_000_000)
C_OVER_A_AT = (100_000,)
RSS_AT = (1_000_000,)
LABELS = {
    "a": "(a) qkaward awards, xlsx, --no-cache",
    "b": "(b) floor: calamine → polars, text",
    "p": "(p) = (b), sheets parsed as (a) does",
    "c": "(c) reference: pandas + openpyxl",
    "d": "(d) qkaward awards, parquet",
    "e": "(e) qkaward awards, xlsx, cached",
    "f": "(f) qkaward report, xlsx, --no-cache",
    "g": "(g) = (a), one core kept busy",
    "h": "(h) = (b), one core kept busy",
}


# ----------------------------------------------------------------------------------------- floor (child mode)
def floor(directory: Path, threads: int = 1) -> int:
    """Load every sheet of every xlsx file in ``directory`` as text, nothing else; the number of rows.

    ``threads`` > 1: that many sheets at a time, as qkaward's reader parses them — a reader per sheet,
    the sheets of the largest share of a file first (calamine releases the GIL while it parses)."""
    import fastexcel

    def rows(reader: Any, sheet: str) -> int:
        return reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars().height

    paths = sorted(directory.glob("*.xlsx"))
    if threads <= 1:  # one reader per file, its sheets in order
        return sum(
            rows(reader, sheet) for reader in map(fastexcel.read_excel, paths) for sheet in reader.sheet_names
        )
    parts = []  # (weight, path, sheet)
    for path in paths:
        names = fastexcel.read_excel(path).sheet_names
        parts += [(path.stat().st_size // max(1, len(names)), path, sheet) for sheet in names]
    parts.sort(key=lambda part: -part[0])
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return sum(pool.map(lambda part: rows(fastexcel.read_excel(part[1]), part[2]), parts))


# ----------------------------------------------------------------------------------------- measuring
@dataclass
class Run:
    """One timed subprocess."""

    seconds: float
    max_rss_bytes: int
    cpu_seconds: float = 0.0  # the child's user + system time (all its threads)
    #: while it ran: CPU time the rest of the machine took (other processes, the kernel for them) and the
    #: time the hypervisor gave this machine's CPUs to other guests ("steal"); None without /proc/stat
    others_cpu_seconds: float | None = None
    steal_seconds: float | None = None


@dataclass
class Series:
    """The repeats of one measurement."""

    key: str
    cmd: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return self.median_of("seconds")

    @property
    def median_cpu(self) -> float | None:
        return self.median_of("cpu_seconds")

    @property
    def peak_rss(self) -> int | None:
        return max(r.max_rss_bytes for r in self.runs) if self.runs else None

    def median_of(self, attribute: str) -> float | None:
        """The median of a :class:`Run` attribute over the runs that have it; None without any."""
        known = [v for r in self.runs if (v := getattr(r, attribute)) is not None]
        return statistics.median(known) if known else None

    def as_json(self) -> dict[str, Any]:
        return {
            "label": LABELS[self.key],
            "cmd": [os.path.relpath(c, ROOT) if c.startswith(str(ROOT)) else c for c in self.cmd],
            "seconds": [round(r.seconds, 3) for r in self.runs],
            "median_s": None if self.median is None else round(self.median, 3),
            "cpu_s": [round(r.cpu_seconds, 3) for r in self.runs],
            "median_cpu_s": None if self.median_cpu is None else round(self.median_cpu, 3),
            "others_cpu_s": [_rounded(r.others_cpu_seconds) for r in self.runs],
            "steal_s": [_rounded(r.steal_seconds) for r in self.runs],
            "peak_rss_mb": None if self.peak_rss is None else round(self.peak_rss / 1024**2, 1),
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


#: /proc/stat's first line: cpu user nice system idle iowait irq softirq steal … (clock ticks)
PROC_STAT = Path("/proc/stat")


def machine_ticks(text: str) -> tuple[int, int]:
    """(busy, steal) clock ticks of all CPUs from /proc/stat's text: busy = user + nice + system + irq +
    softirq (not idle, iowait or steal)."""
    fields = [int(v) for v in text.split("\n", 1)[0].split()[1:9]]
    fields += [0] * (8 - len(fields))  # a kernel without the steal column
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return user + nice + system + irq + softirq, steal


def _ticks() -> tuple[int, int] | None:
    try:
        return machine_ticks(PROC_STAT.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def measure(cmd: Sequence[str], env: dict[str, str], log: Path) -> Run:
    """Run ``cmd`` to completion; wall time from spawn to exit, the child's peak RSS (``ru_maxrss``) and
    CPU time, and what else the machine did meanwhile (:class:`Run`)."""
    with log.open("wb") as out:
        before = _ticks()
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        after = _ticks()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"exit {proc.returncode}: {' '.join(cmd)}\n{tail}")
    cpu = usage.ru_utime + usage.ru_stime
    run = Run(seconds, usage.ru_maxrss * 1024, cpu)  # ru_maxrss: kilobytes
    if before is not None and after is not None:
        tick = os.sysconf("SC_CLK_TCK")
        # ticks are sampled: the rest of the machine's share is exact to a few ticks, never below 0
        run.others_cpu_seconds = max(0.0, (after[0] - before[0]) / tick - cpu)
        run.steal_seconds = (after[1] - before[1]) / tick
    return run


@contextlib.contextmanager
def busy_core() -> Iterator[int]:
    """Another process keeping one core busy meanwhile — a spinning interpreter pinned to the last CPU
    this process may use — as another program, or another guest of the host, would: the floor parses on
    one core, qkaward on two. Yields the spinner's pid; it is killed on the way out, whatever happens."""
    cpus = sorted(os.sched_getaffinity(0))
    spinner = subprocess.Popen(
        [sys.executable, "-c", "while True: pass"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        os.sched_setaffinity(spinner.pid, {cpus[-1]})
        yield spinner.pid
    finally:
        spinner.kill()
        spinner.wait()


def can_contend() -> bool:
    """Whether :func:`busy_core` can run here: Linux CPU affinity and at least two CPUs."""
    return hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) >= 2


def check_written(path: Path) -> None:
    """Fail unless a run wrote ``path`` (exists, non-empty); then delete it, so repeats do not pile up."""
    if not path.is_file() or path.stat().st_size == 0:
        raise RuntimeError(f"the report was not written: {path} is missing or empty")
    path.unlink()


def load() -> dict[str, Any]:
    """The machine's load: /proc/loadavg and `uptime`."""
    up = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return {"loadavg": os.getloadavg(), "uptime": up}


# ----------------------------------------------------------------------------------------- data
def generate_once(target: Path, write: Callable[[Path], object], what: str) -> Path:
    """``target``, written by ``write(folder)`` on first use: into a temporary folder renamed into
    place, with a ``.complete`` marker, so an interrupted generation is never taken for data."""
    if (target / ".complete").exists():
        return target
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {what} into {target} …", flush=True)
    start = time.perf_counter()
    write(tmp)
    tmp.rename(target)
    (target / ".complete").write_text(f"generated in {time.perf_counter() - start:.1f} s\n", encoding="utf-8")
    return target


def ensure_data(data_dir: Path, size: int, seed: int) -> Path:
    """The generated workspace for (size, seed) (``qkaward sample --size``), generated on first use."""

    def write(folder: Path) -> None:
        cmd = [QKAWARD, "sample", str(folder), "--size", str(size), "--seed", str(seed)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)

    return generate_once(data_dir / f"size-{size}-seed-{seed}", write, f"{size} enterprises (seed {seed})")


def cache_flag_available() -> bool:
    """Whether this qkaward's ``awards`` has ``--no-cache``."""
    out = subprocess.run([QKAWARD, "awards", "--help"], capture_output=True, text=True, check=False).stdout
    return "--no-cache" in out


# ----------------------------------------------------------------------------------------- one size
def ladder_pairs(path: Path) -> tuple[set[tuple[str, str]], int]:
    """(credit_code, award) of the first-reach lines in a JSON output, and the number of award lines."""
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    pairs = {
        (i["credit_code"], i["award"]) for i in items if str(i["award"]).startswith("ladder.first_reach.")
    }
    return pairs, len(items)


def bench_size(size: int, args: argparse.Namespace, has_cache: bool) -> dict[str, Any]:
    """All measurements for one size; the result document."""
    data = ensure_data(args.data_dir, size, args.seed)
    repeat = args.repeat if args.repeat is not None else (1 if size >= 1_000_000 else 3)
    run_reference = not args.smoke and size <= args.skip_reference_above
    run_report = args.skip_report_above is None or size <= args.skip_report_above
    ref_repeat = min(repeat, args.reference_repeat)
    notes: list[str] = []
    warmed: set[str] = set()
    work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-", dir=args.data_dir))
    env = dict(os.environ)
    env["QKAWARD_CACHE_DIR"] = str(work / "cache")
    py = sys.executable
    from qkaward.inputs.load import read_threads

    threads = read_threads()  # how many sheets qkaward parses at a time here, for (p)
    out = {k: work / f"{k}.json" for k in "acdeg"}
    out["f"] = work / "f.xlsx"

    def awards(workspace: Path, dest: Path, no_cache: bool) -> list[str]:
        cmd = [
            QKAWARD,
            "awards",
            "--year",
            str(args.year),
            "--format",
            "json",
            "-w",
            str(workspace),
            "-o",
            str(dest),
        ]
        return cmd + (["--no-cache"] if no_cache and has_cache else [])

    def report(workspace: Path, dest: Path) -> list[str]:
        cmd = [QKAWARD, "report", "--year", str(args.year), "-w", str(workspace), "-o", str(dest)]
        return cmd + (["--no-cache"] if has_cache else [])

    series = {
        "a": Series("a", awards(data, out["a"], True)),
        "b": Series("b", [py, str(HERE / "bench.py"), "--floor", str(data)]),
        "p": Series("p", [py, str(HERE / "bench.py"), "--floor", str(data), "--floor-threads", str(threads)]),
        "c": Series(
            "c", [py, str(HERE / "reference.py"), str(data), "--year", str(args.year), "-o", str(out["c"])]
        ),
        "d": Series("d", awards(data / "parquet", out["d"], True)),
        "e": Series("e", awards(data, out["e"], False)),
        "f": Series("f", report(data, out["f"])),
    }
    contended = args.contended and can_contend()
    if contended:  # (a) and (b) again, each while another process keeps one core busy
        series["g"] = Series("g", awards(data, out["g"], True))
        series["h"] = Series("h", series["b"].cmd)
    elif args.contended:
        notes.append("--contended needs Linux CPU affinity and two CPUs: (g) and (h) not measured")
    if not has_cache:
        notes.append(
            "qkaward awards has no --no-cache: (a) and (f) ran without it and (e) is a plain rerun, no cache"
        )
    if not run_reference:
        notes.append(
            f"reference (c) skipped (smoke, or size > --skip-reference-above {args.skip_reference_above})"
        )
    if not run_report:
        notes.append(f"report (f) skipped (size > --skip-report-above {args.skip_report_above})")
    before = load()
    git_before = _git()
    try:
        if has_cache:  # warm the cache once, untimed
            measure(series["e"].cmd, env, work / "warm.log")
            warmed = _entries(work / "cache")
            if not warmed:
                notes.append("after warming, QKAWARD_CACHE_DIR is empty: the cache is not used")
        for r in range(repeat):
            for key, s in series.items():
                if key == "c" and (not run_reference or r >= ref_repeat):
                    continue
                if key == "f" and not run_report:
                    continue
                with busy_core() if key in "gh" else contextlib.nullcontext():
                    s.runs.append(measure(s.cmd, env, work / f"{key}-{r}.log"))
                if key == "f":
                    check_written(out["f"])
                print(f"  {size:>9,} {LABELS[key]:<40} run {r + 1}: {s.runs[-1].seconds:8.2f} s", flush=True)
        after = load()
        if has_cache and warmed and (grown := _entries(work / "cache") - warmed):
            notes.append(
                f"the cache MISSED on the reruns: (e) wrote {len(grown)} new entries after the warm-up "
                "(an unstable cache key?), so (e) measured a re-parse"
            )
        if _git() != git_before:
            notes.append(f"qkaward's code changed during the measurements ({git_before} → {_git()})")
        agreement: dict[str, Any] = {}
        a_pairs, a_lines = ladder_pairs(out["a"])
        agreement["qkaward_award_lines"] = a_lines
        agreement["qkaward_first_reach_lines"] = len(a_pairs)
        for key in "deg" if contended else "de":
            pairs, lines = ladder_pairs(out[key])
            agreement[f"{key}_same_first_reach_as_a"] = pairs == a_pairs
            agreement[f"{key}_same_line_count_as_a"] = lines == a_lines
        if run_reference:
            ref_pairs = {
                (i["credit_code"], i["award"]) for i in json.loads(out["c"].read_text("utf-8"))["items"]
            }
            agreement["reference_first_reach_lines"] = len(ref_pairs)
            agreement["reference_agrees"] = ref_pairs == a_pairs
            if not a_pairs:
                notes.append(
                    "no enterprise reaches a ladder tier at this size: the agreement above is vacuous"
                )
        if args.check_scaled and run_reference:
            sys.path.insert(0, str(HERE))
            import reference

            from qkaward.policy import load_policy

            scaled = reference.scaled_overrides(SCALE)
            agreement[f"scaled_thresholds_div_{SCALE}"] = reference.compare(
                reference.first_reach_lines(data, args.year, load_policy(overrides=scaled)),
                reference.run_qkaward(data, args.year, scaled),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def ratio(x: str, y: str, cpu: bool = False) -> float | None:
        """median(x) / median(y), of the wall times or (``cpu``) of the CPU times."""
        mx, my = (series[x].median_cpu, series[y].median_cpu) if cpu else (series[x].median, series[y].median)
        return None if mx is None or my is None or my == 0 else round(mx / my, 2)

    rss = [s.peak_rss for k, s in series.items() if k in "ade" and s.peak_rss is not None]
    peak = max(rss) if rss else None
    ratios = {"a/b": ratio("a", "b"), "c/a": ratio("c", "a"), "a/e": ratio("a", "e"), "f/a": ratio("f", "a")}
    # Information, no target: the CPU time (a) spends per second of the floor's. The floor parses on one
    # core, qkaward two sheets at a time; when the second core is busy, (a)/(b) tends towards this.
    ratios["a/b cpu"] = ratio("a", "b", cpu=True)
    # Information, no target: (a) against the floor parsing as many sheets at a time as qkaward does
    ratios["a/p"] = ratio("a", "p")
    # Information, no target: (a)/(b) while another process keeps one core busy (--contended)
    ratios["a/b busy"] = ratio("g", "h") if contended else None
    # Information, no target: how busy the rest of the machine (and the host) was during (a) and (b).
    contention = {
        k: {
            "others_cpu_s": _rounded(series[k].median_of("others_cpu_seconds")),
            "steal_s": _rounded(series[k].median_of("steal_seconds")),
        }
        for k in "ab"
    }
    ma, mf = series["a"].median, series["f"].median
    differences = {"f-a": None if ma is None or mf is None else round(mf - ma, 3)}  # seconds
    judged = not args.smoke  # the smoke run only shows that the benchmark works
    targets = {
        "a/b <= 1.5": _judge(ratios["a/b"], lambda v: v <= TARGET_A_OVER_B, judged and size in A_OVER_B_AT),
        "c/a >= 10": _judge(ratios["c/a"], lambda v: v >= TARGET_C_OVER_A, judged and size in C_OVER_A_AT),
        "a/e >= 5": _judge(ratios["a/e"], lambda v: v >= TARGET_A_OVER_E, judged),
        "peak RSS <= 4 GB": _judge(peak, lambda v: v <= TARGET_RSS_BYTES, judged and size in RSS_AT),
        "f/a (no target)": "n/a" if ratios["f/a"] is None else "info",  # the issue sets no number
    }
    return {
        "schema": "qkaward.bench/1",
        "size": size,
        "seed": args.seed,
        "year": args.year,
        "repeat": repeat,
        "reference_repeat": ref_repeat if run_reference else 0,
        "data": os.path.relpath(data, ROOT),
        "cache_option": has_cache,
        "floor_threads": threads,
        "measurements": {k: s.as_json() for k, s in series.items()},
        "ratios": ratios,
        "differences_s": differences,
        "contention": contention,
        "qkaward_peak_rss_mb": None if peak is None else round(peak / 1024**2, 1),
        "targets": targets,
        "agreement": agreement,
        "notes": notes,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": before,
            "load_after": after,
            "versions": _versions(),
            "git": git_before,
        },
    }


def _entries(cache: Path) -> set[str]:
    """The entry names in a cache folder (empty when there is none)."""
    return {p.name for p in cache.iterdir() if not p.name.startswith(".")} if cache.is_dir() else set()


def _judge(value: float | None, ok: Any, applies: bool) -> str:
    """'pass' / 'FAIL' where the issue sets the target at this size, else 'info'; 'n/a' without a value."""
    if value is None:
        return "n/a"
    if not applies:
        return "info (" + ("met" if ok(value) else "not met") + ")"
    return "pass" if ok(value) else "FAIL"


def _duration(value: float | None) -> str:
    """Seconds for the table; '-' without a value."""
    return "-" if value is None else f"{value:.2f} s"


def _seconds(value: float | None) -> str:
    """A difference in seconds for the table; '-' without a value."""
    return "-" if value is None else f"{value:+.2f} s"


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("qkaward", "polars", "fastexcel", "pandas", "openpyxl"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "-"
    return out


def _git() -> str:
    """HEAD, plus a hash of qkaward's source as it is on disk (uncommitted edits included)."""
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    digest = hashlib.sha256()
    for path in sorted((ROOT / "qkaward").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return f"{head.stdout.strip()} src:{digest.hexdigest()[:10]}"


# ----------------------------------------------------------------------------------------- report
def table(result: dict[str, Any]) -> str:
    """The printed table for one size."""
    m = result["measurements"]
    lines = [
        f"size {result['size']:,} enterprises × 2018–2020, seed {result['seed']}, year {result['year']}, "
        f"repeat {result['repeat']} (reference {result['reference_repeat']})",
        f"load before: {result['machine']['load_before']['uptime']}",
        f"load after:  {result['machine']['load_after']['uptime']}",
        f"{'measurement':<42}{'median s':>10}  {'runs':<30}{'peak RSS MB':>12}",
    ]
    for s in m.values():
        med = "-" if s["median_s"] is None else f"{s['median_s']:.2f}"
        runs = " ".join(f"{v:.2f}" for v in s["seconds"]) or "skipped"
        rss = "-" if s["peak_rss_mb"] is None else f"{s['peak_rss_mb']:.0f}"
        lines.append(f"{s['label']:<42}{med:>10}  {runs:<30}{rss:>12}")  # runs can be wide: left-aligned
    r, t = result["ratios"], result["targets"]
    lines.append(
        f"(a)/(b) = {r['a/b']}  [{t['a/b <= 1.5']}]   (c)/(a) = {r['c/a']}  [{t['c/a >= 10']}]   "
        f"(a)/(e) = {r['a/e']}  [{t['a/e >= 5']}]   peak RSS {result['qkaward_peak_rss_mb']} MB "
        f"[{t['peak RSS <= 4 GB']}]   (f)/(a) = {r['f/a']}  [{t['f/a (no target)']}]   "
        f"(f)−(a) = {_seconds(result['differences_s']['f-a'])}   "
        f"(a)/(b) CPU time = {r.get('a/b cpu')}  [info]"
    )
    if r.get("a/p") is not None:
        lines.append(
            f"(a)/(p) = {r['a/p']}  [info]: against the floor parsing {result['floor_threads']} sheets "
            "at a time, as qkaward does"
        )
    if r.get("a/b busy") is not None:
        lines.append(f"(g)/(h) = {r['a/b busy']}  [info]: (a)/(b) while another process keeps one core busy")
    c = result.get("contention")
    if c:
        lines.append(
            "during (a) / (b), medians: the rest of the machine's CPU time "
            f"{_duration(c['a']['others_cpu_s'])} / {_duration(c['b']['others_cpu_s'])}, "
            f"steal {_duration(c['a']['steal_s'])} / {_duration(c['b']['steal_s'])}  [info]"
        )
    lines.append("agreement: " + json.dumps(result["agreement"], ensure_ascii=False))
    lines += [f"note: {n}" for n in result["notes"]]
    return "\n".join(lines)


def compile_package() -> None:
    """Write qkaward's bytecode, as installing a wheel does. The editable install of `make` leaves it
    to the first import, and with PYTHONDONTWRITEBYTECODE set (as on CI machines) every run would
    compile ~40 modules again (~0.15 s) — a cost no installed copy pays."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "qkaward")], check=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated enterprise counts")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement (default 3; 1 at ≥1M)")
    parser.add_argument(
        "--reference-repeat", type=int, default=1, help="runs of the slow reference (default 1)"
    )
    parser.add_argument("--skip-reference-above", type=int, default=100_000, metavar="N")
    parser.add_argument(
        "--skip-report-above", type=int, default=None, metavar="N", help="default: the report at every size"
    )
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--year", type=int, default=YEAR)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results")
    parser.add_argument(
        "--no-check-scaled",
        dest="check_scaled",
        action="store_false",
        help="skip the agreement check with thresholds ÷ 100 at the smallest size",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="2,000 enterprises, one run, no reference, one report (CI)"
    )
    parser.add_argument(
        "--contended",
        action="store_true",
        help="also (g), (h): (a) and (b) while another process keeps one core busy (information)",
    )
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)  # child mode for (b) and (p)
    parser.add_argument("--floor-threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor is not None:
        floor(args.floor, args.floor_threads)
        return 0
    if args.smoke:
        sizes = [SMOKE_SIZE]
        args.repeat = 1
        args.results_dir = args.data_dir / "results-smoke"
    else:
        sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    has_cache = cache_flag_available()
    compile_package()
    args.results_dir.mkdir(parents=True, exist_ok=True)
    for i, size in enumerate(sizes):
        args.check_scaled = args.check_scaled and i == 0
        result = bench_size(size, args, has_cache)
        path = args.results_dir / f"bench-{size}.json"
        path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(table(result), flush=True)
        print(f"→ {os.path.relpath(path, ROOT)}\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
