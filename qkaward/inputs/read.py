"""One input file under one role → a canonical frame (``qkaward.schema``) and its problems.

Every sheet whose header names the role's required fields is read; other sheets are listed as
ignored. Cells are parsed column by column with the vectorised parsers of :mod:`values`: a bad
cell in a required column makes its row unusable (an ``error`` problem), a bad cell in an optional
column is left empty (also an ``error`` problem, naming the cell). Totals rows are ``skipped``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from qkaward.errors import InputError, UsageError
from qkaward.fingerprint import sha256_of
from qkaward.inputs import values
from qkaward.inputs.columns import ColumnConfig, RoleSpec, load_columns
from qkaward.inputs.creditcode import ENTERPRISE, check_frame
from qkaward.inputs.grid import Grid, Part, file_parts
from qkaward.inputs.header import Column, Header, file_year, find_header, title_unit, title_year
from qkaward.schema import PROBLEM, PROVENANCE, ROLE_LABELS, ROLE_SCHEMAS, InputFile, empty

#: Canonical frame column of each field, per role (fields not listed keep their own name).
RENAME: dict[str, dict[str, str]] = {
    "stats": {"revenue": "revenue_yuan"},
    "tax": {"fiscal": "fiscal_yuan", "revenue": "revenue_yuan"},
    "enterprises": {},
    "events": {},
    "incubators": {"operator_code": "credit_code"},
    "talents": {"employer_code": "credit_code", "selected_year": "year"},
    "ledger": {"amount": "amount_yuan", "award_year": "year"},
}
LEDGER_SCHEMA: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "award": pl.String(),
    "amount_yuan": pl.Int64(),
    "year": pl.Int32(),
}
#: Text-like fields checked for a 合计/总计/小计 label.
TOTAL_FIELDS = ("credit_code", "name", "carrier", "person", "operator_code", "employer_code")
CODE_KIND = "code"
USD_UNITS = ("美元", "万美元", "亿美元")


@dataclass(frozen=True)
class RoleRead:
    """What reading one file gave."""

    frame: pl.DataFrame  # the role's canonical schema + PROVENANCE (+ ENTERPRISE from combine)
    problems: pl.DataFrame  # schema.PROBLEM
    file: InputFile


def role_schema(role: str) -> dict[str, pl.DataType]:
    return (LEDGER_SCHEMA if role == "ledger" else ROLE_SCHEMAS[role]) | PROVENANCE


@dataclass(frozen=True)
class SheetRead:
    """What reading one sheet gave: its rows, or (``frame`` None) the required fields it lacks."""

    sheet: str
    frame: pl.DataFrame | None
    problems: pl.DataFrame
    rows_read: int = 0
    units: frozenset[str] = frozenset()
    missing: tuple[str, ...] = ()


def read_role_file(
    path: Path, role: str, *, label: str | None = None, columns: ColumnConfig | None = None
) -> RoleRead:
    """Read every matching sheet of ``path`` as ``role``; raise :class:`InputError` if none matches."""
    cfg = columns or load_columns()
    role_spec(role, cfg)
    name = label or str(path)
    sheets = [s for part in file_parts(path, name) for s in read_part(part, role, cfg)]
    got = combine(path, name, role, cfg, sheets)
    return RoleRead(got.frame.drop(ENTERPRISE, strict=False), got.problems, got.file)  # the role's columns


def role_spec(role: str, cfg: ColumnConfig) -> RoleSpec:
    """The column specification of ``role``; a :class:`UsageError` for an unknown role."""
    if role not in cfg.roles:
        raise UsageError(f"未知的输入类别：{role}（可用：{'、'.join(cfg.roles)}）")
    return cfg.roles[role]


def read_part(part: Part, role: str, cfg: ColumnConfig) -> list[SheetRead]:
    """Every sheet of one part of a file read as ``role``, its grid released before the next is parsed."""
    spec = role_spec(role, cfg)
    read = []
    for grid in part.grids():
        header = find_header(grid, spec, cfg)
        missing = header.missing(spec) if header else list(spec.required)
        if missing:
            labels = "、".join(cfg.fields[f].aliases[0] for f in missing)
            problem = f"工作表表头与{_role_label(role)}不符（缺少：{labels}），未读取"
            problems = _problem(grid.file, grid.sheet, None, "", "", problem, "skipped")
            problems = problems if grid.sheet else empty(PROBLEM)  # a csv has no sheet to name
            read.append(SheetRead(grid.sheet, None, problems, missing=tuple(missing)))
            continue
        assert header is not None
        frame, problems, n_read, units = _read_sheet(grid, header, role, spec, cfg)
        read.append(SheetRead(grid.sheet, frame, problems, n_read, frozenset(units)))
        del grid  # before the next sheet is parsed: one sheet's grid in memory at a time
    return read


def combine(
    path: Path, name: str, role: str, cfg: ColumnConfig, sheets: list[SheetRead], sha256: str | None = None
) -> RoleRead:
    """The sheets of one file (in sheet order) as one read; raise :class:`InputError` if none matched."""
    used = [s for s in sheets if s.frame is not None]
    ignored = [s for s in sheets if s.frame is None]
    if not used:
        if not ignored:
            raise InputError(f"文件 {name} 中没有数据")
        # the sheet nearest to the role: the most required fields found, the first of equals
        nearest = min(ignored, key=lambda s: len(s.missing))
        where = f"（最接近的是工作表“{nearest.sheet}”）" if nearest.sheet else ""
        need = "、".join(cfg.fields[f].aliases[0] for f in nearest.missing)
        raise InputError(f"文件 {name} 不是有效的{_role_label(role)}：找不到必需的列 {need}{where}")
    problems = [s.problems for s in sheets if s.problems.height]
    rows_read = sum(s.rows_read for s in used)
    if rows_read == 0:  # a header and nothing under it: an export that pays nobody deserves a look
        problems.append(_problem(name, used[0].sheet, None, "", "", "文件只有表头，没有数据行", "warning"))
    frame = pl.concat([s.frame for s in used], how="vertical_relaxed")
    problems_frame = pl.concat(problems, how="vertical_relaxed") if problems else empty(PROBLEM)
    real = frame.filter(~pl.col("from_prev_column")) if "from_prev_column" in frame.columns else frame
    years = (
        tuple(sorted(y for y in real["year"].unique().to_list() if y is not None))
        if "year" in frame.columns
        else ()
    )
    info = InputFile(
        path=name,
        role=role,
        sha256=sha256 or sha256_of(path),
        sheets=tuple(s.sheet for s in used),
        ignored_sheets=tuple(s.sheet for s in ignored),
        years=years,
        units=tuple(sorted(set().union(*(s.units for s in used)))),
        rows_read=rows_read,
        rows_used=real.height,
    )
    return RoleRead(frame, problems_frame, info)


def _role_label(role: str) -> str:
    return ROLE_LABELS.get(role, "奖励台账记录" if role == "ledger" else role)


def _problem(
    file: str, sheet: str, row: int | None, column: str, value: str, message: str, severity: str
) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "file": file,
                "sheet": sheet,
                "row": row,
                "column": column,
                "value": value,
                "message": message,
                "severity": severity,
            }
        ],
        schema=PROBLEM,
    )


def _sheet_year(grid: Grid, header: Header, spec: RoleSpec) -> int | None:
    """The year for rows without a year cell: from the title rows, else the file name."""
    year = title_year(header) or file_year(grid.file)
    has_year_column = any(c.field == "year" for c in header.columns)
    if spec.yearly and year is None and not has_year_column:
        where = f"工作表“{grid.sheet}”" if grid.sheet else ""
        raise InputError(f"无法确定文件 {grid.file} {where}的年度：没有“年度”列，标题行和文件名中也没有年份")
    return year


def _parse(
    col: Column, key: str, cfg: ColumnConfig, sheet_unit: str | None, grid: Grid, plain: bool = False
) -> tuple[values.Stages, str | None]:
    """The parser stages for one column (reading ``key`` and its cleaned text ``__t_<key>``, writing
    ``__v_<key>`` and ``__err_<key>``) and, for money, the unit used. ``plain``: every cell of the
    column matches :data:`values.PLAIN`."""
    kind = cfg.fields[col.field].kind
    text, value, error = f"__t_{key}", f"__v_{key}", f"__err_{key}"
    if kind in ("money", "valuation"):
        unit = col.unit or sheet_unit
        if unit is None or unit not in cfg.units:
            raise InputError(
                f"文件 {grid.file} {grid.sheet} 列“{col.label}”未注明金额单位："
                "请在表头写明单位，如“营业收入(万元)”，或在标题行写明“单位：万元”"
            )
        if kind == "money" and unit in USD_UNITS:
            raise InputError(f"文件 {grid.file} 列“{col.label}”的单位 {unit} 只能用于估值")
        return values.money(text, value, error, cfg.units[unit], unit, plain), unit
    parsers = {
        "year": partial(values.year, plain=plain),
        "industry": partial(values.industry, plain=plain),
        "count": partial(values.count, plain=plain),
        "date": values.date_value,
    }
    if kind == "event":
        return values.vocabulary(text, value, error, cfg.event_types, "事项类型"), None
    if kind == "level":
        return values.vocabulary(text, value, error, cfg.levels, "认定级别"), None
    if kind == "bool":
        return values.boolean(text, value, error, cfg), None
    if kind == "text":
        return values.text(key, value, error), None
    return parsers[kind](text, value, error), None


def _totals_pattern(labels) -> str:
    """A cell that is one of the 合计/总计/小计 labels, spaces allowed anywhere ("合 计"). An anchored
    pattern fails at the first character of an ordinary cell, without copying it."""
    spaced = [r"\s*".join(re.escape(ch) for ch in label) for label in sorted(labels)]
    return r"^\s*(?:" + "|".join(spaced) + r")\s*$"


def _read_sheet(
    grid: Grid, header: Header, role: str, spec: RoleSpec, cfg: ColumnConfig
) -> tuple[pl.DataFrame, pl.DataFrame, int, set[str]]:
    """Parse the data rows below ``header``: (canonical frame, problems, rows read, units)."""
    default_year = _sheet_year(grid, header, spec)
    sheet_unit = title_unit(header, cfg)
    first = header.data_start
    body = grid.frame.slice(first).with_row_index("src_row", offset=first + grid.row_offset)
    body = body.with_columns(pl.col("src_row").cast(pl.Int64))
    keys = {c: f"{c.field}__prev" if c.previous else c.field for c in header.columns}
    # A cell calamine reads as empty may be a formula without a result or an error value: marked here,
    # and looked up in the sheet XML below only if a data row has an empty cell at all.
    blank = pl.any_horizontal([pl.col(c).is_null() for c in grid.frame.columns]).alias("__blank")
    raw = body.select("src_row", blank, *[pl.col(f"c{c.index}").alias(k) for c, k in keys.items()])
    # Free text and codes are read from the raw cell; every other column from its cleaned text, which
    # for a column of plain numbers only (values.PLAIN; the usual export) is the cell itself.
    typed = [k for c, k in keys.items() if cfg.fields[c.field].kind not in ("text", CODE_KIND)]
    plain = dict.fromkeys(typed, False)
    if typed and values.plain_allowed(cfg):
        checked = raw.select(pl.col(k).str.contains(values.PLAIN).fill_null(True).all() for k in typed)
        plain = dict(zip(typed, checked.row(0), strict=True))
    # Rows with nothing in any column we read carry nothing: they are layout, not data. (A plain
    # column's cell is never blank text: there, any value fills the row; a plain column without an
    # empty cell fills them all.)
    if not any(plain[k] and not raw.get_column(k).null_count() for k in typed):
        filled = [
            pl.col(k).is_not_null() if plain.get(k) else pl.col(k).str.contains(r"\S").fill_null(False)
            for k in keys.values()
        ]
        raw = raw.filter(pl.any_horizontal(filled))
    total_cols = [k for c, k in keys.items() if c.field in TOTAL_FIELDS and not c.previous]
    is_total = pl.any_horizontal(
        [pl.col(k).str.contains(_totals_pattern(cfg.totals)).fill_null(False) for k in total_cols]
        or [pl.lit(False)]
    )
    raw = raw.with_columns(is_total.alias("__total"))
    file, sheet = grid.file, grid.sheet
    prov = [pl.lit(file).alias("file"), pl.lit(sheet).alias("sheet"), pl.col("src_row").alias("row")]
    problem_parts = [
        raw.filter("__total").select(
            *prov,
            pl.lit("").alias("column"),
            pl.coalesce([pl.col(k) for k in total_cols]).alias("value"),
            pl.lit("合计行，已跳过").alias("message"),
            pl.lit("skipped").alias("severity"),
        )
    ]
    data = raw.filter(~pl.col("__total"))
    cells = grid.bad_cells() if data.get_column("__blank").any() else ()
    if cells:  # formulas without a result, error values: never a silent empty cell
        schema = {"src_row": pl.Int64, "letter": pl.String, "why": pl.String}
        bad = pl.DataFrame(cells, schema=schema, orient="row")
        hits = data.select("src_row").join(bad, on="src_row", how="inner")
        problem_parts.append(
            hits.select(
                pl.lit(file).alias("file"),
                pl.lit(sheet).alias("sheet"),
                pl.col("src_row").alias("row"),
                (pl.col("letter") + pl.lit("列")).alias("column"),
                pl.lit("").alias("value"),
                (pl.col("why") + pl.lit("，该行未采用")).alias("message"),
                pl.lit("error").alias("severity"),
            )
        )
        data = data.join(hits.select("src_row").unique(), on="src_row", how="anti")

    # Parse every column once into materialised columns __v_<key> (value) and __err_<key> (reason).
    parsed: dict[str, pl.Expr] = {}
    errors: dict[str, tuple[Column, bool]] = {}
    required_errors: list[pl.Expr] = []
    units: set[str] = set()
    stages: list[values.Stages] = []
    mixed = [k for k in typed if not plain[k]]
    wide = data.select(pl.col(k).str.contains(values.FULL_WIDTH).any() for k in mixed).row(0) if mixed else ()
    full_width = dict(zip(mixed, wide, strict=True))
    data = values.apply(
        data, [values.clean(k, f"__t_{k}", cfg, bool(full_width.get(k)), plain[k]) for k in typed]
    )
    for col, key in keys.items():
        kind = cfg.fields[col.field].kind
        # A bad year cell in a yearly role makes the row unusable (its year is unknown).
        required = (
            (col.field in spec.required and not col.previous)
            or kind == CODE_KIND
            or (col.field == "year" and spec.yearly)
        )
        out_key = key
        if kind == CODE_KIND:
            data = check_frame(
                data.with_columns(pl.col(key).alias(f"__v_{key}")),
                f"__v_{key}",
                f"__err_{key}",
                ENTERPRISE if key == "credit_code" else None,
            )
        else:
            parser, unit = _parse(col, key, cfg, sheet_unit, grid, plain.get(key, False))
            stages.append(parser)
            if unit:
                units.add(f"{cfg.fields[col.field].aliases[0]}: {unit}")
                if kind == "valuation":
                    out_key = "valuation_usd" if unit in USD_UNITS else "valuation_yuan"
        parsed[out_key] = pl.col(f"__v_{key}")
        errors[key] = (col, required)
        if required:
            required_errors.append(pl.col(f"__err_{key}").is_not_null())
    data = values.apply(data, stages)
    year_expr = parsed.get("year", pl.lit(None, pl.Int32))
    if default_year is not None:
        year_expr = pl.coalesce(year_expr, pl.lit(default_year, pl.Int32))
    if role == "events":
        year_expr = pl.coalesce(year_expr, parsed.get("date", pl.lit(None, pl.Date)).dt.year().cast(pl.Int32))
    no_year = pl.col("__year").is_null() if (spec.yearly or role == "events") else pl.lit(False)
    data = data.with_columns(year_expr.alias("__year")).with_columns(
        no_year.alias("__noyear"), pl.any_horizontal([*required_errors, no_year]).alias("__bad")
    )
    parsed["year"] = pl.col("__year")
    for key, (col, required) in errors.items():
        suffix = "，该行未采用" if required else "，该单元格未采用"
        problem_parts.append(
            data.filter(pl.col(f"__err_{key}").is_not_null()).select(
                *prov,
                pl.lit(col.label).alias("column"),
                pl.col(key).alias("value"),
                (pl.col(f"__err_{key}") + pl.lit(suffix)).alias("message"),
                pl.lit("error").alias("severity"),
            )
        )
    problem_parts.append(
        data.filter(pl.col("__noyear") & ~pl.any_horizontal(required_errors or [pl.lit(False)])).select(
            *prov,
            pl.lit("年度").alias("column"),
            pl.lit("").alias("value"),
            pl.lit("缺少年度（无年度列，也无法从日期、标题或文件名确定），该行未采用").alias("message"),
            pl.lit("error").alias("severity"),
        )
    )
    for col, key in keys.items():
        if col.field in spec.required and not col.previous and cfg.fields[col.field].kind != CODE_KIND:
            problem_parts.append(
                data.filter(
                    pl.col(key).str.strip_chars().ne("").not_().fill_null(True) & ~pl.col("__bad")
                ).select(
                    *prov,
                    pl.lit(col.label).alias("column"),
                    pl.lit("").alias("value"),
                    pl.lit("必填项为空").alias("message"),
                    pl.lit("warning").alias("severity"),
                )
            )
    good = data.filter(~pl.col("__bad"))
    frame = _canonical(good, parsed, keys, role, file, sheet)
    problems = pl.concat([p.cast(PROBLEM) for p in problem_parts], how="vertical_relaxed")
    return frame, problems, raw.height, units


def _canonical(
    good: pl.DataFrame, parsed: dict[str, pl.Expr], keys: dict[Column, str], role: str, file: str, sheet: str
) -> pl.DataFrame:
    """The role's canonical frame from the good rows, with rows for 上年同期 columns added."""
    schema = role_schema(role)
    rename = RENAME.get(role, {})
    exprs: dict[str, pl.Expr] = {}
    for k, e in parsed.items():  # a renamed field (入选年度 → year) wins over the generic year
        name = rename.get(k, k)
        if not k.endswith("__prev") and not (k == "year" and name in exprs):
            exprs[name] = e
    if role == "events":
        exprs["event_text"] = pl.col("event").str.strip_chars()
    base = {
        name: exprs.get(name, pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
        if name not in PROVENANCE and name != "from_prev_column"
    }
    prov = [pl.lit(file).alias("src_file"), pl.lit(sheet).alias("src_sheet"), pl.col("src_row")]
    # the enterprise key computed by the code check rides along, for dedupe, unit_jumps and the frame
    carried = [ENTERPRISE] if ENTERPRISE in good.columns else []
    prov += [pl.col(c) for c in carried]
    columns = [*schema, *carried]
    current = good.select(*base.values(), *prov)
    if "from_prev_column" not in schema:
        return current.select(columns)
    current = current.with_columns(pl.lit(False).alias("from_prev_column"))
    prev_keys = [k for k in parsed if k.endswith("__prev")]
    if not prev_keys:
        return current.select(columns)
    prev_exprs = dict(base)
    for k in prev_keys:
        name = rename.get(k.removesuffix("__prev"), k.removesuffix("__prev"))
        prev_exprs[name] = parsed[k].cast(schema[name]).alias(name)
    for name in ("four_above", "entry_year"):  # 四上 status is not carried by a 上年同期 column
        if name in prev_exprs:
            prev_exprs[name] = pl.lit(None).cast(schema[name]).alias(name)
    prev_exprs["year"] = (parsed["year"] - 1).cast(pl.Int32).alias("year")
    has_value = pl.any_horizontal([parsed[k].is_not_null() for k in prev_keys])
    previous = (
        good.filter(has_value)
        .select(*prev_exprs.values(), *prov)
        .with_columns(pl.lit(True).alias("from_prev_column"))
    )
    # A 上年同期 column gives only the amounts; the current-year amounts not in it stay empty.
    current_only = [
        rename.get(k, k)
        for k in parsed
        if not k.endswith("__prev")
        and f"{k}__prev" not in parsed
        and schema.get(rename.get(k, k)) == pl.Int64()
    ]
    previous = previous.with_columns([pl.lit(None, pl.Int64).alias(c) for c in current_only])
    return pl.concat([current.select(columns), previous.select(columns)])
