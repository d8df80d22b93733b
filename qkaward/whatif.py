"""What-if budgets: the same data under two policies, and what changes — in total, per award, per
department and enterprise by enterprise.

All amounts are exact integer 元 (polars Int64); a difference is ``variant − base``. The per-enterprise
table lists every award line whose amount differs, so its differences add up to the total difference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from qkaward.privacy import mask_id_expr
from qkaward.render.text import wan
from qkaward.render.workbook import DEFAULT_TITLE, NO_DEPARTMENT, Col, write_sheets
from qkaward.schema import AWARD_LINE

_KEYS = ("credit_code", "award", "subject")


class AwardsLike(Protocol):
    """What a what-if reads of a run (``qkaward.rules.RunResult``)."""

    year: int
    policy_id: str
    awards: pl.DataFrame


@dataclass(frozen=True)
class WhatIf:
    """The difference between a baseline run and a variant run for the same year.

    ``by_award`` and ``by_department``: key columns, ``base_yuan``, ``variant_yuan``, ``diff_yuan``,
    ``base_count``, ``variant_count``. ``by_enterprise``: one row per award line whose amount
    differs — ``credit_code``, ``name``, ``award``, ``label``, ``subject``, ``department``,
    ``base_yuan``, ``variant_yuan``, ``diff_yuan``, ``base_status``, ``variant_status``, ``change``
    (获得 / 失去 / 增加 / 减少).
    """

    year: int
    base_policy: str
    variant_policy: str
    base_total: int
    variant_total: int
    difference: int
    by_award: pl.DataFrame
    by_department: pl.DataFrame
    by_enterprise: pl.DataFrame

    @property
    def gains(self) -> pl.DataFrame:
        """Lines that gain (new or larger awards)."""
        return self.by_enterprise.filter(pl.col("diff_yuan") > 0)

    @property
    def losses(self) -> pl.DataFrame:
        """Lines that lose (awards gone or smaller)."""
        return self.by_enterprise.filter(pl.col("diff_yuan") < 0)


def _lines(awards: pl.DataFrame) -> pl.DataFrame:
    """Award lines keyed by (credit_code, award, subject), summed should a key repeat."""
    a = awards.select(
        [
            pl.col(c).cast(t) if c in awards.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in AWARD_LINE.items()
        ]
    ).with_columns(
        pl.col("subject").fill_null(""),
        pl.col("department").fill_null("").str.strip_chars().replace("", NO_DEPARTMENT),
    )
    return a.group_by(_KEYS, maintain_order=True).agg(
        pl.col("name").first(),
        pl.col("label").first(),
        pl.col("department").first(),
        pl.col("status").first(),
        pl.col("amount_yuan").sum(),
    )


def _by(base: pl.DataFrame, variant: pl.DataFrame, keys: Sequence[str]) -> pl.DataFrame:
    """Totals and counts per ``keys`` in both runs, with the difference; largest change first."""

    def agg(frame: pl.DataFrame, side: str) -> pl.DataFrame:
        return frame.group_by(keys).agg(
            pl.col("amount_yuan").sum().alias(f"{side}_yuan"), pl.len().cast(pl.Int64).alias(f"{side}_count")
        )

    joined = agg(base, "base").join(agg(variant, "variant"), on=list(keys), how="full", coalesce=True)
    zero = ["base_yuan", "variant_yuan", "base_count", "variant_count"]
    return (
        joined.with_columns(pl.col(c).fill_null(0) for c in zero)
        .with_columns((pl.col("variant_yuan") - pl.col("base_yuan")).alias("diff_yuan"))
        .sort([pl.col("diff_yuan").abs(), *keys], descending=[True, *[False] * len(keys)])
    )


def compare(base: AwardsLike, variant: AwardsLike) -> WhatIf:
    """Compare two runs of the same year: totals, per award, per department and per award line."""
    b, v = _lines(base.awards), _lines(variant.awards)
    joined = b.join(v, on=list(_KEYS), how="full", coalesce=True, suffix="_v")
    lines = joined.select(
        *_KEYS,
        pl.coalesce("name_v", "name").alias("name"),
        pl.coalesce("label_v", "label").alias("label"),
        pl.coalesce("department_v", "department").alias("department"),
        pl.col("amount_yuan").fill_null(0).alias("base_yuan"),
        pl.col("amount_yuan_v").fill_null(0).alias("variant_yuan"),
        pl.col("status").alias("base_status"),
        pl.col("status_v").alias("variant_status"),
        pl.col("amount_yuan").is_null().alias("_new"),
        pl.col("amount_yuan_v").is_null().alias("_gone"),
    ).with_columns((pl.col("variant_yuan") - pl.col("base_yuan")).alias("diff_yuan"))
    change = (
        pl.when(pl.col("_new"))
        .then(pl.lit("获得"))
        .when(pl.col("_gone"))
        .then(pl.lit("失去"))
        .when(pl.col("diff_yuan") > 0)
        .then(pl.lit("增加"))
        .otherwise(pl.lit("减少"))
    )
    by_enterprise = (
        lines.filter(pl.col("diff_yuan") != 0)
        .with_columns(change.alias("change"))
        .drop("_new", "_gone")
        .with_columns(
            pl.when(pl.col("award").str.starts_with("talent."))
            .then(mask_id_expr(pl.col("subject")))
            .otherwise(pl.col("subject"))
            .alias("subject")
        )
        .select(
            "credit_code",
            "name",
            "award",
            "label",
            "subject",
            "department",
            "base_yuan",
            "variant_yuan",
            "diff_yuan",
            "base_status",
            "variant_status",
            "change",
        )
        .sort(["diff_yuan", "credit_code", "award", "subject"])
    )
    base_total, variant_total = _total(b), _total(v)
    return WhatIf(
        year=base.year,
        base_policy=base.policy_id,
        variant_policy=variant.policy_id,
        base_total=base_total,
        variant_total=variant_total,
        difference=variant_total - base_total,
        by_award=_by(b, v, ["award", "label"]),
        by_department=_by(b, v, ["department"]),
        by_enterprise=by_enterprise,
    )


def _total(lines: pl.DataFrame) -> int:
    return int(lines.get_column("amount_yuan").sum() or 0) if lines.height else 0


# ------------------------------------------------------------------------------------ workbook
_SUMMARY_COLS = (
    Col("item", "项目", "wrap", 30),
    Col("base_yuan", "基准（万元）", "wan", 16),
    Col("variant_yuan", "方案（万元）", "wan", 16),
    Col("diff_yuan", "差额（万元）", "wan", 16),
    Col("base_count", "基准笔数", "int", 10),
    Col("variant_count", "方案笔数", "int", 10),
)

_ENTERPRISE_COLS = (
    Col("credit_code", "统一社会信用代码", "text", 20),
    Col("name", "企业名称", "wrap", 26),
    Col("label", "奖项", "wrap", 20),
    Col("subject", "对象", "wrap", 20),
    Col("department", "责任单位", "text", 12),
    Col("change", "变化", "text", 6),
    Col("base_yuan", "基准（万元）", "wan", 14),
    Col("variant_yuan", "方案（万元）", "wan", 14),
    Col("diff_yuan", "差额（万元）", "wan", 14),
    Col("award", "奖项代码", "text", 24, hidden=True),
    Col("diff_exact", "差额（元）", "yuan", 16, hidden=True),
)


def summary_rows(whatif: WhatIf) -> list[dict[str, Any]]:
    """The 对比汇总 rows: the grand total, then each award, then each department."""
    rows: list[dict[str, Any]] = []
    for title, frame, key in (
        ("按奖项", whatif.by_award, "label"),
        ("按责任单位", whatif.by_department, "department"),
    ):
        for r in frame.iter_rows(named=True):
            rows.append({**r, "item": f"{title}：{r[key] or r.get('award') or ''}"})
    return rows


def write_whatif_workbook(path: Path, whatif: WhatIf, switches_description: Mapping[str, str] | str) -> None:
    """The what-if workbook: 对比汇总 (total, per award, per department), 企业变化, 方案说明."""
    totals = {
        "item": "预算合计",
        "base_yuan": whatif.base_total,
        "variant_yuan": whatif.variant_total,
        "diff_yuan": whatif.difference,
        "base_count": int(whatif.by_award.get_column("base_count").sum() or 0),
        "variant_count": int(whatif.by_award.get_column("variant_count").sum() or 0),
    }
    ent = whatif.by_enterprise.with_columns(pl.col("diff_yuan").alias("diff_exact")).to_dicts()
    ent_total = {
        "credit_code": f"合计（{len(ent)} 笔）",
        "base_yuan": int(whatif.by_enterprise.get_column("base_yuan").sum() or 0),
        "variant_yuan": int(whatif.by_enterprise.get_column("variant_yuan").sum() or 0),
        "diff_yuan": whatif.difference,
        "diff_exact": whatif.difference,
    }
    if isinstance(switches_description, str):
        described = [{"k": "方案", "v": switches_description}]
    else:
        described = [{"k": k, "v": str(v)} for k, v in switches_description.items()]
    described += [
        {"k": "基准政策", "v": whatif.base_policy},
        {"k": "方案政策", "v": whatif.variant_policy},
        {"k": "奖励年度", "v": str(whatif.year)},
    ]
    write_sheets(
        path,
        [
            ("对比汇总", _SUMMARY_COLS, summary_rows(whatif), totals),
            ("企业变化", _ENTERPRISE_COLS, ent, ent_total),
            ("方案说明", (Col("k", "设置", "text", 30), Col("v", "取值", "wrap", 60)), described, None),
        ],
        title=f"{DEFAULT_TITLE}——方案对比",
        year=whatif.year,
    )


# ------------------------------------------------------------------------------------ terminal
def _signed(yuan: int) -> str:
    text = wan(yuan, 4)
    return f"+{text}" if yuan > 0 else text


def _diff_style(yuan: int) -> str | None:
    return "green" if yuan > 0 else "red" if yuan < 0 else None


def _group_table(title: str, header: str, frame: pl.DataFrame, key: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    table.add_column(header, overflow="fold", ratio=3)
    for name in ("基准（万元）", "方案（万元）", "差额（万元）"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in frame.iter_rows(named=True):
        table.add_row(
            escape(r[key] or r.get("award") or ""),
            wan(r["base_yuan"], 4),
            wan(r["variant_yuan"], 4),
            _signed(r["diff_yuan"]),
            style=_diff_style(r["diff_yuan"]),
        )
    return table


def print_whatif(console: Console, whatif: WhatIf) -> None:
    """The budget difference, per award, per department, and the enterprises that gain or lose."""
    console.print(
        f"[bold]{whatif.year}年奖励预算[/bold]  基准 {wan(whatif.base_total, 4)} 万元 → "
        f"方案 {wan(whatif.variant_total, 4)} 万元，差额 {_signed(whatif.difference)} 万元"
    )
    if whatif.by_enterprise.is_empty():
        console.print("两种方案的奖励完全相同。")
        return
    changed_award = whatif.by_award.filter(pl.col("diff_yuan") != 0)
    changed_dept = whatif.by_department.filter(pl.col("diff_yuan") != 0)
    console.print(_group_table("按奖项", "奖项", changed_award, "label"))
    console.print(_group_table("按责任单位", "责任单位", changed_dept, "department"))
    table = Table(title="企业变化", title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    table.add_column("企业", overflow="fold", ratio=4)
    table.add_column("奖项", overflow="fold", ratio=3)
    table.add_column("变化", no_wrap=True)
    for name in ("基准", "方案", "差额（万元）"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in whatif.by_enterprise.iter_rows(named=True):
        who = f"{escape(r['name'] or '')}\n[dim]{escape(r['credit_code'] or '')}[/dim]"
        label = escape(r["label"] or r["award"] or "")
        if r["subject"]:
            label += f"（{escape(r['subject'])}）"
        table.add_row(
            who,
            label,
            r["change"],
            wan(r["base_yuan"], 4),
            wan(r["variant_yuan"], 4),
            _signed(r["diff_yuan"]),
            style=_diff_style(r["diff_yuan"]),
        )
    table.add_row(
        "[bold]合计[/bold]",
        f"{whatif.by_enterprise.height} 笔",
        "",
        "",
        "",
        f"[bold]{_signed(whatif.difference)}[/bold]",
        end_section=True,
    )
    console.print(table)
