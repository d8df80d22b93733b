"""How large a run fits on one machine: qkaward on Parquet inputs of millions of enterprise-years.

    python benchmarks/scale.py --enterprises 3334000            # ≈ 10,000,000 tax rows (3 years)
    python benchmarks/scale.py --enterprises 1000000 --threads 1

The inputs are the benchmark data set of ``qkaward sample --size N`` written as Parquet only (an xlsx
sheet holds at most 1,048,576 rows, so a city of millions is exported as Parquet or CSV anyway): the
statistics exports for 2018–2020 and the tax export, generated once into
``benchmarks/data/parquet-N-seed-S/`` (gitignored). Then ``qkaward awards --year 2020 --format json
--no-cache`` runs once as a child process; its wall time and peak RSS (``os.wait4``) are printed and
written to ``benchmarks/results/scale-N.json`` with the number of input rows and enterprise-years.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import QKAWARD, ROOT, YEAR, _git, compile_package, generate_once, load, measure  # noqa: E402


def ensure_parquet(data_dir: Path, size: int, seed: int) -> Path:
    """The Parquet workspace for (size, seed), generated on first use."""
    from qkaward.sample import _write_big_parquet, build_columns

    target = data_dir / f"parquet-{size}-seed-{seed}"
    what = f"{size} enterprises (seed {seed}) as Parquet"
    return generate_once(target, lambda folder: _write_big_parquet(folder, build_columns(size, seed)), what)


def input_rows(directory: Path) -> dict[str, int]:
    import polars as pl

    return {
        p.name: pl.scan_parquet(p).select(pl.len()).collect().item()
        for p in sorted(directory.glob("*.parquet"))
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=3_334_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--results-dir", type=Path, default=HERE / "results")
    parser.add_argument(
        "--threads", type=int, help="QKAWARD_READ_THREADS for the run (default: qkaward's own)"
    )
    args = parser.parse_args(argv)
    compile_package()
    data = ensure_parquet(args.data_dir, args.enterprises, args.seed)
    rows = input_rows(data)
    work = args.data_dir / f"scale-{args.enterprises}.out"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    if args.threads:
        env["QKAWARD_READ_THREADS"] = str(args.threads)
    cmd = [QKAWARD, "awards", "--year", str(YEAR), "--format", "json", "-w", str(data), "--no-cache"]
    cmd += ["-o", str(work / "awards.json")]
    before = load()
    run = measure(cmd, env, work / "run.log")
    doc = json.loads((work / "awards.json").read_text(encoding="utf-8"))
    result = {
        "schema": "qkaward.scale/1",
        "enterprises": args.enterprises,
        "seed": args.seed,
        "input_rows": rows,
        "tax_rows": rows.get("tax.parquet"),
        "input_rows_total": sum(rows.values()),
        "cmd": [os.path.relpath(c, ROOT) if c.startswith(str(ROOT)) else c for c in cmd],
        "read_threads": args.threads,
        "seconds": round(run.seconds, 1),
        "peak_rss_mb": round(run.max_rss_bytes / 1024**2),
        "award_lines": len(doc["items"]),
        "problems": len(doc["problems"]),
        "load_before": before,
        "load_after": load(),
        "cpu_count": os.cpu_count(),
        "git": _git(),
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    out = args.results_dir / f"scale-{args.enterprises}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(
        f"{args.enterprises:,} enterprises, {result['input_rows_total']:,} input rows "
        f"(tax {result['tax_rows']:,}): {result['seconds']} s, peak RSS {result['peak_rss_mb']:,} MB, "
        f"{result['award_lines']} award lines → {os.path.relpath(out, ROOT)}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
