"""The per-enterprise trace behind ``qkaward explain``: every rule considered for one credit code and
year, with the figures, the thresholds and their clauses, the decision and why — in Chinese a
non-programmer can follow. Nothing here prints; the CLI renders the :class:`Trace`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from qkaward import schema
from qkaward.frame import conform
from qkaward.policy import Policy
from qkaward.privacy import mask_id_expr
from qkaward.rules import RunResult
from qkaward.rules._common import event_rows, money, ratio_text
from qkaward.rules.growth import entry_status, scale_categories
from qkaward.rules.incubators import LEVEL_LABELS

STATUS_LABELS = {"confirmed": "奖励", "needs_review": "奖励（需人工核实）"}


@dataclass(frozen=True)
class Step:
    """One rule considered: its id, label and clause, the figures it read, the decision and why."""

    rule: str
    label: str
    clause: str
    figures: tuple[tuple[str, str], ...]
    decision: str
    reason: str


@dataclass(frozen=True)
class Trace:
    credit_code: str
    name: str
    year: int
    policy_id: str
    steps: tuple[Step, ...]


def _award(result: RunResult, code: str, award: str) -> dict[str, Any] | None:
    hit = result.awards.filter((pl.col("credit_code") == code) & (pl.col("award") == award))
    return hit.row(0, named=True) if hit.height else None


def _awarded(line: dict[str, Any]) -> str:
    return f"{STATUS_LABELS.get(line['status'], line['status'])}{money(line['amount_yuan'])}"


def explain(result: RunResult, inputs: schema.Inputs, policy: Policy, credit_code: str) -> Trace:
    """The trace for ``credit_code`` in ``result.year``."""
    code = credit_code.strip().upper()
    year = result.year
    rows = result.frame.filter((pl.col("credit_code") == code) & (pl.col("year") == year))
    row = rows.row(0, named=True) if rows.height else None
    cls = result.classify.filter(pl.col("credit_code") == code)
    lines = result.awards.filter(pl.col("credit_code") == code)
    name = (row or {}).get("name") or (cls.row(0, named=True)["name"] if cls.height else None)
    name = name or (lines.get_column("name")[0] if lines.height else "")
    steps: list[Step] = []
    steps += _ladder_steps(result, policy, code, year, row)
    steps += _listing_steps(result, inputs, policy, code, year)
    steps += _scale_steps(result, inputs, policy, code, year)
    steps += _honor_steps(result, inputs, policy, code, year)
    steps += _other_lines(result, code, ("incubator.", "talent."))
    steps += _other_inputs(inputs, policy, code, year, lines)
    steps.append(_pool_step(result, policy, code))
    return Trace(code, name or "", year, result.policy_id, tuple(steps))


def _ladder_steps(result: RunResult, policy: Policy, code: str, year: int, row: dict | None) -> list[Step]:
    lad = policy.ladder
    if row is None:
        return [
            Step("ladder", lad.label, lad.clause, (), "不适用", f"{year}年统计局、税务局数据中都没有该企业")
        ]
    group = row["group"]
    group_text = lad.group_labels.get(group, "未知（缺行业代码）") if group else "未知（缺行业代码）"
    base = (
        ("营业收入", money(row["revenue_yuan"])),
        ("区级财政贡献", money(row["fiscal_yuan"])),
        ("行业", f"{row['industry_code'] or '无'}（{row['section'] or '?'}门类，{group_text}标准）"),
        ("上年营业收入", money(row["revenue_prev_yuan"])),
        ("上年区级财政贡献", money(row["fiscal_prev_yuan"])),
    )
    steps = []
    for t in lad.tiers:
        rev_thr = t.revenue_yuan(group) if group else None
        figs = (*base, ("营业收入标准", money(rev_thr)), ("财政贡献标准", money(t.fiscal_yuan)))
        line = _award(result, code, f"ladder.first_reach.{t.id}")
        first, due, award_year = row[f"first_{t.id}"], row[f"due_{t.id}"], row[f"award_year_{t.id}"]
        if line:
            decision, why = _awarded(line), line["reason"]
        elif not row[f"holds_{t.id}"] and first != year:
            decision = "不奖励"
            why = (
                "；".join(
                    x
                    for x in (
                        None
                        if row[f"rev_{t.id}"]
                        else f"营业收入{money(row['revenue_yuan'])}<{money(rev_thr)}",
                        None
                        if row[f"fis_{t.id}"]
                        else f"区级财政贡献{money(row['fiscal_yuan'])}<{money(t.fiscal_yuan)}",
                    )
                    if x
                )
                or f"{year}年未达到{t.label}标准"
            )
        elif first is not None and first < year:
            decision = "不奖励"
            why = f"{first}年已首次达到{t.label}（或更高档次），不是首次达到"
            if first < policy.period_start:
                why += f"；{first}年在政策期前，只作历史数据"
        elif due is None:
            decision = "不奖励"
            why = f"{year}年营业收入首次达到{t.label}标准，但当年区级财政贡献不足，按营业收入口径不再奖励"
        elif award_year is None:
            decision = "不奖励"
            why = f"同年首次达到更高档次，就高不重复（ladder.same_year = {lad.same_year}）"
        else:
            decision = "不奖励"
            why = "台账已有该档或更高档次的首次达到奖励，或补差后金额为零"
        steps.append(
            Step(f"ladder.first_reach.{t.id}", f"{t.label}首次达到奖励", t.clause, figs, decision, why)
        )
    tier = row["tier"]
    held = next((t for t in lad.tiers if t.id == tier), None)
    figs = (
        ("当年档次", held.label if held else "未达到任何档次"),
        ("区级财政贡献", money(row["fiscal_yuan"])),
        ("上年区级财政贡献", money(row["fiscal_prev_yuan"])),
        ("增长标准", f"不低于上年的{ratio_text(lad.growth_ratio)}倍"),
    )
    if held is None:
        decision, why = "不奖励", f"{year}年未达到任何档次（营业收入与区级财政贡献须同时达标）"
    elif (line := _award(result, code, f"ladder.growth.{held.id}")) is not None:
        decision, why = _awarded(line), line["reason"]
    elif row["fiscal_prev_yuan"] is None or row["fiscal_prev_yuan"] <= 0:
        decision, why = "不奖励", "上年区级财政贡献缺失或不为正数，无法计算增幅"
    else:
        decision = "不奖励"
        why = (
            f"区级财政贡献{money(row['fiscal_yuan'])}低于上年{money(row['fiscal_prev_yuan'])}的"
            f"{ratio_text(lad.growth_ratio)}倍"
        )
    steps.append(Step("ladder.growth", "财政贡献增长奖励", lad.clause, figs, decision, why))
    return steps


def _events_of(inputs: schema.Inputs, code: str) -> pl.DataFrame:
    return event_rows(inputs.events).filter(pl.col("credit_code") == code)


def _listing_steps(
    result: RunResult, inputs: schema.Inputs, policy: Policy, code: str, year: int
) -> list[Step]:
    ev = _events_of(inputs, code)
    steps = []
    for k in policy.listing.kinds:
        mine = ev.filter(pl.col("event").is_in(list(k.events)))
        figs = tuple(
            (f"{r['year']}年事项", r["event_text"] or r["event"]) for r in mine.iter_rows(named=True)
        )
        line = _award(result, code, f"listing.{k.id}")
        if line:
            decision, why = _awarded(line), line["reason"]
        elif mine.filter(pl.col("year") == year).is_empty():
            decision, why = "不奖励", f"{year}年没有{k.label.removesuffix('奖励')}事项"
        else:
            decision, why = (
                "不奖励",
                "每家企业只享受一次上市奖励：同年主板优先，或更早已有上市事项，或台账已有上市奖励",
            )
        steps.append(Step(f"listing.{k.id}", k.label, k.clause, figs, decision, why))
    return steps


def _scale_steps(
    result: RunResult, inputs: schema.Inputs, policy: Policy, code: str, year: int
) -> list[Step]:
    se = policy.scale_entry
    mine = result.frame.filter(pl.col("credit_code") == code)  # filter first: one enterprise's rows
    st = entry_status(mine, policy, year, inputs.stats_years)
    line = _award(result, code, "scale_entry")
    if st.is_empty():
        return [Step("scale_entry", se.label, se.clause, (), "不奖励", f"{year}年统计数据中没有该企业")]
    r = st.row(0, named=True)
    figs = (
        ("四上状态", {True: "四上", False: "非四上", None: "未知"}[r["four_above"]]),
        ("四上类别", r["nbs_name"] or "不属四上行业"),
        (
            "四上标准",
            money(r["nbs_threshold_yuan"]) if r["nbs_threshold_yuan"] is not None else "资质标准/无",
        ),
        ("上年情况", r["entry_basis"]),
    )
    if line:
        decision, why = _awarded(line), line["reason"]
    elif not r["four_above"]:
        decision, why = "不奖励", f"{year}年不是四上企业"
    elif r["nbs_category"] not in scale_categories(policy):
        decision, why = "不奖励", f"{r['nbs_name'] or '该行业'}不属于规上、限上（见 scale_entry 的开关）"
    elif r["entered"] is False:
        decision, why = "不奖励", f"不是{year}年新入库：{r['entry_basis']}"
    else:
        decision, why = "不奖励", "台账已有新进规上限上奖励"
    return [Step("scale_entry", se.label, se.clause, figs, decision, why)]


def _honor_steps(
    result: RunResult, inputs: schema.Inputs, policy: Policy, code: str, year: int
) -> list[Step]:
    ev = _events_of(inputs, code)
    steps = []
    for h in policy.honors.items:
        mine = ev.filter(pl.col("event") == h.event)
        if mine.is_empty():
            continue
        figs = tuple((f"{r['year']}年", r["event_text"] or h.label) for r in mine.iter_rows(named=True))
        line = _award(result, code, f"honor.{h.id}")
        if line:
            decision, why = _awarded(line), line["reason"]
        elif mine.filter(pl.col("year") == year).is_empty():
            decision, why = "不奖励", f"该荣誉不在{year}年获得"
        else:
            decision, why = "不奖励", "一次性奖励：更早年度已获得该荣誉或台账已有记录"
        steps.append(Step(f"honor.{h.id}", h.label, h.clause, figs, decision, why))
    return steps


def _other_lines(result: RunResult, code: str, prefixes: tuple[str, ...]) -> list[Step]:
    lines = result.awards.filter(
        (pl.col("credit_code") == code)
        & pl.any_horizontal([pl.col("award").str.starts_with(p) for p in prefixes])
    )
    return [
        Step(
            r["award"], r["label"], r["clause"], (("对象", r["subject"] or "企业"),), _awarded(r), r["reason"]
        )
        for r in lines.iter_rows(named=True)
    ]


def _other_inputs(
    inputs: schema.Inputs, policy: Policy, code: str, year: int, lines: pl.DataFrame
) -> list[Step]:
    """Incubator and talent rows of this enterprise for the year that produced no line."""
    steps = []
    inc = conform(inputs.incubators, schema.INCUBATORS).filter(
        (pl.col("credit_code") == code) & (pl.col("year") == year)
    )
    p = policy.incubator
    for r in inc.iter_rows(named=True):
        figs = (
            ("载体", r["carrier"] or ""),
            ("认定级别", LEVEL_LABELS.get(r["level"] or "", r["level"] or "无")),
            ("认定年份", str(r["recognized_year"])),
            ("入驻企业总数", f"{r['tenants_total']}（标准{p.min_tenants_total}）"),
            ("当年新增入驻", f"{r['new_tenants']}（标准{p.min_new_tenants}）"),
            ("当年新认定高新技术企业", f"{r['new_hightech']}（标准{p.min_new_hightech}）"),
        )
        got = lines.filter(pl.col("award").str.starts_with("incubator.")).height
        steps.append(
            Step(
                "incubator", "孵化载体奖励", p.hightech_clause, figs, f"共{got}项奖励", "见上面的孵化载体奖励"
            )
        )
    tal = conform(inputs.talents, schema.TALENTS).filter(
        (pl.col("credit_code") == code) & (pl.col("year") == year)
    )
    if tal.height:
        masked = tal.with_columns(mask_id_expr(pl.col("id_number")).alias("masked"))
        awarded = set(lines.filter(pl.col("award") == "talent.project").get_column("subject").to_list())
        for r in masked.iter_rows(named=True):
            if r["masked"] in awarded:
                continue
            listed = "、".join(policy.talent.programmes)
            why = f"人才计划“{r['programme']}”不在资助名单（{listed}）内，或台账已资助该人"
            figs = (
                ("人才", f"{r['person'] or ''}（证件号{r['masked']}）"),
                ("人才计划", r["programme"] or ""),
            )
            steps.append(
                Step("talent.project", policy.talent.label, policy.talent.clause, figs, "不奖励", why)
            )
    return steps


def _pool_conditions(policy: Policy, group: str | None, nbs: int | None) -> dict[str, str]:
    """Each pool's entry condition in words, with this enterprise's thresholds filled in."""
    po = policy.pools
    out = {}
    for t in policy.ladder.tiers:
        thr = t.revenue_yuan(group) if group else None
        share = None if thr is None else money(int(thr * po.ladder_share))
        out[f"ladder_pool.{t.id}"] = (
            f"未达到{t.label}，营业收入≥{share or '（缺行业）'}（该档标准的{ratio_text(po.ladder_share)}倍）"
        )
    out["four_above"] = "统计数据中为四上企业"
    out["high_growth"] = f"四上，且营业收入≥上年的{ratio_text(po.high_growth)}倍"
    nbs_text = money(nbs) if nbs is not None else "（该行业无金额标准）"
    out["pre_four_above"] = f"非四上，且营业收入≥四上标准{nbs_text}的{ratio_text(po.pre_four_above_share)}倍"
    bands = "；".join(
        f"{money(b.revenue_min_yuan)}—{money(b.revenue_max_yuan)}增长≥{ratio_text(b.revenue_growth)}倍"
        for b in po.gazelle_bands
    )
    out["gazelle"] = f"成立≤{po.gazelle_max_age}年，营业收入按档增长：{bands}"
    out["unicorn"] = f"成立≤{po.unicorn_max_age}年、未上市、估值≥{_usd(po.unicorn_min_usd)}"
    out["pre_unicorn"] = (
        f"未上市且非独角兽；成立≤{po.pre_unicorn_young_max_age}年且估值≥{_usd(po.pre_unicorn_young_min_usd)}，"
        f"或成立≤{po.pre_unicorn_older_max_age}年且估值≥{_usd(po.pre_unicorn_older_min_usd)}"
    )
    return out


def _usd(value: int) -> str:
    return f"{money(value).removesuffix('元')}美元"


def _pool_step(result: RunResult, policy: Policy, code: str) -> Step:
    full = result.pool_flags
    rows = full.filter(pl.col("credit_code") == code)
    row = rows.row(0, named=True) if rows.height else {}
    pools = row.get("pools") or []
    labels = policy.pools.labels

    def label(pid: str) -> str:
        if pid.startswith("ladder_pool."):
            tier = next((t for t in policy.ladder.tiers if t.id == pid.split(".", 1)[1]), None)
            return f"准{tier.label}培育库" if tier else pid
        return labels.get(pid, pid)

    conditions = _pool_conditions(policy, row.get("group"), row.get("nbs_threshold_yuan"))
    figs = tuple(
        (label(pid), f"{'是' if row.get(f'pool:{pid}') else '否'}：{cond}")
        for pid, cond in conditions.items()
    )
    text = "、".join(label(p) for p in pools) if pools else "不在任何培育库"
    return Step(
        "pools", "培育库", policy.pools.clauses["four_above"], figs, text, "逐项按入库条件判断（见各行）"
    )
