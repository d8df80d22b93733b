"""二、总体目标: progress towards the 2021 goals, for any year of the period (SPEC §7)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from qkaward import schema
from qkaward.frame import conform
from qkaward.policy import Policy, TargetSpec
from qkaward.rules._common import event_rows, lit_list
from qkaward.rules.growth import entry_status
from qkaward.rules.ladders import revenue_threshold
from qkaward.rules.talent import programme_match


@dataclass(frozen=True)
class Target:
    """One goal and how far the data says it is: ``actual``/``gap`` are None when no input measures it."""

    id: str
    label: str
    clause: str
    goal: int
    actual: int | None
    gap: int | None
    unit: str
    note: str


@dataclass(frozen=True)
class _Ctx:
    inputs: schema.Inputs
    policy: Policy
    year: int
    frame: pl.DataFrame
    classify: pl.DataFrame


Measure = Callable[[TargetSpec, _Ctx], "tuple[int | None, str]"]


def _ladder(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    rows = c.frame.filter(pl.col("year") == c.year)
    if rows.get_column("revenue_yuan").drop_nulls().is_empty():
        return None, f"未提供{c.year}年营业收入数据"
    tiers = c.policy.ladder.tiers
    idx = [t.id for t in tiers].index(spec.options["tier"])

    def over(t):  # revenue only, by group; "超" is strict by default
        thr = revenue_threshold(t)
        rev = pl.col("revenue_yuan")
        return ((rev > thr) if c.policy.targets.revenue_strict else (rev >= thr)).fill_null(False)

    cond = over(tiers[idx])
    if c.policy.targets.revenue_count == "band" and idx:
        cond = cond & ~pl.any_horizontal([over(t) for t in tiers[:idx]])
    return rows.filter(cond).select("credit_code").n_unique(), f"{c.year}年营业收入（按行业组别）"


def _events(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    ev = event_rows(c.inputs.events)
    if ev.is_empty():
        return None, "未提供认定/上市事项数据"
    hit = ev.filter(
        pl.col("event").is_in(lit_list(spec.options["events"]))
        & pl.col("year").is_between(c.policy.period_start, c.year)
    )
    return hit.select("credit_code").n_unique(), f"{c.policy.period_start}—{c.year}年事项"


def _pool(*pools: str) -> Measure:
    def measure(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
        ent = conform(c.inputs.enterprises, schema.ENTERPRISES)
        if ent.get_column("founded").drop_nulls().is_empty():
            return None, "未提供企业成立日期等基础信息"
        hit = c.classify.filter(pl.any_horizontal([pl.col(f"pool:{p}") for p in pools]))
        return hit.height, f"{c.year}年培育库"

    return measure


def _four_above(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    if not c.inputs.stats_years and conform(c.inputs.stats, schema.STATS).is_empty():
        return None, "未提供统计局数据"
    years = range(c.policy.period_start, c.year + 1)
    parts = [entry_status(c.frame, c.policy, y, c.inputs.stats_years) for y in years]
    rows = pl.concat([p.select("credit_code", "entered") for p in parts], how="vertical")
    sure = rows.filter(pl.col("entered").fill_null(False)).select("credit_code").n_unique()
    unknown = rows.filter(pl.col("entered").is_null()).select("credit_code").n_unique()
    note = f"{c.policy.period_start}—{c.year}年新入库四上企业"
    return sure, note + (f"；另有{unknown}家因缺上年统计数据无法确认" if unknown else "")


def _tenants(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    inc = conform(c.inputs.incubators, schema.INCUBATORS).filter(pl.col("year") == c.year)
    if inc.is_empty():
        return None, f"未提供{c.year}年孵化载体数据"
    return int(inc.get_column("new_tenants").fill_null(0).sum()), f"{c.year}年新增入驻企业合计"


def _carriers(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    inc = conform(c.inputs.incubators, schema.INCUBATORS)
    if inc.is_empty():
        return None, "未提供孵化载体数据"
    hit = inc.filter(
        pl.col("level").is_in(lit_list(spec.options["levels"]))
        & pl.col("recognized_year").is_between(c.policy.period_start, c.year)
    )
    return hit.select("carrier").n_unique(), f"{c.policy.period_start}—{c.year}年认定"


def _talents(spec: TargetSpec, c: _Ctx) -> tuple[int | None, str]:
    tal = conform(c.inputs.talents, schema.TALENTS)
    if tal.is_empty():
        return None, "未提供人才数据"
    hit = tal.filter(
        programme_match(spec.options["programmes"]) & pl.col("year").is_between(c.policy.period_start, c.year)
    )
    return hit.select("id_number").n_unique(), f"{c.policy.period_start}—{c.year}年入选"


MEASURES: dict[str, Measure] = {
    "ladder_t1": _ladder,
    "ladder_t2": _ladder,
    "ladder_t3": _ladder,
    "new_listings": _events,
    "neeq": _events,
    "unicorn": _pool("unicorn", "pre_unicorn"),
    "gazelle": _pool("gazelle"),
    "four_above": _four_above,
    "incubator_tenants": _tenants,
    "incubators_city": _carriers,
    "talent_city": _talents,
    "talent_district": _talents,
}


def measure_targets(
    inputs: schema.Inputs, policy: Policy, year: int, frame: pl.DataFrame, classify_full: pl.DataFrame
) -> tuple[Target, ...]:
    """Every target of the policy with its actual value for ``year`` (None when not measurable)."""
    ctx = _Ctx(inputs, policy, year, frame, classify_full)
    out = []
    for spec in policy.targets.items:
        actual, basis = MEASURES[spec.id](spec, ctx)
        gap = None if actual is None else max(spec.goal - actual, 0)
        note = "；".join(x for x in (basis, spec.note) if x)
        out.append(Target(spec.id, spec.label, spec.clause, spec.goal, actual, gap, spec.unit, note))
    return tuple(out)
