"""The canonical frames that flow between the layers, with their column types.

``inputs`` produces one frame per role (below); ``frame`` joins them; ``rules`` return award lines
(:data:`AWARD_LINE`). Every money column is integer 元 (``*_yuan``, Int64) — never float.
Every input frame also carries the provenance columns of :data:`PROVENANCE` so that any figure can
be traced back to its file, sheet and spreadsheet row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

#: Where a row came from: file path as given, sheet name ("" for csv/parquet), spreadsheet row number
#: (1-based, as Excel shows it; for csv the line number including the header lines).
PROVENANCE: dict[str, pl.DataType] = {
    "src_file": pl.String(),
    "src_sheet": pl.String(),
    "src_row": pl.Int64(),
}

#: 统计局 export, one row per enterprise × year (SPEC §1).
STATS: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "year": pl.Int32(),
    "industry_code": pl.String(),  # 4 digits, GB/T 4754-2017, no section letter
    "revenue_yuan": pl.Int64(),
    "four_above": pl.Boolean(),  # null = not stated (presence in a stats export then means 四上)
    "entry_year": pl.Int32(),  # 入库年份, authoritative for "newly entered" when present
    "street": pl.String(),
    "from_prev_column": pl.Boolean(),  # True: row made from a 上年同期 column of the year+1 file
}

#: 税务局 export, one row per enterprise × year.
TAX: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "year": pl.Int32(),
    "fiscal_yuan": pl.Int64(),  # 区级财政贡献
    "revenue_yuan": pl.Int64(),  # optional; used only when stats has no row that year
    "industry_code": pl.String(),
    "street": pl.String(),
    "from_prev_column": pl.Boolean(),
}

#: Enterprise master data, one row per enterprise.
ENTERPRISES: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "founded": pl.Date(),
    "valuation_yuan": pl.Int64(),  # 估值 given in 元/万元/亿元
    "valuation_usd": pl.Int64(),  # 估值 given in 美元/亿美元 (converted with the policy's rate)
    "listed": pl.Boolean(),
    "street": pl.String(),
    "industry_code": pl.String(),
}

#: Event types after alias matching (config/columns.toml [event_types]).
EVENT_TYPES = (
    "main_board",  # 境内外主板上市
    "star_market",  # 科创板上市
    "chinext",  # 创业板上市
    "bse",  # 北交所上市
    "neeq",  # 新三板挂牌
    "hidden_champion_demo",  # 隐形冠军示范企业
    "hidden_champion_cultivate",  # 隐形冠军培育企业
    "little_giant",  # 科技小巨人企业
    "high_tech",  # 高新技术企业
)

#: Events (清单), one row per enterprise × event.
EVENTS: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "event": pl.String(),  # one of EVENT_TYPES
    "event_text": pl.String(),  # the text as given
    "year": pl.Int32(),
    "date": pl.Date(),
}

INCUBATOR_LEVELS = ("district", "city", "province", "national")  # 区级 市级 省级 国家级

#: 孵化载体, one row per carrier × year.
INCUBATORS: dict[str, pl.DataType] = {
    "credit_code": pl.String(),  # the operating organisation's code (the payee)
    "name": pl.String(),  # operator name if given, else the carrier name
    "carrier": pl.String(),
    "year": pl.Int32(),
    "level": pl.String(),  # one of INCUBATOR_LEVELS
    "recognized_year": pl.Int32(),
    "tenants_total": pl.Int64(),
    "new_tenants": pl.Int64(),
    "new_hightech": pl.Int64(),
}

#: 人才, one row per person.
TALENTS: dict[str, pl.DataType] = {
    "person": pl.String(),
    "id_number": pl.String(),  # personal data: mask on every output (qkaward.privacy.mask_id)
    "programme": pl.String(),
    "credit_code": pl.String(),  # the enterprise the person works in
    "name": pl.String(),  # enterprise name if given
    "year": pl.Int32(),  # 入选年度
}

ROLE_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "stats": STATS,
    "tax": TAX,
    "enterprises": ENTERPRISES,
    "events": EVENTS,
    "incubators": INCUBATORS,
    "talents": TALENTS,
}

ROLE_LABELS: dict[str, str] = {
    "stats": "统计局数据",
    "tax": "税务局数据",
    "enterprises": "企业基础信息",
    "events": "认定/上市事项",
    "incubators": "孵化载体",
    "talents": "人才",
}

#: One award line (SPEC §8). ``year`` is the award year.
AWARD_LINE: dict[str, pl.DataType] = {
    "credit_code": pl.String(),
    "name": pl.String(),
    "year": pl.Int32(),
    "award": pl.String(),  # e.g. "ladder.first_reach.t2"
    "label": pl.String(),
    "amount_yuan": pl.Int64(),
    "clause": pl.String(),
    "department": pl.String(),
    "status": pl.String(),  # "confirmed" | "needs_review"
    "reason": pl.String(),
    "subject": pl.String(),  # what a one-time award is once-per: "" (enterprise), carrier, masked person id
}

#: Problems found while reading (SPEC §9 "problems").
PROBLEM: dict[str, pl.DataType] = {
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
    "severity": pl.String(),  # "error" (cell/row unusable) | "warning" | "skipped" (合计 rows, sheets)
}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """An empty frame with the given schema."""
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class InputFile:
    """One input file as read: what the summary of `validate` shows."""

    path: str
    role: str
    sha256: str
    sheets: tuple[str, ...]  # sheets read
    ignored_sheets: tuple[str, ...]
    years: tuple[int, ...]
    units: tuple[str, ...]  # e.g. ("营业收入: 千元",)
    rows_read: int
    rows_used: int


@dataclass(frozen=True)
class Inputs:
    """Everything read for one run: one frame per role (schemas above) and the problems found.

    ``stats_years`` are the years for which a statistics export was given (not counting rows made
    from a 上年同期 column) — SPEC §4 needs to know whether a Y−1 statistics file was given at all.
    As read by ``load_inputs``, ``stats``, ``tax`` and ``enterprises`` also carry the enterprise key
    the code check computed (``qkaward.inputs.creditcode.ENTERPRISE``), which the frame reuses.
    """

    stats: pl.DataFrame = field(default_factory=lambda: empty(STATS | PROVENANCE))
    tax: pl.DataFrame = field(default_factory=lambda: empty(TAX | PROVENANCE))
    enterprises: pl.DataFrame = field(default_factory=lambda: empty(ENTERPRISES | PROVENANCE))
    events: pl.DataFrame = field(default_factory=lambda: empty(EVENTS | PROVENANCE))
    incubators: pl.DataFrame = field(default_factory=lambda: empty(INCUBATORS | PROVENANCE))
    talents: pl.DataFrame = field(default_factory=lambda: empty(TALENTS | PROVENANCE))
    problems: pl.DataFrame = field(default_factory=lambda: empty(PROBLEM))
    files: tuple[InputFile, ...] = ()
    stats_years: tuple[int, ...] = ()
