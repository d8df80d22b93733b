"""The JSON envelope of SPEC §9, as written for a few lines (indented) and for a city (compact)."""

from __future__ import annotations

import json

import polars as pl
import pytest

from qkaward import schema
from qkaward.render.machine import INDENT_LIMIT, envelope


def _problems(n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "file": ["stats.xlsx"] * n,
            "sheet": ["表1"] * n,
            "row": list(range(2, n + 2)),
            "column": ["行业代码"] * n,
            "value": [f"v{i}" for i in range(n)],
            "message": ["缺少行业代码"] * n,
            "severity": ["warning"] * n,
        },
        schema=schema.PROBLEM,
    )


@pytest.mark.parametrize("n", [3, INDENT_LIMIT + 1])
@pytest.mark.parametrize("items", ["frame", "list", "mapping"])
def test_the_envelope_has_every_field_in_order_compact_or_indented(n: int, items: str) -> None:
    lines = pl.DataFrame({"credit_code": ["91420104MA4K00010K"], "amount_yuan": [300_0000]})
    given = {"frame": lines, "list": lines.to_dicts(), "mapping": {"count": 1}}[items]
    doc = envelope(
        "awards", year=2020, policy="qiaokou-2019", items=given, problems=_problems(n), totals={"n": 1}
    )
    parsed = json.loads(doc)
    assert list(parsed) == ["schema", "year", "policy", "items", "problems", "totals"]
    assert parsed["schema"] == "qkaward.awards/1" and parsed["year"] == 2020 and parsed["totals"] == {"n": 1}
    assert parsed["items"] == (lines.to_dicts() if items != "mapping" else {"count": 1})
    assert parsed["problems"] == _problems(n).to_dicts()
    assert doc.endswith(b"\n")
    if n <= INDENT_LIMIT:  # for people: indented
        assert doc.startswith(b'{\n  "schema"') and doc.count(b"\n") > n
    else:  # a city's document: one line
        assert doc.startswith(b'{"schema": "qkaward.awards/1", "year": 2020') and doc.count(b"\n") == 1
