"""Finding the header among a sheet's leading rows, and the year and units around it.

Exports made for people carry title rows ("2020年规模以上工业企业主要经济指标", "单位：千元") above a
header that may span two rows ("营业收入(千元)" merged over "本年 | 上年同期"). The header is the row —
or pair of rows — among the first :data:`~qkaward.inputs.grid.HEAD_ROWS` that names the most fields
of the role, matched through the aliases of ``config/columns.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qkaward.inputs.columns import ColumnConfig, RoleSpec, split_unit, unit_pattern
from qkaward.inputs.grid import Grid

_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass(frozen=True)
class Column:
    """A grid column that names a field."""

    index: int  # grid column cN
    field: str
    previous: bool  # a 上年同期 column: the value belongs to year − 1
    label: str  # the header text as shown (both levels joined with "/")
    unit: str | None  # unit written in the header, if any


@dataclass(frozen=True)
class Header:
    """Where the header is and what it names."""

    row: int  # frame index of the first header row
    depth: int  # 1, or 2 for a two-level header
    columns: tuple[Column, ...]
    duplicates: tuple[Column, ...]  # columns naming a field already named by an earlier column
    title_lines: tuple[str, ...]

    @property
    def data_start(self) -> int:
        return self.row + self.depth

    @property
    def fields(self) -> set[tuple[str, bool]]:
        return {(c.field, c.previous) for c in self.columns}

    def missing(self, role: RoleSpec) -> list[str]:
        """Required fields of ``role`` the header does not name (``year`` may come from elsewhere)."""
        named = {c.field for c in self.columns if not c.previous}
        return [f for f in role.required if f not in named]


def _text(cell: str | None) -> str:
    return "" if cell is None else str(cell).strip()


def _match_cell(
    text: str, cfg: ColumnConfig, pattern: re.Pattern[str]
) -> tuple[str, bool, str | None] | None:
    label, unit = split_unit(text, pattern)
    hit = cfg.match(label) if label else None
    return (hit[0], hit[1], unit) if hit else None


def _columns_single(row: list[str | None], cfg: ColumnConfig, pattern: re.Pattern[str]) -> list[Column]:
    cols = []
    for j, cell in enumerate(row):
        text = _text(cell)
        hit = _match_cell(text, cfg, pattern) if text else None
        if hit:
            cols.append(Column(j, hit[0], hit[1], text, hit[2]))
    return cols


def _columns_double(
    top: list[str | None], low: list[str | None], cfg: ColumnConfig, pattern: re.Pattern[str]
) -> list[Column]:
    """Columns of a two-level header. A top cell merged across columns is blank to the right of its
    first column (as calamine reads merged cells), so it is carried right over lower-level cells."""
    cols = []
    parent = ""
    for j in range(max(len(top), len(low))):
        t = _text(top[j] if j < len(top) else None)
        lo = _text(low[j] if j < len(low) else None)
        parent = t if t else (parent if lo else "")
        if not lo:
            hit = _match_cell(parent, cfg, pattern) if parent else None
            if hit:
                cols.append(Column(j, hit[0], hit[1], parent, hit[2]))
            continue
        low_label, low_unit = split_unit(lo, pattern)
        up = _match_cell(parent, cfg, pattern) if parent else None
        if up and (low_label in cfg.previous_labels or low_label in cfg.current_labels):
            previous = low_label in cfg.previous_labels
            cols.append(Column(j, up[0], previous or up[1], f"{parent}/{lo}", up[2] or low_unit))
            continue
        for candidate in (parent + lo, lo):
            hit = _match_cell(candidate, cfg, pattern)
            if hit:
                cols.append(
                    Column(
                        j,
                        hit[0],
                        hit[1],
                        f"{parent}/{lo}" if parent else lo,
                        hit[2] or (up[2] if up else None),
                    )
                )
                break
    return cols


def _dedupe(cols: list[Column]) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    seen: set[tuple[str, bool]] = set()
    keep, dup = [], []
    for c in cols:
        key = (c.field, c.previous)
        (dup if key in seen else keep).append(c)
        seen.add(key)
    return tuple(keep), tuple(dup)


def find_header(grid: Grid, role: RoleSpec, cfg: ColumnConfig) -> Header | None:
    """The best header for ``role`` in the leading rows, or None when no row names any field."""
    pattern = unit_pattern(cfg.units)
    head = grid.head()
    wanted = set(role.required) | set(role.optional)
    best: tuple[tuple[int, int, int], Header] | None = None
    for r, row in enumerate(head):
        candidates = [(1, _columns_single(row, cfg, pattern))]
        if r + 1 < len(head):
            candidates.append((2, _columns_double(row, head[r + 1], cfg, pattern)))
        for depth, cols in candidates:
            cols = [c for c in cols if c.field in wanted]
            if not cols:
                continue
            keep, dup = _dedupe(cols)
            named = {c.field for c in keep}
            score = (len(named & set(role.required)), len(keep), -depth)
            if best is None or score > best[0]:
                titles = tuple(" ".join(_text(c) for c in line if _text(c)) for line in head[:r])
                best = (score, Header(r, depth, keep, dup, tuple(t for t in titles if t)))
    return best[1] if best else None


def title_unit(header: Header, cfg: ColumnConfig) -> str | None:
    """A unit stated in the title rows ("单位：千元", "计量单位:万元"), if exactly one is."""
    pattern = unit_pattern(cfg.units)
    units = set()
    for line in header.title_lines:
        for part in re.split(r"\s+", line):
            label, unit = split_unit(part, pattern)
            if unit and (not label or label.endswith("单位")):
                units.add(unit)
    return units.pop() if len(units) == 1 else None


def title_year(header: Header) -> int | None:
    """The year named in the title rows ("2020年…"), if exactly one is named."""
    years = {int(y) for line in header.title_lines for y in _TITLE_YEAR.findall(line)}
    return years.pop() if len(years) == 1 else None


def file_year(path: str) -> int | None:
    """The year in a file name (``stats_2020.xlsx``, ``2020年统计.xls``), if exactly one."""
    years = {int(y) for y in _FILE_YEAR.findall(Path(path).stem)}
    return years.pop() if len(years) == 1 else None
