"""All inputs joined into one enterprise × year frame (SPEC §1).

Statistics and tax rows are joined by ``credit_code`` and ``year``. The statistics name wins; revenue
comes from statistics, else tax. Rows made from a 上年同期 column (``from_prev_column``) supply a
year's values only when no real row exists for that enterprise and year; when both exist and differ,
the real row wins and a warning is reported. Each row also carries the previous year's figures
(``*_prev``), the GB/T 4754 section, the ladder group and the NBS 四上 category and threshold of its
year, and the enterprise master data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import overload

import polars as pl

from qkaward import schema
from qkaward.inputs.creditcode import code_key
from qkaward.policy import Policy

#: Columns of the enterprise × year frame (besides those named in the docstring of :func:`build_frame`).
FRAME: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "year": pl.Int32(),
    "name": pl.String(),
    "industry_code": pl.String(),
    "section": pl.String(),
    "group": pl.String(),
    "revenue_yuan": pl.Int64(),
    "revenue_source": pl.String(),
    "fiscal_yuan": pl.Int64(),
    "four_above": pl.Boolean(),
    "in_stats": pl.Boolean(),
    "entry_year": pl.Int32(),
    "street": pl.String(),
    "nbs_category": pl.String(),
    "nbs_name": pl.String(),
    "nbs_threshold_yuan": pl.Int64(),
    "revenue_prev_yuan": pl.Int64(),
    "fiscal_prev_yuan": pl.Int64(),
    "four_above_prev": pl.Boolean(),
    "founded": pl.Date(),
    "valuation_yuan": pl.Int64(),
    "valuation_usd": pl.Int64(),
    "listed": pl.Boolean(),
}


#: The engine the rules collect with: at these sizes (one frame of a few million rows that fits in
#: memory, several windows and sorts) the in-memory engine is faster than streaming.
ENGINE = "in-memory"  # not-policy: performance

#: GB/T 4754 codes: the first two digits are the division (大类).
DIVISION_DIGITS = 2  # not-policy: code structure
#: NBS lookup keys: year·SUBCLASS_SPAN + 4-digit subclass, −(year·DIVISION_SPAN + 2-digit division).
SUBCLASS_SPAN = 10**4  # not-policy: key layout
DIVISION_SPAN = 10**2  # not-policy: key layout


@dataclass(frozen=True)
class FrameResult:
    """The enterprise × year frame and the problems found while building it (schema.PROBLEM)."""

    frame: pl.DataFrame
    problems: pl.DataFrame


@overload
def conform(df: pl.DataFrame | None, columns: dict[str, pl.DataType]) -> pl.DataFrame: ...
@overload
def conform(df: pl.LazyFrame, columns: dict[str, pl.DataType]) -> pl.LazyFrame: ...


def conform(df, columns):
    """``df`` with exactly ``columns`` (missing ones added as nulls, types cast); lazy stays lazy."""
    if df is None:
        return schema.empty(columns)
    have = df.collect_schema().names() if isinstance(df, pl.LazyFrame) else df.columns
    return df.select(conform_exprs(columns, have))


def conform_exprs(columns: dict[str, pl.DataType], have: list[str]) -> list[pl.Expr]:
    """The expressions of :func:`conform` for a frame with the columns ``have``."""
    present = set(have)
    return [
        (pl.col(c).cast(t, strict=False) if c in present else pl.lit(None, dtype=t)).alias(c)
        for c, t in columns.items()
    ]


def _problem(lf: pl.LazyFrame, column: str, value: pl.Expr, message: pl.Expr, severity: str) -> pl.LazyFrame:
    return lf.select(
        pl.col("src_file").fill_null("").alias("file"),
        pl.col("src_sheet").fill_null("").alias("sheet"),
        pl.col("src_row").alias("row"),
        pl.lit(column).alias("column"),
        value.cast(pl.String).alias("value"),
        message.alias("message"),
        pl.lit(severity).alias("severity"),
    ).cast(schema.PROBLEM)  # type: ignore[arg-type]


#: The join key of the frame: ``_k`` is the enterprise as an integer (see
#: :func:`qkaward.inputs.creditcode.code_key`), and the year.
_KEYS = ["_k", "year"]


def _first_of_key(lf: pl.LazyFrame) -> pl.LazyFrame:
    """``lf`` with ``_first``: the row is the first one of its (credit_code, year) key."""
    return lf.with_columns(pl.struct(_KEYS).is_first_distinct().alias("_first"))


def _one_source(
    lf: pl.LazyFrame, value_cols: list[str], labels: dict[str, str]
) -> tuple[pl.LazyFrame, list[pl.LazyFrame]]:
    """Real rows plus 上年同期 rows for keys without a real row; warnings where the two disagree."""
    keys = _KEYS
    prev_flag = pl.col("from_prev_column").fill_null(False)
    real_all = _first_of_key(lf.filter(~prev_flag))
    real = real_all.filter(pl.col("_first")).drop("_first")
    prev = _first_of_key(lf.filter(prev_flag)).filter(pl.col("_first")).drop("_first")
    problems = [
        _problem(
            real_all.filter(~pl.col("_first")),
            "credit_code",
            pl.col("credit_code"),
            pl.format("同一企业{}年有多行数据，只采用第一行", pl.col("year")),
            "warning",
        )
    ]
    both = prev.join(real.select(keys + value_cols), on=keys, suffix="_real")
    for col in value_cols:
        bad = both.filter(
            pl.col(col).is_not_null()
            & pl.col(f"{col}_real").is_not_null()
            & (pl.col(col) != pl.col(f"{col}_real"))
        )
        problems.append(
            _problem(
                bad,
                labels[col],
                pl.col(col),
                pl.format(
                    "上年同期列的{}（{}元）与{}年数据（{}元）不一致，采用{}年数据",
                    pl.lit(labels[col]),
                    pl.col(col),
                    pl.col("year"),
                    pl.col(f"{col}_real"),
                    pl.col("year"),
                ),
                "warning",
            )
        )
    merged = pl.concat([real, prev.join(real.select(keys), on=keys, how="anti")], how="vertical")
    return merged.with_columns((~prev_flag).alias("_real")), problems


def build_frame(inputs: schema.Inputs, policy: Policy) -> FrameResult:
    """Build the enterprise × year frame from ``inputs``.

    Extra columns: ``revenue_source`` (stats / tax), ``in_stats`` (a real statistics row exists),
    ``four_above`` (status column, else presence in that year's statistics export; false when a
    statistics export for the year was given and the enterprise is not in it; null when none was),
    ``*_prev`` (the same enterprise's figures for year − 1), ``section`` and ``group`` (ladder group
    ``main``/``other``), ``nbs_*`` (the 四上 category and threshold for the row's year).

    Built in three lazy stages, each collected once: the deduplicated sources with their problems,
    their join, and the frame (sorted once, then only order-keeping steps; no row-wise Python).
    """
    stats = conform(inputs.stats, schema.STATS | schema.PROVENANCE)
    tax = conform(inputs.tax, schema.TAX | schema.PROVENANCE)
    ent = conform(inputs.enterprises, schema.ENTERPRISES | schema.PROVENANCE)
    key = code_key([stats, tax, ent]).alias("_k")
    stats, tax, ent = (df.with_columns(key) for df in (stats, tax, ent))
    s_lf, p1 = _one_source(stats.lazy(), ["revenue_yuan"], {"revenue_yuan": "营业收入"})
    t_lf, p2 = _one_source(
        tax.lazy(),
        ["fiscal_yuan", "revenue_yuan"],
        {"fiscal_yuan": "区级财政贡献", "revenue_yuan": "营业收入"},
    )
    s = s_lf.select(
        "credit_code",
        "_k",
        "year",
        pl.col("name").alias("name_s"),
        pl.col("industry_code").alias("ind_s"),
        pl.col("revenue_yuan").alias("rev_s"),
        pl.col("four_above").alias("fa_s"),
        "entry_year",
        pl.col("street").alias("street_s"),
        pl.col("_real").alias("in_stats"),
    )
    t = t_lf.select(
        pl.col("credit_code").alias("code_t"),
        "_k",
        "year",
        pl.col("name").alias("name_t"),
        pl.col("industry_code").alias("ind_t"),
        pl.col("revenue_yuan").alias("rev_t"),
        "fiscal_yuan",
        pl.col("street").alias("street_t"),
        pl.col("_real").alias("t_real"),
        "src_file",
        "src_sheet",
        "src_row",
    )
    # Stage 1: each source deduplicated, only the columns the frame needs, with its problems (one
    # collect; the shared parts run once).
    s_df, t_df, *problems = pl.collect_all([s, t, *p1, *p2], engine=ENGINE)
    # Stage 2: the two sources joined (materialised: the name check and the frame both read it).
    joined = (
        s_df.lazy()
        .join(t_df.lazy(), on=_KEYS, how="full", coalesce=True)
        .with_columns(pl.coalesce("credit_code", "code_t").alias("credit_code"))
        .drop("code_t")
        .collect(engine=ENGINE)
    )
    del s_df, t_df  # a million enterprises: each source is ~0.5 GB

    differ = joined.lazy().filter(
        pl.col("in_stats").fill_null(False)
        & pl.col("t_real").fill_null(False)
        & pl.col("name_s").is_not_null()
        & pl.col("name_t").is_not_null()
        & (pl.col("name_s") != pl.col("name_t"))
    )
    problems.append(
        _problem(
            differ,
            "name",
            pl.col("name_t"),
            pl.format("税务局数据的企业名称“{}”与统计局数据“{}”不一致，采用统计局名称", "name_t", "name_s"),
            "warning",
        ).collect(engine=ENGINE)
    )

    master = (
        ent.lazy()
        .unique("_k", keep="first", maintain_order=True)
        .select(
            "_k",
            pl.col("name").alias("name_m"),
            "founded",
            "valuation_yuan",
            "valuation_usd",
            "listed",
            pl.col("street").alias("street_m"),
            pl.col("industry_code").alias("ind_m"),
        )
    )
    # Stage 3: the frame, as one plan. Sorted once, here: every later step keeps the order (left
    # joins keep the left order; the previous year is the previous row, (credit_code, year) being unique).
    f = joined.lazy().drop("t_real").sort(_KEYS).join(master, on="_k", how="left", maintain_order="left")
    stats_years = pl.Series(list(inputs.stats_years), dtype=pl.Int32)
    row_code = pl.coalesce("ind_s", "ind_t")
    run = pl.col("_k").rle_id()  # the enterprise as a run number: rows are sorted by it
    f = f.with_columns(
        pl.coalesce("name_s", "name_t", "name_m").alias("name"),
        # the enterprise's latest known code (rows are in year order within an enterprise)
        pl.coalesce(row_code, row_code.drop_nulls().last().over(run), "ind_m").alias("industry_code"),
        pl.coalesce("rev_s", "rev_t").alias("revenue_yuan"),
        pl.when(pl.col("rev_s").is_not_null())
        .then(pl.lit("stats"))
        .when(pl.col("rev_t").is_not_null())
        .then(pl.lit("tax"))
        .alias("revenue_source"),
        pl.col("in_stats").fill_null(False),
        pl.when(pl.col("in_stats").fill_null(False))
        .then(pl.col("fa_s").fill_null(True))
        .when(pl.col("fa_s").is_not_null())
        .then(pl.col("fa_s"))
        .when(pl.col("year").is_in(stats_years.implode()))
        .then(pl.lit(False))
        .alias("four_above"),
        pl.coalesce("street_s", "street_t", "street_m").alias("street"),
    )
    f = _classify_industry(f, policy, joined.get_column("year").drop_nulls().unique().to_list())
    is_next = (pl.col("_k").shift(1) == pl.col("_k")) & (pl.col("year").shift(1) == pl.col("year") - 1)
    f = f.with_columns(
        pl.when(is_next).then(pl.col(c).shift(1)).alias(f"{name}_prev{suffix}")
        for c, name, suffix in (
            ("revenue_yuan", "revenue", "_yuan"),
            ("fiscal_yuan", "fiscal", "_yuan"),
            ("four_above", "four_above", ""),
        )
    )
    frame = conform(f, FRAME).collect(engine=ENGINE)
    del f, joined

    # One warning per enterprise, naming its years: a city's tax export holds tens of thousands of
    # firms that are in no statistics export (and so have no industry code).
    missing = (
        frame.filter(pl.col("industry_code").is_null())
        .group_by("credit_code", maintain_order=True)
        .agg(pl.col("year").unique().sort().cast(pl.String).str.join("、").alias("years"))
    )
    problems.append(
        missing.select(
            pl.lit("").alias("file"),
            pl.lit("").alias("sheet"),
            pl.lit(None, dtype=pl.Int64).alias("row"),
            pl.lit("industry_code").alias("column"),
            pl.col("credit_code").alias("value"),
            pl.format("{}年缺少行业代码，无法判断行业组别和四上标准", "years").alias("message"),
            pl.lit("warning").alias("severity"),
        ).cast(schema.PROBLEM)  # type: ignore[arg-type]
    )
    return FrameResult(frame, pl.concat(problems, how="vertical"))


def _classify_industry(f: pl.LazyFrame, policy: Policy, years: list[int]) -> pl.LazyFrame:
    """Add section (门类), ladder group and the NBS 四上 category/threshold for each row's year.

    Lookups by ``replace_strict`` on integer keys rather than joins: no reordering of a frame of
    millions of rows, and hashing integers (a join on the code text took 2 s at a million enterprises)."""
    std = policy.four_above
    f = f.with_columns(
        pl.col("industry_code").str.slice(0, DIVISION_DIGITS).alias("_div"),
        pl.col("industry_code")
        .str.slice(0, DIVISION_DIGITS)
        .replace_strict(dict(std.sections), default=None, return_dtype=pl.String)
        .alias("section"),
    )
    main = pl.Series(list(policy.ladder.main_sections), dtype=pl.String).implode()
    f = f.with_columns(
        pl.when(pl.col("section").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("section").is_in(main))
        .then(pl.lit("main"))
        .otherwise(pl.lit("other"))
        .alias("group")
    )
    look = std.lookup(years)
    # (year, subclass) and (year, division) as disjoint integers: a subclass row wins over its division.
    keys = [_nbs_key(year, code) for year, code in zip(look["year"], look["code"], strict=True)]
    year = pl.col("year").cast(pl.Int64)
    sub = year * SUBCLASS_SPAN + pl.col("industry_code").cast(pl.Int64, strict=False)
    div = -(year * DIVISION_SPAN + pl.col("_div").cast(pl.Int64, strict=False))
    f = f.with_columns(pl.when(sub.is_in(keys)).then(sub).otherwise(div).alias("_nbs"))
    cols = ["nbs_category", "nbs_name", "nbs_threshold_yuan"]
    return f.with_columns(
        pl.col("_nbs").replace_strict(keys, look[c], default=None, return_dtype=look.schema[c]).alias(c)
        for c in cols
    )


def _nbs_key(year: int, code: str) -> int:
    """The lookup key of an NBS table row (see :data:`SUBCLASS_SPAN`)."""
    if len(code) > DIVISION_DIGITS:
        return year * SUBCLASS_SPAN + int(code)
    return -(year * DIVISION_SPAN + int(code))
