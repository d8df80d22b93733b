"""Header aliases and value vocabularies from ``config/columns.toml`` (SPEC §1)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from qkaward.config import config_dir, load_toml
from qkaward.errors import ConfigError

KINDS = ("code", "text", "year", "industry", "money", "count", "date", "bool", "event", "level", "valuation")


@dataclass(frozen=True)
class FieldSpec:
    """One canonical input field: its value kind and the header texts that name it."""

    name: str
    kind: str
    aliases: tuple[str, ...]
    prev_aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleSpec:
    """Which fields an input role needs (SPEC §1 "Input roles")."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    yearly: bool


@dataclass(frozen=True)
class ColumnConfig:
    """Everything the readers match against, from ``columns.toml``."""

    fields: dict[str, FieldSpec]
    roles: dict[str, RoleSpec]
    current_labels: frozenset[str]
    previous_labels: frozenset[str]
    totals: frozenset[str]
    missing: frozenset[str]
    true_values: frozenset[str]
    false_values: frozenset[str]
    event_types: dict[str, str]  # normalised alias → canonical event id
    levels: dict[str, str]  # normalised alias → canonical level id
    units: dict[str, Decimal]  # unit text → factor to 元 (or to 美元 for 美元 units)
    alias_index: dict[str, tuple[str, bool]]  # normalised header → (field, is_previous_year)
    unit_jump_ratio: int = 1000  # [checks]: year-over-year factor flagged as a likely unit error

    def match(self, label: str) -> tuple[str, bool] | None:
        """The (field, is_previous_year) a normalised header label names, or None."""
        return self.alias_index.get(label)


_SPACE = re.compile(r"\s+")


def halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation to half-width (NFKC), keeping CJK characters."""
    return unicodedata.normalize("NFKC", text)


def unit_pattern(units: dict[str, Decimal]) -> re.Pattern[str]:
    """A regex finding a unit in a header: ``(千元)``, ``[万元]``, ``/万元``, ``单位:万元`` at the end."""
    alts = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    return re.compile(
        rf"(?:[(\[]\s*(?:单位[:：]?\s*)?({alts})\s*[)\]]|[/／]\s*({alts})|(?:计量|金额)?单位[:：]\s*({alts}))\s*$"
    )


def split_unit(label: str, pattern: re.Pattern[str]) -> tuple[str, str | None]:
    """Normalise a header cell and split off its unit: ``"营业收入（千元）"`` → ``("营业收入", "千元")``."""
    text = _SPACE.sub("", halfwidth(label))
    m = pattern.search(text)
    if not m:
        return text, None
    unit = next(g for g in m.groups() if g)
    return text[: m.start()], unit


def _norm(text: str) -> str:
    return _SPACE.sub("", halfwidth(text))


def _strings(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"columns.toml：{where}.{key} 应为字符串列表")
    return tuple(value)


def parse_columns(raw: dict) -> ColumnConfig:
    """Build a :class:`ColumnConfig` from the parsed TOML, checking every reference."""
    fields: dict[str, FieldSpec] = {}
    alias_index: dict[str, tuple[str, bool]] = {}
    for name, spec in raw.get("fields", {}).items():
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ConfigError(f"columns.toml：fields.{name}.kind 未知：{kind!r}")
        field = FieldSpec(
            name,
            kind,
            _strings(spec, "aliases", f"fields.{name}"),
            _strings(spec, "prev_aliases", f"fields.{name}"),
        )
        fields[name] = field
        for alias in field.aliases:
            alias_index.setdefault(_norm(alias), (name, False))
        for alias in field.prev_aliases:
            alias_index.setdefault(_norm(alias), (name, True))
    roles: dict[str, RoleSpec] = {}
    for name, spec in raw.get("roles", {}).items():
        role = RoleSpec(
            name,
            _strings(spec, "required", f"roles.{name}"),
            _strings(spec, "optional", f"roles.{name}"),
            bool(spec.get("yearly", False)),
        )
        for f in role.required + role.optional:
            if f not in fields:
                raise ConfigError(f"columns.toml：roles.{name} 引用了未定义的字段 {f}")
        roles[name] = role

    def vocab(section: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for canonical, aliases in raw.get(section, {}).items():
            for alias in aliases:
                out[_norm(alias)] = canonical
        return out

    try:
        units = {u: Decimal(str(f)) for u, f in raw.get("units", {}).items()}
    except ArithmeticError as exc:  # pragma: no cover - config typo
        raise ConfigError(f"columns.toml：units 中有非数字：{exc}") from None
    for unit, factor in units.items():
        if not factor.is_finite() or factor <= 0:
            raise ConfigError(f"columns.toml：单位“{unit}”的换算系数应为正数，而不是 {factor}")
    return ColumnConfig(
        fields=fields,
        roles=roles,
        current_labels=frozenset(_norm(x) for x in _strings(raw.get("period", {}), "current", "period")),
        previous_labels=frozenset(_norm(x) for x in _strings(raw.get("period", {}), "previous", "period")),
        totals=frozenset(_norm(x) for x in _strings(raw.get("totals", {}), "labels", "totals")),
        missing=frozenset(x.strip() for x in _strings(raw.get("missing", {}), "values", "missing")),
        true_values=frozenset(_strings(raw.get("bool", {}), "true", "bool")),
        false_values=frozenset(_strings(raw.get("bool", {}), "false", "bool")),
        event_types=vocab("event_types"),
        levels=vocab("levels"),
        units=units,
        alias_index=alias_index,
        unit_jump_ratio=int(raw.get("checks", {}).get("unit_jump_ratio", 1000)),
    )


def columns_file() -> Path:
    """The bundled column configuration, ``config/columns.toml``."""
    return config_dir() / "columns.toml"


@lru_cache(maxsize=4)
def load_columns(path: Path | None = None) -> ColumnConfig:
    """The column configuration (:func:`columns_file` unless a path is given)."""
    return parse_columns(load_toml(path or columns_file()))
