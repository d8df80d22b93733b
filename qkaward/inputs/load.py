"""All files of a run → :class:`qkaward.schema.Inputs`, with duplicates across files resolved."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from qkaward.errors import UsageError
from qkaward.fingerprint import sha256_of
from qkaward.inputs.columns import ColumnConfig, load_columns
from qkaward.inputs.creditcode import ENTERPRISE, code_key, packed_key, sorted_columns
from qkaward.inputs.grid import file_parts
from qkaward.inputs.read import RoleRead, SheetRead, combine, read_part, role_schema
from qkaward.inputs.workspace import ROLES, InputSpec
from qkaward.schema import PROBLEM, Inputs, empty

#: Parts (sheets) parsed at the same time by default (this machine class has 2 cores); QKAWARD_READ_THREADS
#: overrides.
READ_THREADS = 2


def read_threads() -> int:
    """How many parts (sheets) are parsed at the same time: ``$QKAWARD_READ_THREADS`` (1 halves the peak
    memory of a run whose sheets are each large), else :data:`READ_THREADS`, never more than the cores."""
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
#: Roles whose frames in :class:`Inputs` keep the enterprise key (ENTERPRISE) for build_frame.
KEYED = ("stats", "tax", "enterprises")


def role_order(frame: pl.DataFrame) -> pl.DataFrame | None:
    """A statistics or tax frame's rows sorted by enterprise, year and 上年同期-ness, then row: columns
    ``__k`` (:data:`ENTERPRISE`), ``year``, ``__prev``, ``__i`` (the row). Made once per role and shared
    by :func:`dedupe` (repeated keys are neighbours) and :func:`unit_jumps` (the previous year is the
    previous row), instead of a hash and a sort: settling the tax role at a million enterprises took
    0.52 s instead of 0.75–1.10 s (the statistics role, with its 上年同期 rows, about as long as before).
    None when the frame has no enterprise key or the columns cannot be packed (:func:`sorted_columns`)."""
    if ENTERPRISE not in frame.columns or "from_prev_column" not in frame.columns:
        return None
    rows = frame.select(
        pl.col(ENTERPRISE).alias("__k"),
        "year",
        pl.col("from_prev_column").alias("__prev"),
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("__i"),
    )
    return sorted_columns(rows, ["__k", "year", "__prev", "__i"])


def dedupe(
    frame: pl.DataFrame, role: str, order: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Resolve rows sharing the role's key: exact repeats keep the first row (the others are
    ``skipped``); rows that disagree are all left out (``error``), since no one can tell which is right.
    ``order``: the frame's :func:`role_order`, when the role's key is enterprise, year and 上年同期-ness."""
    key = list(ROLE_KEYS[role])
    # the enterprise as an integer in the key (:data:`ENTERPRISE`, when the frame has it): hashing
    # Int128 rather than text is 3× faster at 1M rows, and one packed Int128 faster still
    hashed = [ENTERPRISE if k == "credit_code" and ENTERPRISE in frame.columns else k for k in key]
    if order is not None and hashed == [ENTERPRISE, "year", "from_prev_column"]:
        same = [pl.col(c) == pl.col(c).shift(1) for c in ("__k", "year", "__prev")]  # keys are neighbours
        repeated = bool(order.select(pl.all_horizontal(same).any()).item())
    elif (packed := packed_key(frame, hashed)) is not None:
        repeated = frame.select(packed.n_unique()).item() < frame.height
    else:
        repeated = frame.select(pl.struct(hashed).is_duplicated().any()).item()
    if not repeated:  # the usual case: one pass
        return frame, empty(PROBLEM)
    values = [
        c for c in frame.columns if c not in key and c not in _PROVENANCE and c not in ("name", ENTERPRISE)
    ]
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


@dataclass
class _File:
    """One input file on its way through :func:`load_inputs`."""

    role: str
    path: Path
    label: str
    read: RoleRead | None = None  # from the cache
    key: str | None = None  # the cache entry to store a fresh read under
    sha256: str | None = None
    parts: list[Future[list[SheetRead]]] = field(default_factory=list)
    done: Future[RoleRead] = field(default_factory=Future)  # its read, set by its role's thread


def _look_up(item: _File, cfg: ColumnConfig, cache: Path | None) -> None:
    """Fill ``item.read`` from the parsed-input cache when ``cache`` is a folder holding the file."""
    if cache is None or not item.path.is_file():
        return
    from qkaward.inputs import cache as store

    item.sha256 = sha256_of(item.path)
    item.key = store.entry_key(item.sha256, item.role, item.label, cfg)
    item.read = store.load(cache, item.key)


def _finish(item: _File, cfg: ColumnConfig, cache: Path | None) -> RoleRead:
    """The file's read: from the cache, or its parts put together (and stored in the cache)."""
    if item.read is not None:
        return item.read
    sheets = [sheet for part in item.parts for sheet in part.result()]
    got = combine(item.path, item.label, item.role, cfg, sheets, item.sha256)
    if cache is not None and item.key is not None:
        from qkaward.inputs import cache as store

        store.store(cache, item.key, got)
    return got


def _finish_role(
    role: str, items: list[_File], cfg: ColumnConfig, cache: Path | None, stop: threading.Event
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """Finish the files of ``role`` in the order given (each file's ``done`` gets its read or its error),
    then settle the role (:func:`_settle`). After an error, the role's later files are not needed; once
    ``stop`` is set (the run failed), no further step is taken."""
    frames = []
    for item in (it for it in items if it.role == role):
        try:
            if stop.is_set():
                raise CancelledError
            got = _finish(item, cfg, cache)
        except BaseException as error:
            item.done.set_exception(error)
            raise
        item.done.set_result(got)
        frames.append(got.frame)
    if stop.is_set():
        raise CancelledError
    return _settle(role, frames, cfg)


def load_inputs(
    spec: InputSpec,
    columns: ColumnConfig | None = None,
    on_file: Callable[[int, int, str], None] | None = None,
) -> Inputs:
    """Read every file of ``spec``; raise on an unreadable file, collect cell and row problems.

    ``on_file(i, n, label)`` is called after each file is read, in the order given (for a progress
    display)."""
    cfg = columns or load_columns()
    if not spec.files:
        raise UsageError("没有指定输入文件：请用 -w 工作目录，或 --stats/--tax 等选项指定文件")
    items = [_File(role, path, spec.label(path)) for role, path in spec.files]
    # calamine parses one sheet on one core and releases the GIL: the parts of the files not in the
    # cache (one per sheet of a workbook, else the whole file) are parsed two at a time, the largest
    # first (so one big sheet does not run alone at the end). Each role is put together and settled
    # (concatenation, duplicates, unit jumps; Polars releases the GIL) on its own thread as soon as its
    # files are read: the tax export's sheets, parsed first, are settled while the last statistics
    # sheets are still parsing. Results are taken in the order given, so frames, problems and errors
    # do not depend on timing.
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=read_threads()) as pool, ThreadPoolExecutor(len(ROLES)) as roles:
        try:
            jobs = []
            for item in items:
                _look_up(item, cfg, spec.cache)
                if item.read is None:
                    jobs += [(part, item) for part in file_parts(item.path, item.label)]
            order = sorted(range(len(jobs)), key=lambda k: -jobs[k][0].weight)
            started = {k: pool.submit(read_part, jobs[k][0], jobs[k][1].role, cfg) for k in order}
            for k, (_, item) in enumerate(jobs):
                item.parts.append(started[k])
            settling = {
                role: roles.submit(_finish_role, role, items, cfg, spec.cache, stop) for role in ROLES
            }
            results = []
            for i, item in enumerate(items, 1):
                results.append(item.done.result())
                if on_file is not None:
                    on_file(i, len(items), item.label)
            settled = {role: job.result() for role, job in settling.items()}
        except BaseException:
            stop.set()  # the role threads take no further step
            pool.shutdown(wait=True, cancel_futures=True)
            roles.shutdown(wait=True, cancel_futures=True)
            raise
    problems = [got.problems for got in results]
    files = [got.file for got in results]
    tables = {role: frame for role, (frame, _, _) in settled.items()}
    problems += [dup for _, dup, _ in settled.values()]  # duplicates, then unit jumps: in role order
    problems += [jumps for _, _, jumps in settled.values() if jumps is not None]
    # the frame's sources keep the key (build_frame need not compute it again); the other roles drop it
    tables = {role: t if role in KEYED else t.drop(ENTERPRISE, strict=False) for role, t in tables.items()}
    stats_years = tuple(sorted({y for f in files if f.role == "stats" for y in f.years}))
    all_problems = pl.concat([p for p in problems if p.height] or [empty(PROBLEM)], how="vertical_relaxed")
    return Inputs(**tables, problems=sort_problems(all_problems), files=tuple(files), stats_years=stats_years)


#: The figure checked for unit jumps, and its label, per role.
JUMP_COLUMNS = {"stats": ("revenue_yuan", "营业收入"), "tax": ("fiscal_yuan", "区级财政贡献")}


def _settle(
    role: str, frames: list[pl.DataFrame], cfg: ColumnConfig
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """One role's files as one frame with duplicates resolved; its duplicate problems, and its unit
    jumps (None for a role without a checked figure)."""
    combined = pl.concat(frames, how="vertical_relaxed") if frames else empty(role_schema(role))
    # the enterprise key for dedupe and unit_jumps: from the readers' code check (ENTERPRISE), else
    # computed here (a frame made without the check)
    if "credit_code" in ROLE_KEYS[role] and (
        ENTERPRISE not in combined.columns or combined.get_column(ENTERPRISE).null_count()
    ):
        combined = combined.with_columns(code_key([combined]).alias(ENTERPRISE))
    order = role_order(combined) if role in JUMP_COLUMNS else None
    deduped, duplicates = dedupe(combined, role, order)
    if role not in JUMP_COLUMNS:
        return deduped, duplicates, None
    column, label = JUMP_COLUMNS[role]
    order = order if deduped is combined else None  # rows were left out: the order is not the frame's
    return deduped, duplicates, unit_jumps(deduped, column, label, cfg.unit_jump_ratio, order)


def unit_jumps(
    frame: pl.DataFrame, column: str, label: str, ratio: int, order: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Warnings for figures that jump or fall by ``ratio``× or more from the enterprise's previous year.
    ``order``: the frame's :func:`role_order`, if made (else the rows used are sorted here)."""
    # Only the key, year and figure are filtered and sorted (the whole frame's columns took 4× as long
    # at 100,000 enterprises); the flagged rows' provenance is gathered by row number at the end.
    keep = ~pl.col("from_prev_column") & pl.col(column).is_not_null() & (pl.col(column) > 0)
    # Sorted by enterprise and year, the previous row is the previous year when code and year fit.
    # With the row number the packed key holds the row: sorted alone, the figure gathered back by it.
    if order is not None:  # the real rows of the role's order are sorted by enterprise, year and row
        used = frame.select(keep).to_series().gather(order.get_column("__i"))
        ordered = order.filter(used).select("__k", "year", "__i")
    else:
        key = pl.col(ENTERPRISE) if ENTERPRISE in frame.columns else code_key([frame])
        real = frame.select(
            key.alias("__k"), "year", column, pl.int_range(pl.len(), dtype=pl.UInt32).alias("__i"), keep=keep
        ).filter("keep")
        ordered = sorted_columns(real, ["__k", "year", "__i"])
        if ordered is None:
            packed = packed_key(real, ["__k", "year"])
            real = real.sort(packed if packed is not None else ["__k", "year"])
    if ordered is not None:
        real = ordered.with_columns(frame.get_column(column).rechunk().gather(ordered.get_column("__i")))
    same = pl.col("__k").shift(1) == pl.col("__k")
    flagged = real.with_columns(
        pl.col(column).shift(1).alias("__prev"), pl.when(same).then(pl.col("year").shift(1)).alias("__py")
    ).filter(
        (pl.col("__py") == pl.col("year") - 1)
        & ((pl.col(column) >= pl.col("__prev") * ratio) | (pl.col(column) * ratio <= pl.col("__prev")))
    )
    at = frame.select(pl.col(list(_PROVENANCE)).gather(flagged.get_column("__i")))
    # rechunked: pl.format panics on a horizontal concat whose columns are chunked differently (polars 2.1)
    return (
        pl.concat([at, flagged], how="horizontal")
        .rechunk()
        .select(
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
        )
        .cast(PROBLEM)
    )


def sort_problems(problems: pl.DataFrame) -> pl.DataFrame:
    """Problems in reading order: file, sheet, row."""
    return problems.sort(["file", "sheet", "row", "column"], nulls_last=False, maintain_order=True)
