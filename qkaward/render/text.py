"""Formatting figures for people: money in 万元 / 亿元, exactly (Decimal, never float)."""

from __future__ import annotations

from decimal import Decimal

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000


def wan(yuan: int | None, places: int = 2) -> str:
    """元 → "1,234.56" 万元 (exact; trailing zeros trimmed to at most ``places`` decimals)."""
    if yuan is None:
        return "—"
    value = (Decimal(yuan) / YUAN_PER_WAN).quantize(Decimal(1).scaleb(-places))
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(yuan: int | None) -> str:
    """A readable amount with its unit: 亿元 from 1亿 up, else 万元."""
    if yuan is None:
        return "无数据"
    if abs(yuan) >= YUAN_PER_YI:
        value = (Decimal(yuan) / YUAN_PER_YI).quantize(Decimal("0.0001"))
        return f"{value.normalize():f}亿元"
    return f"{wan(yuan, 4).replace(',', '')}万元"
