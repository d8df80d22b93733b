"""Terminal output with Rich: tables that read well at 100 columns and in a narrow window."""

from __future__ import annotations

from typing import Any

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table

from qkaward.schema import ROLE_LABELS, InputFile, Inputs

SEVERITY_LABELS = {"error": "错误", "warning": "提示", "skipped": "已跳过"}


def file_summary(f: InputFile) -> dict[str, Any]:
    """One file's summary, as `validate --format json` gives it."""
    return {
        "file": f.path,
        "role": f.role,
        "sha256": f.sha256,
        "sheets": list(f.sheets),
        "ignored_sheets": list(f.ignored_sheets),
        "years": list(f.years),
        "units": list(f.units),
        "rows_read": f.rows_read,
        "rows_used": f.rows_used,
    }


def print_validation(console: Console, inputs: Inputs) -> None:
    """The per-file summary and the problems table of `qkaward validate`."""
    table = Table(title="输入文件", box=box.SIMPLE_HEAD, show_lines=False)
    table.add_column("文件", overflow="fold", min_width=10)
    table.add_column("类别", overflow="fold", min_width=6)
    table.add_column("工作表", overflow="fold", min_width=6)
    table.add_column("年度", overflow="fold", min_width=4)
    table.add_column("单位", overflow="fold", min_width=8)
    table.add_column("读取行", justify="right", no_wrap=True)
    table.add_column("采用行", justify="right", no_wrap=True)
    for f in inputs.files:
        sheets = "、".join(s for s in f.sheets if s) or "—"
        if f.ignored_sheets:
            sheets += f"（忽略：{'、'.join(f.ignored_sheets)}）"
        table.add_row(
            f.path,
            ROLE_LABELS.get(f.role, f.role),
            sheets,
            _years(f.years),
            "；".join(f.units) or "—",
            str(f.rows_read),
            str(f.rows_used),
        )
    console.print(table)
    print_problems(console, inputs.problems)


def print_problems(console: Console, problems: pl.DataFrame) -> None:
    """Every problem with file, sheet, row, column, value and message."""
    if problems.is_empty():
        console.print("[green]未发现数据问题。[/green]")
        return
    console.print(f"[bold]数据问题（{problems.height} 条）[/bold]")
    for (file,), group in problems.group_by("file", maintain_order=True):
        table = Table(title=f"文件：{file}", title_justify="left", box=box.SIMPLE_HEAD, expand=True)
        table.add_column("工作表", overflow="fold", ratio=2)
        table.add_column("行", justify="right", no_wrap=True)
        table.add_column("列", overflow="fold", ratio=2)
        table.add_column("值", overflow="fold", ratio=2)
        table.add_column("问题", overflow="fold", ratio=5)
        table.add_column("级别", no_wrap=True)
        for r in group.iter_rows(named=True):
            row = "" if r["row"] is None else str(r["row"])
            level = SEVERITY_LABELS.get(r["severity"], r["severity"])
            style = "yellow" if r["severity"] == "error" else None
            table.add_row(
                r["sheet"] or "—",
                row,
                r["column"] or "",
                _short(r["value"]),
                r["message"],
                level,
                style=style,
            )
        console.print(table)
    counts = problems.group_by("severity").len().sort("severity")
    console.print("  ".join(f"{SEVERITY_LABELS.get(s, s)} {n} 条" for s, n in counts.iter_rows()))


def _short(value: str | None, limit: int = 40) -> str:
    if value is None:
        return ""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def print_policy(console: Console, policy: Any) -> None:
    """The policy as a tree: sections by key, each parameter with value, unit, clause and note."""
    from rich.tree import Tree

    root = Tree(f"[bold]{policy.title}[/bold]（{policy.id}，{policy.period_start}—{policy.period_end}年）")
    if policy.overrides:
        root.add("本次临时修改：" + "；".join(policy.overrides))
    nodes: dict[str, Tree] = {}
    for row in policy.rows():
        parts = row.key.split(".")
        parent = root
        for depth in range(1, len(parts)):
            prefix = ".".join(parts[:depth])
            if prefix not in nodes:
                nodes[prefix] = parent.add(f"[bold]{parts[depth - 1]}[/bold]")
            parent = nodes[prefix]
        unit = f" {row.unit}" if row.unit else ""
        note = f" — {row.note}" if row.note else ""
        parent.add(f"{parts[-1]} = [cyan]{row.value}[/cyan]{unit}  〔{row.clause}〕{note}")
    console.print(root)


def print_trace(console: Console, trace: Any) -> None:
    """`qkaward explain`: every rule considered, with figures, decision and why."""
    name = trace.name or "（名称未知）"
    console.print(f"[bold]{name}[/bold]  {trace.credit_code}  {trace.year}年  政策：{trace.policy_id}")
    for step in trace.steps:
        table = Table(box=box.MINIMAL, show_header=False, expand=True, padding=(0, 1))
        table.add_column("项", style="dim", no_wrap=True)
        table.add_column("值", overflow="fold", ratio=1)
        for name, value in step.figures:
            table.add_row(name, value)
        table.add_row("结论", f"[bold]{step.decision}[/bold]")
        table.add_row("理由", step.reason)
        console.print(f"\n[bold]{step.label}[/bold]（{step.clause}）")
        console.print(table)


def _years(years: tuple[int, ...]) -> str:
    """2018、2019、2020 → 2018—2020 when consecutive."""
    if not years:
        return "—"
    if len(years) > 2 and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}—{years[-1]}"
    return "、".join(map(str, years))
