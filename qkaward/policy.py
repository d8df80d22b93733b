"""The policy config: TOML → validated, frozen dataclasses.

Every threshold, amount, ratio and switch of the policy lives in ``config/policy/*.toml``; this module
reads it, checks it against :data:`SCHEMA` (unknown keys, wrong types, negative numbers and missing
clauses are errors naming the key, in Chinese) and converts money exactly to integer 元 (or 美元) and
ratios to :class:`fractions.Fraction`. Nothing here holds a policy number.

A parameter in the file is an inline table ``{ value, unit, clause, source?, note? }``; plain strings
(``label``) are allowed where the schema says so. ``--set KEY=VALUE`` overrides (dotted paths into the
file) are applied before validation, so they are checked like the file itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qkaward.errors import ConfigError, UsageError
from qkaward.policy_files import DEFAULT_POLICY, read_raw, standard_path

if TYPE_CHECKING:
    import polars as pl

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

#: Money units → multiplier to the base unit (元 for CNY kinds, 美元 for USD kinds).
YUAN_UNITS: dict[str, int] = {"元": 1, "千元": 10**3, "万元": 10**4, "亿元": 10**8}  # not-policy: units
USD_UNITS: dict[str, int] = {"美元": 1, "万美元": 10**4, "亿美元": 10**8}  # not-policy: units

_PARAM_KEYS = frozenset({"value", "unit", "clause", "source", "note"})


# ----------------------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Kind:
    """What a parameter's ``value`` must be: yuan, usd, ratio, count, year, bool, str, strs or choice."""

    name: str
    choices: tuple[str, ...] = ()


YUAN, USD, RATIO, COUNT, YEAR = Kind("yuan"), Kind("usd"), Kind("ratio"), Kind("count"), Kind("year")
BOOL, STR, STRS = Kind("bool"), Kind("str"), Kind("strs")
LABEL = "label"  # a plain string, not a parameter table


def choice(*options: str) -> Kind:
    """A string parameter limited to ``options``."""
    return Kind("choice", options)


@dataclass(frozen=True)
class MapOf:
    """A table of arbitrary ids (e.g. ladder tiers), each validated by ``spec``; file order is kept."""

    spec: dict[str, Any]


@dataclass(frozen=True)
class ListOf:
    """An array of tables, each validated by ``spec``."""

    spec: dict[str, Any]


_TIER = {
    "label": LABEL,
    "revenue_main": YUAN,
    "revenue_other": YUAN,
    "fiscal": YUAN,
    "first_reach": YUAN,
    "growth": YUAN,
}
_TARGET = {"label": LABEL, "goal": COUNT}

SCHEMA: dict[str, Any] = {
    "policy": {
        "id": STR,
        "title": STR,
        "period_start": YEAR,
        "period_end": YEAR,
        "four_above_standard": STR,
        "usd_cny_rate": RATIO,
    },
    "ladder": {
        "label": LABEL,
        "department": STR,
        "main_sections": STRS,
        "main_group_label": STR,
        "other_group_label": STR,
        "first_reach_basis": choice("both", "revenue"),
        "same_year": choice("highest", "each"),
        "upgrade": choice("top_up", "full"),
        "growth_ratio": RATIO,
        "tiers": MapOf(_TIER),
    },
    "listing": {
        "label": LABEL,
        "department": STR,
        "one_per_enterprise": BOOL,
        "main_board": {"label": LABEL, "amount": YUAN, "events": STRS},
        "star_market": {"label": LABEL, "amount": YUAN, "events": STRS},
    },
    "scale_entry": {
        "label": LABEL,
        "amount": YUAN,
        "categories": STRS,
        "include_construction": BOOL,
        "include_real_estate": BOOL,
        "department_industry": STR,
        "department_other": STR,
        "industry_sections": STRS,
    },
    "honors": {
        "department": STR,
        "hidden_champion_demo": {"label": LABEL, "amount": YUAN, "event": STR},
        "hidden_champion_cultivate": {"label": LABEL, "amount": YUAN, "event": STR},
        "little_giant": {"label": LABEL, "amount": YUAN, "event": STR},
    },
    "incubator": {
        "department": STR,
        "hightech": {"label": LABEL, "amount_each": YUAN},
        "scale": {
            "label": LABEL,
            "amount": YUAN,
            "min_tenants_total": COUNT,
            "min_new_tenants": COUNT,
            "min_new_hightech": COUNT,
        },
        "recognized": {"label": LABEL, "amount": YUAN, "levels": STRS},
    },
    "talent": {"label": LABEL, "department": STR, "amount": YUAN, "programmes": STRS},
    "pools": {
        "ladder": {"label": LABEL, "revenue_share": RATIO},
        "four_above": {"label": LABEL},
        "high_growth": {"label": LABEL, "revenue_growth": RATIO},
        "pre_four_above": {"label": LABEL, "revenue_share": RATIO},
        "gazelle": {
            "label": LABEL,
            "max_age": COUNT,
            "bands": ListOf(
                {"revenue_min": YUAN, "revenue_max": YUAN, "max_inclusive": BOOL, "revenue_growth": RATIO}
            ),
        },
        "unicorn": {"label": LABEL, "max_age": COUNT, "min_valuation": USD},
        "pre_unicorn": {
            "label": LABEL,
            "young_max_age": COUNT,
            "young_min_valuation": USD,
            "older_max_age": COUNT,
            "older_min_valuation": USD,
        },
    },
    "targets": {
        "revenue_strict": BOOL,
        "revenue_count": choice("cumulative", "band"),
        "ladder_t1": {**_TARGET, "tier": STR},
        "ladder_t2": {**_TARGET, "tier": STR},
        "ladder_t3": {**_TARGET, "tier": STR},
        "new_listings": {**_TARGET, "events": STRS},
        "neeq": {**_TARGET, "events": STRS},
        "unicorn": _TARGET,
        "gazelle": _TARGET,
        "four_above": _TARGET,
        "incubator_tenants": _TARGET,
        "incubators_city": {**_TARGET, "levels": STRS},
        "talent_city": {**_TARGET, "programmes": STRS},
        "talent_district": {**_TARGET, "programmes": STRS},
    },
}


# ----------------------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class PolicyRow:
    """One parameter for ``policy show``."""

    key: str
    value: str
    unit: str
    clause: str
    note: str


@dataclass(frozen=True)
class Tier:
    """One rung of the 三(二)1 ladder. Money in 元."""

    id: str
    label: str
    revenue_main_yuan: int
    revenue_other_yuan: int
    fiscal_yuan: int
    first_reach_yuan: int
    growth_yuan: int
    clause: str

    def revenue_yuan(self, group: str) -> int:
        """The revenue threshold for industry group ``main`` or ``other``."""
        return self.revenue_main_yuan if group == "main" else self.revenue_other_yuan


@dataclass(frozen=True)
class Ladder:
    """三(二)1 revenue ladder: tiers highest first, and the reading switches."""

    label: str
    department: str
    clause: str
    main_sections: tuple[str, ...]
    group_labels: Mapping[str, str]
    first_reach_basis: str
    same_year: str
    upgrade: str
    growth_ratio: Fraction
    tiers: tuple[Tier, ...]


@dataclass(frozen=True)
class ListingKind:
    """One listing award (``listing.main_board`` …); earlier in :attr:`Listing.kinds` wins."""

    id: str
    label: str
    amount_yuan: int
    events: tuple[str, ...]
    clause: str


@dataclass(frozen=True)
class Listing:
    label: str
    department: str
    one_per_enterprise: bool
    kinds: tuple[ListingKind, ...]


@dataclass(frozen=True)
class ScaleEntry:
    """三(二)2 新进规上、限上."""

    label: str
    amount_yuan: int
    clause: str
    categories: tuple[str, ...]
    include_construction: bool
    include_real_estate: bool
    department_industry: str
    department_other: str
    industry_sections: tuple[str, ...]


@dataclass(frozen=True)
class Honor:
    id: str
    label: str
    amount_yuan: int
    event: str
    clause: str


@dataclass(frozen=True)
class Honors:
    department: str
    items: tuple[Honor, ...]


@dataclass(frozen=True)
class Incubator:
    """三(二)3 incubator awards."""

    department: str
    hightech_label: str
    hightech_each_yuan: int
    hightech_clause: str
    scale_label: str
    scale_amount_yuan: int
    scale_clause: str
    min_tenants_total: int
    min_new_tenants: int
    min_new_hightech: int
    recognized_label: str
    recognized_amount_yuan: int
    recognized_clause: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Talent:
    label: str
    department: str
    amount_yuan: int
    clause: str
    programmes: tuple[str, ...]


@dataclass(frozen=True)
class GazelleBand:
    revenue_min_yuan: int
    revenue_max_yuan: int
    max_inclusive: bool
    revenue_growth: Fraction


@dataclass(frozen=True)
class Pools:
    """SPEC §7 cultivation pools."""

    labels: Mapping[str, str]
    clauses: Mapping[str, str]
    ladder_share: Fraction
    high_growth: Fraction
    pre_four_above_share: Fraction
    gazelle_max_age: int
    gazelle_bands: tuple[GazelleBand, ...]
    unicorn_max_age: int
    unicorn_min_usd: int
    pre_unicorn_young_max_age: int
    pre_unicorn_young_min_usd: int
    pre_unicorn_older_max_age: int
    pre_unicorn_older_min_usd: int


@dataclass(frozen=True)
class TargetSpec:
    """One goal of 二、总体目标; ``options`` holds its extra settings (tier, events, levels, programmes)."""

    id: str
    label: str
    goal: int
    unit: str
    clause: str
    note: str
    options: Mapping[str, Any]


@dataclass(frozen=True)
class Targets:
    revenue_strict: bool
    revenue_count: str
    items: tuple[TargetSpec, ...]


@dataclass(frozen=True)
class Policy:
    """A validated policy. Money is integer 元 (valuations integer 美元); ratios are Fractions."""

    id: str
    title: str
    period_start: int
    period_end: int
    usd_cny_rate: Fraction
    ladder: Ladder
    listing: Listing
    scale_entry: ScaleEntry
    honors: Honors
    incubator: Incubator
    talent: Talent
    pools: Pools
    targets: Targets
    four_above: FourAboveStandard
    path: Path
    sha256: str
    overrides: tuple[str, ...] = ()
    param_rows: tuple[PolicyRow, ...] = field(default=(), repr=False)

    @property
    def years(self) -> range:
        """The award years of the policy period."""
        return range(self.period_start, self.period_end + 1)

    def check_year(self, year: int) -> None:
        """Raise :class:`UsageError` when ``year`` is outside the policy period (SPEC §8)."""
        if year not in self.years:
            raise UsageError(f"年度{year}不在政策期限{self.period_start}—{self.period_end}年内")

    def rows(self) -> tuple[PolicyRow, ...]:
        """Every parameter as (key, value, unit, clause, note), in file order."""
        return self.param_rows


def policy_rows(policy: Policy) -> list[PolicyRow]:
    """The policy as rows (key, value, unit, clause, note) for ``qkaward policy show``."""
    return list(policy.param_rows)


# ----------------------------------------------------------------------------------------- loading
def load_policy(path: Path | None = None, overrides: Sequence[str] = ()) -> Policy:
    """Read, override and validate a policy file (default: the bundled Qiaokou 2019 policy)."""
    path = Path(path) if path is not None else DEFAULT_POLICY
    data, raw = read_raw(path, overrides)
    rows: list[PolicyRow] = []
    values = _walk(raw, SCHEMA, "", rows)
    std_path = standard_path(path, values["policy"]["four_above_standard"]["value"])
    policy = _build(values, load_four_above(std_path), path, hashlib.sha256(data).hexdigest())
    return replace(policy, overrides=tuple(overrides), param_rows=tuple(rows))


def _walk(raw: Any, spec: Any, path: str, rows: list[PolicyRow]) -> Any:
    """Validate ``raw`` against ``spec``; return the tree with parameter values converted."""
    if isinstance(spec, dict):
        if not isinstance(raw, dict):
            raise ConfigError(f"政策参数“{path}”应为一个表（table）")
        for key in raw:
            if key not in spec:
                raise ConfigError(f"政策配置中有未知参数“{_join(path, key)}”")
        out = {}
        for key, sub in spec.items():
            if key not in raw:
                raise ConfigError(f"政策配置缺少参数“{_join(path, key)}”")
            out[key] = _walk(raw[key], sub, _join(path, key), rows)
        return out
    if isinstance(spec, MapOf):
        if not isinstance(raw, dict) or not raw:
            raise ConfigError(f"政策参数“{path}”应为非空的表（table）")
        return {k: _walk(v, spec.spec, _join(path, k), rows) for k, v in raw.items()}
    if isinstance(spec, ListOf):
        if not isinstance(raw, list) or not raw:
            raise ConfigError(f"政策参数“{path}”应为非空的表数组（[[…]]）")
        return [_walk(v, spec.spec, f"{path}.{i}", rows) for i, v in enumerate(raw)]
    if spec == LABEL:
        if not isinstance(raw, str) or not raw.strip():
            raise ConfigError(f"政策参数“{path}”应为非空文字")
        return raw
    return _param(raw, spec, path, rows)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _param(raw: Any, kind: Kind, path: str, rows: list[PolicyRow]) -> dict[str, Any]:
    """Validate one ``{value, unit, clause, …}`` table and convert its value."""
    if not isinstance(raw, dict):
        raise ConfigError(f"政策参数“{path}”应写成 {{ value = …, unit = …, clause = … }}")
    for key in raw:
        if key not in _PARAM_KEYS:
            raise ConfigError(f"政策参数“{path}”中有未知字段“{key}”")
    for key in ("value", "unit", "clause"):
        if key not in raw:
            what = {"value": "取值(value)", "unit": "单位(unit)", "clause": "条款(clause)"}[key]
            raise ConfigError(f"政策参数“{path}”缺少{what}")
    for key in ("unit", "clause", "source", "note"):
        if key in raw and not isinstance(raw[key], str):
            raise ConfigError(f"政策参数“{path}”的字段“{key}”应为文字")
    if not raw["clause"].strip():
        raise ConfigError(f"政策参数“{path}”缺少条款(clause)")
    value, unit = raw["value"], raw["unit"]
    converted = _convert(value, unit, kind, path)
    note = "；".join(str(raw[k]) for k in ("note", "source") if raw.get(k))
    shown = _show(value)
    rows.append(PolicyRow(path, shown, unit, raw["clause"], note))
    return {"value": converted, "raw": value, "unit": unit, "clause": raw["clause"], "note": note}


def _show(value: Any) -> str:
    """A parameter value as ``policy show`` prints it."""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _convert(value: Any, unit: str, kind: Kind, path: str) -> Any:
    name = kind.name
    if name in ("yuan", "usd", "ratio", "count", "year"):
        if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
            raise ConfigError(f"政策参数“{path}”应为数字，实际为“{value}”")
        if value < 0:
            raise ConfigError(f"政策参数“{path}”不能为负数（{value}）")
        if name in ("yuan", "usd"):
            units = YUAN_UNITS if name == "yuan" else USD_UNITS
            if unit not in units:
                raise ConfigError(f"政策参数“{path}”的单位“{unit}”无效，应为{'、'.join(units)}之一")
            exact = Decimal(value) * units[unit]
            if exact != exact.to_integral_value():
                raise ConfigError(f"政策参数“{path}”换算后不是整数{'元' if name == 'yuan' else '美元'}")
            return int(exact)
        if name == "ratio":
            return Fraction(value)
        if not isinstance(value, int):
            raise ConfigError(f"政策参数“{path}”应为整数，实际为“{value}”")
        return value
    if name == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"政策参数“{path}”应为 true 或 false，实际为“{value}”")
        return value
    if name == "strs":
        if isinstance(value, str):  # "E、F、K" or "E,F,K", as `policy show` prints a list
            value = [v.strip() for v in re.split(r"[、,，]", value) if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"政策参数“{path}”应为文字列表")
        return tuple(value)
    if not isinstance(value, str):
        raise ConfigError(f"政策参数“{path}”应为文字，实际为“{value}”")
    if name == "choice" and value not in kind.choices:
        raise ConfigError(f"政策参数“{path}”的取值“{value}”无效，应为{'、'.join(kind.choices)}之一")
    return value


# ----------------------------------------------------------------------------------------- building
def _v(node: dict[str, Any]) -> Any:
    return node["value"]


def _build(t: dict[str, Any], standard: FourAboveStandard, path: Path, sha: str) -> Policy:
    p, lad = t["policy"], t["ladder"]
    if _v(p["period_end"]) < _v(p["period_start"]):
        raise ConfigError("政策参数“policy.period_end”早于“policy.period_start”")
    tiers = tuple(
        Tier(
            id=tid,
            label=x["label"],
            revenue_main_yuan=_v(x["revenue_main"]),
            revenue_other_yuan=_v(x["revenue_other"]),
            fiscal_yuan=_v(x["fiscal"]),
            first_reach_yuan=_v(x["first_reach"]),
            growth_yuan=_v(x["growth"]),
            clause=x["first_reach"]["clause"],
        )
        for tid, x in lad["tiers"].items()
    )
    ladder = Ladder(
        label=lad["label"],
        department=_v(lad["department"]),
        clause=lad["growth_ratio"]["clause"],
        main_sections=_v(lad["main_sections"]),
        group_labels={"main": _v(lad["main_group_label"]), "other": _v(lad["other_group_label"])},
        first_reach_basis=_v(lad["first_reach_basis"]),
        same_year=_v(lad["same_year"]),
        upgrade=_v(lad["upgrade"]),
        growth_ratio=_v(lad["growth_ratio"]),
        tiers=tiers,
    )
    lst = t["listing"]
    listing = Listing(
        label=lst["label"],
        department=_v(lst["department"]),
        one_per_enterprise=_v(lst["one_per_enterprise"]),
        kinds=tuple(
            ListingKind(
                k, lst[k]["label"], _v(lst[k]["amount"]), _v(lst[k]["events"]), lst[k]["amount"]["clause"]
            )
            for k in ("main_board", "star_market")
        ),
    )
    se = t["scale_entry"]
    scale_entry = ScaleEntry(
        label=se["label"],
        amount_yuan=_v(se["amount"]),
        clause=se["amount"]["clause"],
        categories=_v(se["categories"]),
        include_construction=_v(se["include_construction"]),
        include_real_estate=_v(se["include_real_estate"]),
        department_industry=_v(se["department_industry"]),
        department_other=_v(se["department_other"]),
        industry_sections=_v(se["industry_sections"]),
    )
    hon = t["honors"]
    honors = Honors(
        department=_v(hon["department"]),
        items=tuple(
            Honor(k, hon[k]["label"], _v(hon[k]["amount"]), _v(hon[k]["event"]), hon[k]["amount"]["clause"])
            for k in ("hidden_champion_demo", "hidden_champion_cultivate", "little_giant")
        ),
    )
    inc = t["incubator"]
    incubator = Incubator(
        department=_v(inc["department"]),
        hightech_label=inc["hightech"]["label"],
        hightech_each_yuan=_v(inc["hightech"]["amount_each"]),
        hightech_clause=inc["hightech"]["amount_each"]["clause"],
        scale_label=inc["scale"]["label"],
        scale_amount_yuan=_v(inc["scale"]["amount"]),
        scale_clause=inc["scale"]["amount"]["clause"],
        min_tenants_total=_v(inc["scale"]["min_tenants_total"]),
        min_new_tenants=_v(inc["scale"]["min_new_tenants"]),
        min_new_hightech=_v(inc["scale"]["min_new_hightech"]),
        recognized_label=inc["recognized"]["label"],
        recognized_amount_yuan=_v(inc["recognized"]["amount"]),
        recognized_clause=inc["recognized"]["amount"]["clause"],
        levels=_v(inc["recognized"]["levels"]),
    )
    tal = t["talent"]
    talent = Talent(
        tal["label"], _v(tal["department"]), _v(tal["amount"]), tal["amount"]["clause"], _v(tal["programmes"])
    )
    return Policy(
        id=_v(p["id"]),
        title=_v(p["title"]),
        period_start=_v(p["period_start"]),
        period_end=_v(p["period_end"]),
        usd_cny_rate=_v(p["usd_cny_rate"]),
        ladder=ladder,
        listing=listing,
        scale_entry=scale_entry,
        honors=honors,
        incubator=incubator,
        talent=talent,
        pools=_build_pools(t["pools"]),
        targets=_build_targets(t["targets"]),
        four_above=standard,
        path=path,
        sha256=sha,
    )


def _build_pools(po: dict[str, Any]) -> Pools:
    gz, un, pu = po["gazelle"], po["unicorn"], po["pre_unicorn"]
    clause_of = {
        "ladder_pool": po["ladder"]["revenue_share"]["clause"],
        "four_above": po["high_growth"]["revenue_growth"]["clause"],
        "high_growth": po["high_growth"]["revenue_growth"]["clause"],
        "pre_four_above": po["pre_four_above"]["revenue_share"]["clause"],
        "gazelle": gz["max_age"]["clause"],
        "unicorn": un["max_age"]["clause"],
        "pre_unicorn": pu["young_max_age"]["clause"],
    }
    return Pools(
        labels={k: v["label"] for k, v in po.items()},
        clauses=clause_of,
        ladder_share=_v(po["ladder"]["revenue_share"]),
        high_growth=_v(po["high_growth"]["revenue_growth"]),
        pre_four_above_share=_v(po["pre_four_above"]["revenue_share"]),
        gazelle_max_age=_v(gz["max_age"]),
        gazelle_bands=tuple(
            GazelleBand(
                _v(b["revenue_min"]), _v(b["revenue_max"]), _v(b["max_inclusive"]), _v(b["revenue_growth"])
            )
            for b in gz["bands"]
        ),
        unicorn_max_age=_v(un["max_age"]),
        unicorn_min_usd=_v(un["min_valuation"]),
        pre_unicorn_young_max_age=_v(pu["young_max_age"]),
        pre_unicorn_young_min_usd=_v(pu["young_min_valuation"]),
        pre_unicorn_older_max_age=_v(pu["older_max_age"]),
        pre_unicorn_older_min_usd=_v(pu["older_min_valuation"]),
    )


def _build_targets(tg: dict[str, Any]) -> Targets:
    items = []
    for tid, node in tg.items():
        if not isinstance(node, dict) or "goal" not in node:
            continue
        goal = node["goal"]
        options = {k: _v(v) for k, v in node.items() if k not in ("label", "goal")}
        items.append(
            TargetSpec(tid, node["label"], _v(goal), goal["unit"], goal["clause"], goal["note"], options)
        )
    return Targets(_v(tg["revenue_strict"]), _v(tg["revenue_count"]), tuple(items))


# ----------------------------------------------------------------------------------------- NBS 四上 standard
@dataclass(frozen=True)
class NbsRow:
    """One row of an NBS 四上 table: category, codes, revenue threshold (None = qualification test)."""

    category: str
    name: str
    codes: tuple[str, ...]
    threshold_yuan: int | None
    source: str


@dataclass(frozen=True)
class FourAboveStandard:
    """GB/T 4754 sections and the NBS 四上 thresholds, one table per period (config/standards)."""

    sections: Mapping[str, str]  # 2-digit division → section letter
    section_names: Mapping[str, str]
    tables: Mapping[str, tuple[NbsRow, ...]]
    use: tuple[tuple[str, int | None, int | None, str], ...]  # (table, from, until, note)
    path: Path
    sha256: str

    def table_name(self, year: int) -> str:
        """The name of the table that applies to data of ``year``."""
        for name, start, until, _note in self.use:
            if (start is None or year >= start) and (until is None or year <= until):
                return name
        raise ConfigError(f"四上标准表没有适用于{year}年的表（见 {self.path} 的 [[use]]）")

    def table(self, year: int) -> tuple[NbsRow, ...]:
        return self.tables[self.table_name(year)]

    def lookup(self, years: Sequence[int]) -> pl.DataFrame:
        """One row per (year, code) with category, category_name and threshold_yuan, for joining."""
        import polars as pl

        rows = []
        for year in sorted(set(years)):
            for row in self.table(year):
                for code in row.codes:
                    rows.append((year, code, row.category, row.name, row.threshold_yuan))
        return pl.DataFrame(
            rows,
            schema={
                "year": pl.Int32,
                "code": pl.String,
                "nbs_category": pl.String,
                "nbs_name": pl.String,
                "nbs_threshold_yuan": pl.Int64,
            },
            orient="row",
        )

    def sections_frame(self) -> pl.DataFrame:
        """division (2 digits) → section letter."""
        import polars as pl

        return pl.DataFrame(
            {"division": list(self.sections), "section": list(self.sections.values())},
            schema={"division": pl.String, "section": pl.String},
        )


_CODE_LENGTHS = (2, 4)  # not-policy: GB/T 4754 division and subclass code lengths


def _expand(spec: str, where: str) -> list[str]:
    """ "06-12" → ["06", …, "12"]; "7020" → ["7020"]."""
    lo, sep, hi = spec.partition("-")
    if not sep:
        if not spec.isdigit() or len(spec) not in _CODE_LENGTHS:
            raise ConfigError(f"四上标准表 {where} 的行业代码“{spec}”无效")
        return [spec]
    if not (lo.isdigit() and hi.isdigit() and len(lo) == len(hi) == _CODE_LENGTHS[0] and lo <= hi):
        raise ConfigError(f"四上标准表 {where} 的行业代码范围“{spec}”无效")
    return [f"{n:02d}" for n in range(int(lo), int(hi) + 1)]


def load_four_above(path: Path) -> FourAboveStandard:
    """Read ``config/standards/four-above.toml`` (unknown keys and bad codes are errors)."""
    try:
        data = path.read_bytes()
        raw = tomllib.loads(data.decode("utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise ConfigError(f"无法读取四上标准表 {path}：{exc.strerror or exc}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"四上标准表 {path} 不是有效的 TOML：{exc}") from exc
    unknown = set(raw) - {"source", "unit", "sections", "use", "tables"}
    if unknown:
        raise ConfigError(f"四上标准表中有未知参数“{sorted(unknown)[0]}”")
    mult = YUAN_UNITS.get(raw.get("unit", ""))
    if mult is None:
        raise ConfigError(f"四上标准表的单位“{raw.get('unit', '')}”无效")
    sections: dict[str, str] = {}
    names: dict[str, str] = {}
    for letter, sec in raw.get("sections", {}).items():
        names[letter] = sec.get("name", letter)
        for div in _expand(sec.get("divisions", ""), f"sections.{letter}"):
            sections[div] = letter
    tables: dict[str, tuple[NbsRow, ...]] = {}
    for tname, rows in raw.get("tables", {}).items():
        built = []
        for i, r in enumerate(rows):
            where = f"tables.{tname}.{i}"
            extra = set(r) - {"category", "name", "codes", "threshold", "source"}
            if extra:
                raise ConfigError(f"四上标准表 {where} 中有未知字段“{sorted(extra)[0]}”")
            if "category" not in r or "codes" not in r or "source" not in r:
                raise ConfigError(f"四上标准表 {where} 缺少 category、codes 或 source")
            thr = r.get("threshold")
            if thr is not None and (isinstance(thr, bool) or not isinstance(thr, (int, Decimal)) or thr < 0):
                raise ConfigError(f"四上标准表 {where}.threshold 应为非负数字")
            codes = tuple(c for spec in r["codes"] for c in _expand(spec, where))
            yuan = None if thr is None else int(Decimal(thr) * mult)
            built.append(NbsRow(r["category"], r.get("name", r["category"]), codes, yuan, r["source"]))
        seen = [c for row in built for c in row.codes]
        twice = sorted({c for c in seen if seen.count(c) > 1})
        if twice:  # a code belongs to one category of a table: which row applies would be unclear
            raise ConfigError(f"四上标准表 tables.{tname} 中行业代码“{twice[0]}”出现在多行")
        tables[tname] = tuple(built)
    use = []
    for u in raw.get("use", []):
        if u.get("table") not in tables:
            raise ConfigError(f"四上标准表 [[use]] 引用了不存在的表“{u.get('table')}”")
        use.append((u["table"], u.get("from"), u.get("until"), u.get("note", "")))
    return FourAboveStandard(sections, names, tables, tuple(use), path, hashlib.sha256(data).hexdigest())
