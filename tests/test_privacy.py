"""ID numbers are masked the same way as a string and as a column — including short and odd values
(a short ID once made the column form ask for gigabytes: n − 8 wrapped around in an unsigned type)."""

from __future__ import annotations

import polars as pl
import pytest

from qkaward.privacy import mask_id, mask_id_expr

VALUES = [
    "420104198001011234",
    "42010419800101123X",
    "123456789",
    "12345678",
    "abc",
    "",
    "宗关科创空间孵化器有限",
]


@pytest.mark.parametrize("value", VALUES)
def test_scalar_and_column_forms_agree(value: str) -> None:
    column = pl.DataFrame({"v": [value]}).select(mask_id_expr(pl.col("v"))).item()
    assert column == mask_id(value)
    assert len(mask_id(value)) == len(value)


def test_first_four_and_last_four_are_kept() -> None:
    assert mask_id("420104198001011234") == "4201**********1234"
    assert mask_id("12345678") == "********"  # nothing would stay hidden otherwise


def test_a_column_of_short_values_is_cheap() -> None:
    out = pl.DataFrame({"v": ["a", "", None] * 1000}).select(mask_id_expr(pl.col("v")))
    assert out.height == 3000
