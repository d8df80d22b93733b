"""统一社会信用代码: normalisation and both GB 32100 checks, on the vectors of domain-notes §3d."""

from __future__ import annotations

import polars as pl
import pytest

from qkaward.inputs.creditcode import (
    check_char,
    normalise,
    normalise_expr,
    org_check_char,
    problem,
    problem_expr,
)

VALID = [
    "91520000214434146R",
    "914403001922038216",
    "91310115591693856A",
    "91310110666007217T",
    "91430111MA4L41YT1U",
    "91110000710926094P",
    "91350200776049653A",
    "91440101MA5CJQ4N59",
    "913502000728319549",
    "9135021359498494XQ",
    "91350503MA31DKY80A",
    "91350200MA31E12PXF",
    "123502001549897397",
]


@pytest.mark.parametrize("code", VALID)
def test_valid_vectors_pass_both_checks(code: str) -> None:
    assert problem(code) is None
    assert check_char(code[:17]) == code[17]
    assert org_check_char(code[8:16]) == code[16]


@pytest.mark.parametrize(("code", "expected"), [("914403001922038217", "6"), ("91350203M0001QAY9B", "9")])
def test_wrong_position_18_names_the_expected_character(code: str, expected: str) -> None:
    assert problem(code) == f"统一社会信用代码第18位校验码错误，应为{expected}"


def test_wrong_organisation_code_check_is_reported() -> None:
    # Change position 17 of a valid code and recompute position 18, so only the GB 11714 check fails.
    body = "91520000214434140"
    code = body + check_char(body)
    assert problem(code) == "统一社会信用代码第9—17位组织机构代码校验位错误，应为6"


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (" 9152 0000 2144 3414 6r ", "91520000214434146R"),
        ("９１５２００００２１４４３４１４６Ｒ", "91520000214434146R"),
        ("91520000214434146r", "91520000214434146R"),
        ("9152\u30000000214434146R", "91520000214434146R"),
    ],
)
def test_normalisation_of_spaces_full_width_and_case(raw: str, normal: str) -> None:
    assert normalise(raw) == normal
    assert problem(normalise(raw)) is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "缺少统一社会信用代码"),
        ("91520000214434146", "统一社会信用代码应为18位，实为17位"),
        ("9152000021443414OR", "统一社会信用代码含非法字符（只允许数字和除I、O、Z、S、V外的大写字母）"),
    ],
)
def test_malformed_codes(code: str, message: str) -> None:
    assert problem(code) == message


def test_vectorised_over_a_column() -> None:
    frame = pl.DataFrame({"raw": [VALID[0].lower(), "914403001922038217", None]})
    out = frame.select(problem_expr(normalise_expr(pl.col("raw")))).to_series().to_list()
    assert out == [None, "统一社会信用代码第18位校验码错误，应为6", "缺少统一社会信用代码"]


def test_the_integer_check_of_a_column_agrees_with_the_text_check_code_by_code() -> None:
    """check_frame decides on base-36 integers; problem_expr on text. Every valid vector, and every
    one-character change of it to any letter or digit (a letter GB 32100 does not use, a letter in the
    region digits, a check character that is wrong, or that is right) must get the same verdict and
    message from both."""
    from qkaward.inputs.creditcode import check_frame, code_key

    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [*VALID, VALID[0].lower(), " 9152 0000 2144 3414 6R", "", None, "91520000214434146R0"]
    for code in VALID:
        for pos in range(18):
            for ch in alphabet:
                codes.append(code[:pos] + ch + code[pos + 1 :])
    column = pl.DataFrame({"c": codes}, schema={"c": pl.String})
    frame = check_frame(column, "c", "err")
    expected = column.select(problem_expr(normalise_expr(pl.col("c")))).to_series().to_list()
    assert frame["err"].to_list() == expected
    # with key_out, the same verdicts and each valid code's enterprise key, as code_key computes it
    keyed = check_frame(column, "c", "err", key_out="k")
    assert keyed["err"].to_list() == expected
    valid = keyed.filter(pl.col("err").is_null())
    assert valid["k"].to_list() == valid.select(code_key([valid], "c")).to_series().to_list()
    assert keyed.filter(pl.col("err").is_not_null())["k"].null_count() == sum(e is not None for e in expected)
    all_valid = check_frame(pl.DataFrame({"c": VALID}), "c", "err", key_out="k")
    assert all_valid["k"].to_list() == all_valid.select(code_key([all_valid], "c")).to_series().to_list()
    assert sum(e is None for e in expected) > len(VALID)  # some changes keep a valid code (the check char)
    assert sum(e is not None for e in expected) > 1000


def test_enterprise_keys_take_the_readers_key_and_fall_back_to_text_together() -> None:
    from qkaward.inputs.creditcode import code_key, enterprise_keys

    a = pl.DataFrame({"credit_code": VALID[:3]})
    b = pl.DataFrame({"credit_code": VALID[3:5]})
    empty = pl.DataFrame({"credit_code": []}, schema={"credit_code": pl.String})
    carried = a.select(code_key([a])).to_series()
    keys = enterprise_keys([a, b, empty], [carried, None, None])
    assert keys[0] is carried  # not computed again
    assert keys[1].to_list() == b.select(code_key([b])).to_series().to_list()
    assert keys[1].dtype == pl.Int128 and keys[2].len() == 0
    odd = pl.DataFrame({"credit_code": ["甲-1"]})  # not keyable: every frame keyed by its text
    keys = enterprise_keys([a, odd], [carried, None])
    assert [k.to_list() for k in keys] == [VALID[:3], ["甲-1"]]


def test_the_integer_check_agrees_with_the_text_check_on_random_codes() -> None:
    """The table look-ups of the integer check against problem_expr on text, for codes built valid
    (any allowed character at every position) and for one- and two-character changes of them."""
    import random

    from qkaward.inputs.creditcode import CHARSET, check_frame

    rng = random.Random(11714)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = []
    for _ in range(3000):
        org = "".join(rng.choice(CHARSET) for _ in range(8))
        head = "".join(rng.choice(CHARSET) for _ in range(2))
        head += "".join(rng.choice("0123456789") for _ in range(6)) + org + org_check_char(org)
        code = head + check_char(head)
        codes.append(code)
        for _ in range(rng.choice((1, 2))):
            pos = rng.randrange(18)
            code = code[:pos] + rng.choice(alphabet) + code[pos + 1 :]
        codes.append(code)
    column = pl.DataFrame({"c": codes})
    got = check_frame(column, "c", "err")["err"].to_list()
    expected = column.select(problem_expr(pl.col("c"))).to_series().to_list()
    assert got == expected
    assert sum(e is None for e in expected) >= 3000  # every built code, and changes that stay valid
    assert len({e for e in expected if e}) > 10  # many different reasons (expected characters differ)


def test_a_sign_in_place_of_a_character_is_an_illegal_character_not_a_number() -> None:
    """Polars reads "+1420…" in base 36 as the number of "01420…": a code whose first character is
    0 and its copy with + (or -) there must not both pass, nor share an enterprise key."""
    from qkaward.inputs.creditcode import check_frame

    head = "0142010412345678"
    head += org_check_char(head[8:16])
    valid = head + check_char(head)
    codes = [valid, "+" + valid[1:], "-" + valid[1:], "+" + valid[1:].lower(), valid[:17] + "+"]
    column = pl.DataFrame({"c": codes})
    checked = check_frame(column, "c", "err", key_out="k")
    expected = column.select(problem_expr(normalise_expr(pl.col("c")))).to_series().to_list()
    assert checked["err"].to_list() == expected
    assert expected[0] is None
    assert all(e is not None and "非法字符" in e for e in expected[1:])
    assert checked["k"].null_count() == len(codes) - 1


def test_a_letter_other_than_x_as_the_organisation_check_character_fails_even_with_18_right() -> None:
    """The GB 11714 check character (position 17) is a digit or X (worth 10). A letter worth 10 in base
    36 (A) in place of a right X, or any other letter, fails — with position 18 made right for it, so
    that only the position-17 rule can catch it — in the integer check as in the text check."""
    from qkaward.inputs.creditcode import CHARSET, check_frame

    head = "9135021359498494"
    assert org_check_char(head[8:16]) == "X"
    codes = [head + "X" + check_char(head + "X")]
    codes += [head + c + check_char(head + c) for c in CHARSET if c.isalpha() and c != "X"]
    column = pl.DataFrame({"c": codes})
    got = check_frame(column, "c", "err")["err"].to_list()
    assert got == column.select(problem_expr(pl.col("c"))).to_series().to_list()
    assert got[0] is None
    assert all(e == "统一社会信用代码第9—17位组织机构代码校验位错误，应为X" for e in got[1:])
