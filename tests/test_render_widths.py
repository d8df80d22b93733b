"""Text widths, line counts, column widths and number texts computed column-wise by Polars equal the
one-value-at-a-time definitions (unicodedata, Python's ``.16G``) they replace."""

from __future__ import annotations

import sys
import unicodedata
from decimal import Decimal
from typing import Any

import polars as pl
import pytest

from qkaward.render import widechars
from qkaward.render import workbook as wbmod
from qkaward.render.workbook import Col, text_width

TRICKY = [
    "",
    "abc",
    "武汉甲科技有限公司",
    "ＡＢＣ全角１２３",  # full-width forms
    "ｱｲｳ半角カナ",  # half-width katakana: narrow
    "😀👍🏽👨‍👩‍👧🇨🇳",  # emoji, skin tone, ZWJ sequence, flag
    "e\u0301 combining, \u200b zero width, \ufe0f selector",
    "“引号”—破折号…·间隔号",  # East Asian ambiguous: narrow here
    "第一行\n第二行很长很长很长很长很长很长很长很长\n\n",
    "\n",
    "很长的说明" * 60,
    "mixed 中文 and English " * 20,
    "\U00020000\U0002a6d6\U0003134a 扩展区",  # CJK extensions B and G
    "\U000e0001\U000f0000\U0010ffff",  # tags, private use planes
    "\u0378\u2fff\U00050000",  # unassigned code points
]


def _widths(texts: list[str | None]) -> list[int | None]:
    return wbmod._text_widths(pl.Series(texts, dtype=pl.String)).to_list()


def test_the_stored_table_is_this_pythons_unicodedata() -> None:
    assert widechars.wide_ranges() == widechars.scan()
    if unicodedata.unidata_version == widechars.TABLE_VERSION:
        assert widechars._parse(widechars._TABLE) == widechars.scan()
    assert widechars._parse(widechars._format(widechars.scan())) == widechars.scan()  # what -m prints


def test_width_agrees_with_unicodedata_on_every_code_point() -> None:
    points = [cp for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF]  # no surrogates in UTF-8
    texts = [chr(cp) for cp in points]
    got = _widths(texts)
    expected = [2 if unicodedata.east_asian_width(t) in "WF" else 1 for t in texts]
    wrong = [hex(cp) for cp, a, b in zip(points, got, expected, strict=True) if a != b]
    assert not wrong, wrong[:20]


def test_width_agrees_with_text_width_on_tricky_text() -> None:
    assert _widths([*TRICKY, None]) == [text_width(t) for t in TRICKY] + [None]
    assert text_width("武汉ab") == 6 and text_width("😀") == 2 and text_width("“”") == 2


def _lines_one_by_one(text: str, width: int) -> int:
    """The line count as it was computed per text before (the definition)."""
    usable = max(1, width)
    if 2 * len(text) <= usable and "\n" not in text:
        return 1
    return sum(max(1, -(-text_width(part) // usable)) for part in text.split("\n"))


@pytest.mark.parametrize("width", [-3, 0, 1, 2, 3, 7, 10, 26, 40, 500])
def test_line_counts_as_one_by_one(width: int) -> None:
    texts = [*TRICKY, None]
    got = wbmod._line_counts(pl.Series(texts, dtype=pl.String), width).to_list()
    assert got == [_lines_one_by_one(t or "", width) for t in texts]
    per_text = [width + i for i in range(len(texts))]  # one width per text, as for the header row
    got = wbmod._line_counts(pl.Series(texts, dtype=pl.String), per_text).to_list()
    assert got == [_lines_one_by_one(t or "", w) for t, w in zip(texts, per_text, strict=True)]


def _measure_one_by_one(col: Col, values: list[Any]) -> int:
    """The column width as it was computed per value before (the definition)."""
    head = text_width(col.header)
    widest = head if head <= 10 else (head + 1) // 2 + 3
    present = [v for v in values if v is not None]
    if not present:
        return min(col.cap, widest + 2)
    if col.kind in ("wan", "yi", "int", "yuan", "pct") and all(not isinstance(v, str) for v in present):
        for v in (max(present), min(present)):
            if col.kind in ("wan", "yi"):
                text = f"{Decimal(int(v)) / (10_000 if col.kind == 'wan' else 100_000_000):,.4f}"
            elif col.kind in ("int", "yuan"):
                text = f"{int(v):,}"
            else:
                text = f"{float(v) * 100:.1f}%"
            widest = max(widest, text_width(text))
        return min(col.cap, widest + 2)
    for text in sorted(
        (v if isinstance(v, str) else wbmod._display(v) for v in present), key=len, reverse=True
    ):
        if 2 * len(text) <= widest or widest >= col.cap:
            break
        widest = max(widest, text_width(text))
    return min(col.cap, widest + 2)


COLUMNS: list[tuple[Col, list[Any], Any]] = [
    (Col("t", "企业名称", "text", 26), [*TRICKY, None], None),
    (Col("t", "企业名称", "wrap", 400), [*TRICKY, None], "合计（3 笔）"),
    (Col("t", "说明", "text", 40), ["ab", ["甲", "乙", 3], 12, None], None),
    (Col("t", "非常非常非常长的列标题文字", "text", 40), ["a", None], None),
    (Col("t", "空", "wrap", 20), [None, None], None),
    (Col("n", "金额（万元）", "wan", 16), [5_800_324_500, None, -12_345, 0], 9_999_999_999_999),
    (Col("n", "金额（万元）", "wan", 40), [5_800_324_500, None], "合计"),  # text in a numeric column
    (Col("n", "估值（亿元）", "yi", 12), [987_654_321_000, 1], None),
    (Col("n", "序号", "int", 6), [1, 2, 3], "合计"),
    (Col("n", "金额（元）", "yuan", 16), [None, None], 123),
    (Col("n", "金额（元）", "yuan", 16), [None, None], None),
    (Col("n", "增速", "pct", 10), [0.5, -3.14159, None, 12.0], None),
    (Col("n", "金额（元）", "yuan", 30), [1, "待核实", None], None),  # text among numbers: Object
    (Col("n", "金额（元）", "yuan", 30), [1, Decimal("2.5"), True], None),  # not int, not float: Object
]


@pytest.mark.parametrize(("col", "values", "total"), COLUMNS)
def test_measure_as_one_by_one(col: Col, values: list[Any], total: Any) -> None:
    rows = [{col.key: v} for v in values]
    expected = _measure_one_by_one(col, [*values, total])
    assert wbmod._measure(col, wbmod._column(col, rows), total) == expected
    try:
        frame = pl.DataFrame({col.key: values})
    except TypeError:  # mixed types: only rows can hold them
        return
    assert wbmod._measure(col, wbmod._column(col, frame), total) == expected


def test_column_of_a_frame_as_of_its_rows() -> None:
    frame = pl.DataFrame(
        {
            "s": ["a", None],
            "i": [1, None],
            "f": [0.5, None],
            "l": [["甲", "乙"], None],
            "b": [True, None],
            "d": [Decimal("1.5"), None],
        }
    )
    rows = frame.to_dicts()
    for key in frame.columns:
        for kind in ("text", "wrap", "int", "wan", "pct"):
            col = Col(key, key, kind)  # type: ignore[arg-type]
            from_frame, from_rows = wbmod._column(col, frame), wbmod._column(col, rows)
            assert from_frame.to_list() == from_rows.to_list(), (key, kind)
    assert wbmod._column(Col("i", "i", "text"), frame).to_list() == ["1", None]
    assert wbmod._column(Col("l", "l", "text"), frame).to_list() == ["甲、乙", None]
    assert wbmod._column(Col("b", "b", "text"), frame).to_list() == ["True", None]  # str(), not Polars'
    assert wbmod._column(Col("missing", "m", "int"), frame).to_list() == [None, None]
    assert wbmod._column(Col("missing", "m", "text"), rows).to_list() == [None, None]


EDGE_INTS = [
    0,
    1,
    -1,
    5_800_324_500,
    -987_654_321,
    2**53 - 1,
    2**53,
    2**53 + 1,
    -(2**53),
    -(2**53) - 1,
    10**15 + 7,
    10**16 + 1,
    2**63 - 1,
    -(2**63),
    97_000,
    97_000,
    None,
]


def _reads_back_as_written(col: Col, values: list, got: list) -> None:
    """Each text parses to the double _write_cell would write; 万元/亿元 texts are the exact decimal."""
    assert len(got) == len(values)
    for v, text in zip(values, got, strict=True):
        if v is None:
            assert text is None
            continue
        assert float(text) == wbmod._number(col, v), (v, text)
        if col.kind in ("wan", "yi"):
            divisor = wbmod.YUAN_PER_WAN if col.kind == "wan" else wbmod.YUAN_PER_YI
            assert Decimal(text) == Decimal(v) / divisor, (v, text)  # exact, not a rounded float
            assert "E" not in text and not ("." in text and text.endswith("0")), text


@pytest.mark.parametrize("kind", ["int", "yuan", "wan", "yi"])
def test_number_texts_read_back_as_the_written_numbers(kind: str) -> None:
    col = Col("n", "n", kind)  # type: ignore[arg-type]
    # beyond 2**53 an amount is not exact as a float: Python's .16G text of what _write_cell writes
    got = wbmod._number_texts(col, pl.Series(EDGE_INTS, dtype=pl.Int64)).to_list()
    assert got == [None if v is None else f"{wbmod._number(col, v):.16G}" for v in EDGE_INTS]
    small = [v for v in EDGE_INTS if v is None or abs(v) <= 2**53]  # the Polars path
    got = wbmod._number_texts(col, pl.Series(small, dtype=pl.Int64)).to_list()
    _reads_back_as_written(col, small, got)
    if kind in ("int", "yuan"):
        assert got == [None if v is None else f"{wbmod._number(col, v):.16G}" for v in small]
    else:
        assert got[small.index(5_800_324_500)] == ("580032.45" if kind == "wan" else "58.003245")
        assert got[small.index(-1)] == ("-0.0001" if kind == "wan" else "-0.00000001")
        assert got[small.index(0)] == "0"


def test_number_texts_of_floats_and_blanks() -> None:
    values = [0.5, -0.0, 1e-7, 123456789.123456789, 1e22, -3.0, None, 9.7]
    col = Col("n", "n", "pct")
    got = wbmod._number_texts(col, pl.Series(values, dtype=pl.Float64)).to_list()
    assert got == [None if v is None else f"{v:.16G}" for v in values]
    assert got[-1] == "9.699999999999999"  # .16G is not the shortest text: why floats stay Python's
    assert wbmod._number_texts(col, pl.Series([None, None])).to_list() == [None, None]


@pytest.mark.parametrize("kind", ["wan", "yi"])
def test_amount_texts_are_exact_decimals_that_read_back_as_the_written_floats(kind: str) -> None:
    """万元/亿元 cells: the exact decimal text of the 元 amount reads back as the float _number gets
    through Decimal (and xlsxwriter's .16G text of it would), for random amounts up to 2**53."""
    import random

    rng = random.Random(53)
    amounts = [rng.randint(-(10 ** rng.randint(0, 16)), 10 ** rng.randint(0, 16)) for _ in range(20_000)]
    amounts = [a for a in amounts if abs(a) <= 2**53] + [7, 99, 10**8 + 1, 123_456_789_012_345, None]
    col = Col("n", "n", kind)  # type: ignore[arg-type]
    got = wbmod._number_texts(col, pl.Series(amounts, dtype=pl.Int64)).to_list()
    _reads_back_as_written(col, amounts, got)
    xlsxwriter_texts = [None if v is None else f"{wbmod._number(col, v):.16G}" for v in amounts]
    assert [None if t is None else float(t) for t in xlsxwriter_texts] == [
        None if t is None else float(t) for t in got
    ]
    assert got != xlsxwriter_texts  # the texts do differ (9.3 is .16G "9.300000000000001")
