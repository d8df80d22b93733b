"""Rich dashboards for ``classify``, ``awards`` and ``targets``: readable at 100 columns and in a
narrow window.

Rich measures CJK characters as two cells, so Chinese columns line up; long text folds inside its
column (``overflow="fold"``) while short numbers never wrap (``no_wrap``). Every input string goes
into a :class:`rich.text.Text`, never into markup, so a name like ``[red]x[/red]`` prints as itself.
Amounts are 万元, exact (:func:`qkaward.render.text.wan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from qkaward.render.text import wan
from qkaward.render.workbook import (
    NO_DEPARTMENT,
    POOL_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
    TIER_ORDER,
    TargetLike,
    mask_id,
)

#: From this console width on, the awards table also shows the reason (``explain`` always has it).
WIDE = 140
#: Below this width, tables merge columns into multi-line cells so nothing is squeezed out.
NARROW = 80

_GROUP_SHORT = {"main": "建批房", "other": "其他"}


class _Result(Protocol):
    year: int
    policy_id: str
    classify: pl.DataFrame
    awards: pl.DataFrame
    targets: Sequence[TargetLike]


def _who(name: str | None, code: str | None) -> Text:
    """Enterprise name over its credit code (dimmed), both as plain text."""
    text = Text(name or "（无名称）")
    text.append("\n")
    text.append(code or "", style="dim")
    return text


def _table(title: str | None = None) -> Table:
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True, show_footer=False)


def _money(yuan: Any) -> str:
    return wan(None if yuan is None else int(yuan), 4)


# ------------------------------------------------------------------------------------ awards
def _award_table(awards: pl.DataFrame, width: int, year: int) -> Table:
    """The award lines; the department joins the award cell in a narrow window."""
    wide, narrow = width >= WIDE, width < NARROW
    table = _table(f"{year}年奖励清单（{awards.height} 笔）")
    table.add_column("企业", overflow="fold", ratio=4, min_width=10)
    table.add_column("奖项 / 责任单位" if narrow else "奖项", overflow="fold", ratio=3, min_width=8)
    table.add_column("金额（万元）", justify="right", no_wrap=True)
    if not narrow:
        table.add_column("责任单位", overflow="fold", ratio=2, min_width=6)
    table.add_column("状态", no_wrap=True)
    if wide:
        table.add_column("依据", overflow="fold", ratio=6)
    for r in awards.iter_rows(named=True):
        label = Text(r["label"] or r["award"] or "")
        if r["subject"]:
            subject = mask_id(r["subject"]) if (r["award"] or "").startswith("talent.") else r["subject"]
            label.append(f"（{subject}）", style="dim")
        department = r["department"] or NO_DEPARTMENT
        if narrow:
            label.append(f"\n{department}", style="dim")
        review = r["status"] == "needs_review"
        status = Text(
            STATUS_LABELS.get(r["status"], r["status"] or ""), style="bold yellow" if review else ""
        )
        cells: list[Any] = [_who(r["name"], r["credit_code"]), label, _money(r["amount_yuan"])]
        if not narrow:
            cells.append(Text(department))
        cells.append(status)
        if wide:
            cells.append(Text(r["reason"] or ""))
        table.add_row(*cells)
    review = awards.filter(pl.col("status") == "needs_review")
    total: list[Any] = [
        Text("合计", style="bold"),
        Text(f"{awards.height} 笔\n其中待核实 {review.height} 笔"),
        Text(_money(_sum(awards)), style="bold"),
    ]
    total += [""] * (len(table.columns) - len(total))
    table.add_section()
    table.add_row(*total)
    return table


def _sum(frame: pl.DataFrame) -> int:
    return int(frame.get_column("amount_yuan").sum() or 0) if frame.height else 0


def _totals_table(title: str, header: str, awards: pl.DataFrame, key: str) -> Table:
    review = pl.col("status") == "needs_review"
    groups = (
        awards.group_by(key)
        .agg(
            pl.len().alias("n"),
            pl.col("amount_yuan").sum().alias("yuan"),
            review.sum().alias("rn"),
            pl.col("amount_yuan").filter(review).sum().alias("ryuan"),
        )
        .sort(["yuan", key], descending=[True, False])
    )
    table = _table(title)
    table.add_column(header, overflow="fold", ratio=3)
    table.add_column("笔数", justify="right", no_wrap=True)
    table.add_column("金额（万元）", justify="right", no_wrap=True)
    table.add_column("待核实", justify="right", no_wrap=True)
    for r in groups.iter_rows(named=True):
        pending = f"{r['rn']} 笔 {_money(r['ryuan'])}" if r["rn"] else "—"
        table.add_row(Text(r[key] or ""), str(r["n"]), _money(r["yuan"]), pending)
    table.add_section()
    table.add_row(
        Text("合计", style="bold"), str(awards.height), Text(_money(_sum(awards)), style="bold"), ""
    )
    return table


def print_awards(console: Console, result: _Result) -> None:
    """The award lines with a grand total, then totals per award and per department."""
    awards = result.awards
    if awards.is_empty():
        console.print(f"{result.year}年没有应给予的奖励。")
        return
    shown = awards.with_columns(
        pl.col("label").fill_null(pl.col("award")),
        pl.col("department").fill_null("").str.strip_chars().replace("", NO_DEPARTMENT),
    )
    console.print(_award_table(shown, console.width, result.year))
    console.print(_totals_table("按奖项合计", "奖项", shown, "label"))
    console.print(_totals_table("按责任单位合计", "责任单位", shown, "department"))


# ------------------------------------------------------------------------------------ classify
def print_classify(console: Console, result: _Result) -> None:
    """Every enterprise of the year with revenue, fiscal contribution, tier and pools; then counts.

    In a narrow window the industry joins the enterprise cell, revenue and fiscal contribution share
    one cell, and so do tier and pools.
    """
    c = result.classify
    narrow = console.width < NARROW
    order = {t: i for i, t in enumerate(TIER_ORDER)}
    rows = c.with_columns(
        pl.col("tier").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_rank")
    ).sort(["_rank", "revenue_yuan"], descending=[False, True], nulls_last=True)
    table = _table(f"{result.year}年企业分类（{c.height} 家）")
    table.add_column("企业", overflow="fold", ratio=4, min_width=10)
    if narrow:
        table.add_column("营收 / 区级财政（万元）", justify="right", no_wrap=True)
        table.add_column("梯队 / 培育库", overflow="fold", ratio=3, min_width=6)
    else:
        table.add_column("行业", overflow="fold", min_width=6)
        table.add_column("营业收入（万元）", justify="right", no_wrap=True)
        table.add_column("区级财政（万元）", justify="right", no_wrap=True)
        table.add_column("梯队", no_wrap=True)
        table.add_column("培育库", overflow="fold", ratio=3, min_width=6)
    for r in rows.iter_rows(named=True):
        code = r.get("industry_code") or "—"
        group = _GROUP_SHORT.get(r["group"], r["group"]) if r.get("group") else ""
        pools = "、".join(POOL_LABELS.get(p, p) for p in (r.get("pools") or [])) or "—"
        tier = TIER_LABELS.get(r["tier"], r["tier"]) if r.get("tier") else "—"
        revenue, fiscal = _money(r.get("revenue_yuan")), _money(r.get("fiscal_yuan"))
        who = _who(r["name"], r["credit_code"])
        if narrow:
            who.append(f"\n{code} {group}".rstrip(), style="dim")
            tiers = Text(tier, style="bold")
            tiers.append(f"\n{pools}")
            table.add_row(who, f"{revenue}\n{fiscal}", tiers)
        else:
            industry = Text(code)
            industry.append(f"\n{group}" if group else "", style="dim")
            table.add_row(who, industry, revenue, fiscal, Text(tier, style="bold"), Text(pools))
    console.print(table)
    console.print(_counts_line(c))


def _counts_line(c: pl.DataFrame) -> Text:
    """One line of counts: per tier, then per pool."""
    parts = [f"{TIER_LABELS[t]} {c.filter(pl.col('tier') == t).height} 家" for t in TIER_ORDER]
    if "pools" in c.columns and c.height:
        counts = dict(c.select(pl.col("pools").explode()).drop_nulls().group_by("pools").len().iter_rows())
        parts += [f"{POOL_LABELS.get(p, p)} {counts[p]} 家" for p in POOL_LABELS if counts.get(p)]
    return Text("；".join(parts))


# ------------------------------------------------------------------------------------ targets
def _bar(actual: int, goal: int, width: int = 10) -> str:
    """A text progress bar (integer arithmetic), full at or beyond the goal."""
    filled = width if goal <= 0 else min(width, actual * width // goal)
    return "█" * filled + "░" * (width - filled)


def print_targets(console: Console, result: _Result) -> None:
    """Each 2021 goal with the actual figure, the gap and a progress bar; unmeasured goals say why.

    In a narrow window the note goes under the goal and the bar is left out (the percentage stays).
    """
    narrow = console.width < NARROW
    table = _table(f"“四个一批”2021年目标进度（截至{result.year}年）")
    table.add_column("目标", overflow="fold", ratio=4, min_width=10)
    table.add_column("目标值", justify="right", no_wrap=True)
    table.add_column("实际", justify="right", no_wrap=True)
    table.add_column("差距", justify="right", no_wrap=True)
    table.add_column("进度", no_wrap=True, justify="right" if narrow else "left")
    if not narrow:
        table.add_column("说明", overflow="fold", ratio=3, min_width=6)
    for t in result.targets:
        unit = t.unit or ""
        label = Text(t.label)
        if narrow and t.note:
            label.append(f"\n{t.note}", style="dim")
        if t.actual is None:
            cells: list[Any] = [label, f"{t.goal}{unit}", "—", "—", Text("无数据", style="dim")]
        else:
            done = t.gap is not None and t.gap <= 0
            pct = f"{t.actual * 100 // t.goal}%" if t.goal else ""
            progress = pct if narrow else f"{_bar(t.actual, t.goal)} {pct}"
            gap = "已完成" if done else f"{t.gap}{unit}" if t.gap is not None else "—"
            style = "green" if done else ""
            cells = [label, f"{t.goal}{unit}", f"{t.actual}{unit}", gap, Text(progress, style=style)]
        if not narrow:
            cells.append(Text(t.note or ""))
        table.add_row(*cells)
    console.print(table)
