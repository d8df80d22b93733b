"""All files of a run → :class:`qkaward.schema.Inputs`, with duplicates across files resolved."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from qkaward.errors import UsageError
from qkaward.fingerprint import sha256_of
from qkaward.inputs.columns import ColumnConfig, load_columns
from qkaward.inputs.creditcode import code_key
from qkaward.inputs.read import RoleRead, read_role_file, role_schema
from qkaward.inputs.workspace import ROLES, InputSpec
from qkaward.schema import PROBLEM, Inputs, empty

#: Files read at the same time by default (this machine class has 2 cores); QKAWARD_READ_THREADS overrides.
READ_THREADS = 2


def read_threads() -> int:
    """How many files are read at the same time: ``$QKAWARD_READ_THREADS`` (1 halves the peak memory
    of a run whose files are each large), else :data:`READ_THREADS`, never more than the cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        wanted = int(os.environ.get("QKAWARD_READ_THREADS", READ_THREADS))
    except ValueError:
        raise UsageError("环境变量 QKAWARD_READ_THREADS 应为正整数") from None
    if wanted < 1:
        raise UsageError("环境变量 QKAWARD_READ_THREADS 应为正整数")
    return min(wanted, cores)


#: The key a role's rows must be unique on (one row per enterprise × year, …).
ROLE_KEYS: dict[str, tuple[str, ...]] = {
    "stats": ("credit_code", "year", "from_prev_column"),
    "tax": ("credit_code", "year", "from_prev_column"),
    "enterprises": ("credit_code",),
    "events": ("credit_code", "event", "year"),
    "incubators": ("credit_code", "carrier", "year"),
    "talents": ("id_number", "programme"),
}
_PROVENANCE = ("src_file", "src_sheet", "src_row")


def dedupe(frame: pl.DataFrame, role: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve rows sharing the role's key: exact repeats keep the first row (the others are
    ``skipped``); rows that disagree are all left out (``error``), since no one can tell which is right."""
    key = list(ROLE_KEYS[role])
    # the enterprise as an integer in the key (hashing Int128 rather than text: 3× faster at 1M rows)
    hashed = [code_key([frame]).alias(k) if k == "credit_code" else pl.col(k) for k in key]
    if not frame.select(pl.struct(hashed).is_duplicated().any()).item():  # the usual case: one hash pass
        return frame, empty(PROBLEM)
    values = [c for c in frame.columns if c not in key and c not in _PROVENANCE and c != "name"]
    frame = frame.with_row_index("__i")
    grouped = frame.with_columns(
        pl.len().over(key).alias("__n"),
        pl.struct(values).n_unique().over(key).alias("__variants")
        if values
        else pl.lit(1).alias("__variants"),
        pl.col("__i").min().over(key).alias("__first"),
        pl.format("{} {}第{}行", pl.col("src_file"), pl.col("src_sheet"), pl.col("src_row"))
        .first()
        .over(key, order_by="__i")
        .alias("__firstpos"),
    )
    code_label = "运营机构统一社会信用代码" if role == "incubators" else "统一社会信用代码"
    repeat = grouped.filter(
        (pl.col("__n") > 1) & (pl.col("__variants") == 1) & (pl.col("__i") != pl.col("__first"))
    )
    conflict = grouped.filter((pl.col("__n") > 1) & (pl.col("__variants") > 1))
    what = "同一年度" if "year" in key else ""
    problems = (
        pl.concat(
            [
                repeat.select(
                    pl.col("src_file").alias("file"),
                    pl.col("src_sheet").alias("sheet"),
                    pl.col("src_row").alias("row"),
                    pl.lit(code_label).alias("column"),
                    pl.col(key[0]).alias("value"),
                    (pl.lit(f"{what}重复的记录，与 ") + pl.col("__firstpos") + pl.lit(" 相同，已忽略")).alias(
                        "message"
                    ),
                    pl.lit("skipped").alias("severity"),
                ),
                conflict.select(
                    pl.col("src_file").alias("file"),
                    pl.col("src_sheet").alias("sheet"),
                    pl.col("src_row").alias("row"),
                    pl.lit(code_label).alias("column"),
                    pl.col(key[0]).alias("value"),
                    (
                        pl.lit(f"{what}重复且数值不一致（共")
                        + pl.col("__n").cast(pl.String)
                        + pl.lit("行），均未采用，请核实后只保留一行")
                    ).alias("message"),
                    pl.lit("error").alias("severity"),
                ),
            ]
        )
        .cast(PROBLEM)
        .unique(subset=["file", "sheet", "row", "message"], maintain_order=True)
    )  # one per row
    kept = grouped.filter(
        (pl.col("__n") == 1) | ((pl.col("__variants") == 1) & (pl.col("__i") == pl.col("__first")))
    )
    return kept.drop("__i", "__n", "__variants", "__first", "__firstpos"), problems


def read_cached(path: Path, role: str, label: str, cfg: ColumnConfig, cache: Path | None) -> RoleRead:
    """:func:`read_role_file`, through the parsed-input cache when ``cache`` is a folder."""
    if cache is None or not path.is_file():
        return read_role_file(path, role, label=label, columns=cfg)
    from qkaward.inputs import cache as store

    key = store.entry_key(sha256_of(path), role, label, cfg)
    hit = store.load(cache, key)
    if hit is not None:
        return hit
    got = read_role_file(path, role, label=label, columns=cfg)
    store.store(cache, key, got)
    return got


def load_inputs(
    spec: InputSpec,
    columns: ColumnConfig | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> Inputs:
    """Read every file of ``spec``; raise on an unreadable file, collect cell and row problems.

    ``on_file(i, n, label)`` is called before each file is read (for a progress display)."""
    cfg = columns or load_columns()
    if not spec.files:
        raise UsageError("没有指定输入文件：请用 -w 工作目录，或 --stats/--tax 等选项指定文件")
    frames: dict[str, list[pl.DataFrame]] = {r: [] for r in ROLES}
    problems, files = [], []
    done = iter(range(1, len(spec.files) + 1))

    def read(item: tuple[str, Path]) -> RoleRead:
        role, path = item
        got = read_cached(path, role, spec.label(path), cfg, spec.cache)
        if on_file is not None:
            on_file(next(done), len(spec.files), spec.label(path))
        return got

    # calamine parses one file on one core and releases the GIL: two files at a time use both cores.
    # The largest files start first (so one big export does not run alone at the end); results are
    # taken in the order given, so frames, problems and errors do not depend on timing.
    with ThreadPoolExecutor(max_workers=read_threads()) as pool:
        order = sorted(range(len(spec.files)), key=lambda i: _size(spec.files[i]), reverse=True)
        pending = {i: pool.submit(read, spec.files[i]) for i in order}
        results = [pending[i].result() for i in range(len(spec.files))]
    for (role, _path), got in zip(spec.files, results, strict=True):
        frames[role].append(got.frame)
        problems.append(got.problems)
        files.append(got.file)
    tables: dict[str, pl.DataFrame] = {}
    for role in ROLES:
        combined = (
            pl.concat(frames[role], how="vertical_relaxed") if frames[role] else empty(role_schema(role))
        )
        combined, dup_problems = dedupe(combined, role)
        problems.append(dup_problems)
        tables[role] = combined
    for role, column, label in (
        ("stats", "revenue_yuan", "营业收入"),
        ("tax", "fiscal_yuan", "区级财政贡献"),
    ):
        problems.append(unit_jumps(tables[role], column, label, cfg.unit_jump_ratio))
    stats_years = tuple(sorted({y for f in files if f.role == "stats" for y in f.years}))
    all_problems = pl.concat([p for p in problems if p.height] or [empty(PROBLEM)], how="vertical_relaxed")
    return Inputs(**tables, problems=sort_problems(all_problems), files=tuple(files), stats_years=stats_years)


def _size(item: tuple[str, Path]) -> int:
    try:
        return item[1].stat().st_size if item[1].is_file() else 0
    except OSError:  # reported by the reader, in its turn
        return 0


def unit_jumps(frame: pl.DataFrame, column: str, label: str, ratio: int) -> pl.DataFrame:
    """Warnings for figures that jump or fall by ``ratio``× or more from the enterprise's previous year."""
    real = frame.filter(~pl.col("from_prev_column") & pl.col(column).is_not_null() & (pl.col(column) > 0))
    # Sorted once by enterprise and year, the previous row is the previous year when code and year fit.
    real = real.with_columns(code_key([real]).alias("__k")).sort("__k", "year")
    same = pl.col("__k").shift(1) == pl.col("__k")
    flagged = real.with_columns(
        pl.col(column).shift(1).alias("__prev"), pl.when(same).then(pl.col("year").shift(1)).alias("__py")
    ).filter(
        (pl.col("__py") == pl.col("year") - 1)
        & ((pl.col(column) >= pl.col("__prev") * ratio) | (pl.col(column) * ratio <= pl.col("__prev")))
    )
    return flagged.select(
        pl.col("src_file").alias("file"),
        pl.col("src_sheet").alias("sheet"),
        pl.col("src_row").alias("row"),
        pl.lit(label).alias("column"),
        pl.col(column).cast(pl.String).alias("value"),
        pl.format(
            "疑似单位错误：{}为{}元，上年为{}元，相差{}倍以上，请核对金额单位",
            pl.lit(label),
            pl.col(column),
            pl.col("__prev"),
            pl.lit(ratio),
        ).alias("message"),
        pl.lit("warning").alias("severity"),
    ).cast(PROBLEM)


def sort_problems(problems: pl.DataFrame) -> pl.DataFrame:
    """Problems in reading order: file, sheet, row."""
    return problems.sort(["file", "sheet", "row", "column"], nulls_last=False, maintain_order=True)
