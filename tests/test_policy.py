"""The policy loader: validation messages name the key, overrides, the year check, exact money."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from qkaward.errors import ConfigError, UsageError
from qkaward.policy import DEFAULT_POLICY, load_policy, policy_rows

TEXT = DEFAULT_POLICY.read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    """A policy file next to a copy of the standards table (the policy refers to it relatively)."""
    (tmp_path / "policy").mkdir(exist_ok=True)
    (tmp_path / "standards").mkdir(exist_ok=True)
    std = DEFAULT_POLICY.parent.parent / "standards" / "four-above.toml"
    (tmp_path / "standards" / "four-above.toml").write_text(std.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "policy" / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_policy_loads_with_exact_money() -> None:
    p = load_policy()
    assert p.id == "qiaokou-2019"
    assert (p.period_start, p.period_end) == (2019, 2021)
    t1, t2, t3 = p.ladder.tiers
    assert (t1.id, t2.id, t3.id) == ("t1", "t2", "t3")
    assert t2.revenue_main_yuan == 10_000_000_000 and t2.revenue_other_yuan == 5_000_000_000
    assert t3.fiscal_yuan == 8_000_000 and t1.first_reach_yuan == 10_000_000
    assert p.ladder.growth_ratio == Fraction(115, 100)
    assert p.ladder.main_sections == ("E", "F", "K")
    assert p.pools.unicorn_min_usd == 1_000_000_000
    assert p.usd_cny_rate == Fraction("6.8985")
    assert len(p.sha256) == 64 and len(p.four_above.sha256) == 64


def test_every_row_has_a_clause() -> None:
    rows = policy_rows(load_policy())
    assert rows and all(r.clause for r in rows)
    keys = {r.key for r in rows}
    assert "ladder.tiers.t2.first_reach" in keys and "ladder.upgrade" in keys


def test_unknown_key_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path, TEXT.replace("[ladder]\n", '[ladder]\nbonus = { value = 1, unit = "万元", clause = "x" }\n')
    )
    with pytest.raises(ConfigError, match=r"未知参数“ladder.bonus”"):
        load_policy(path)


def test_unknown_field_in_parameter(tmp_path: Path) -> None:
    path = write(
        tmp_path, TEXT.replace("growth_ratio = { value = 1.15,", "growth_ratio = { valu = 1, value = 1.15,")
    )
    with pytest.raises(ConfigError, match=r"ladder.growth_ratio.*未知字段“valu”"):
        load_policy(path)


def test_wrong_type_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.replace("fiscal = { value = 2000,", 'fiscal = { value = "两千",', 1))
    with pytest.raises(ConfigError, match=r"ladder.tiers.t2.fiscal.*应为数字"):
        load_policy(path)


def test_negative_amount_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.replace("first_reach = { value = 500,", "first_reach = { value = -500,"))
    with pytest.raises(ConfigError, match=r"ladder.tiers.t2.first_reach.*不能为负数"):
        load_policy(path)


def test_missing_clause_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        TEXT.replace(
            'amount = { value = 5, unit = "万元", clause = "三(二)2" }',
            'amount = { value = 5, unit = "万元" }',
            1,
        ),
    )
    with pytest.raises(ConfigError, match=r"scale_entry.amount”缺少条款"):
        load_policy(path)


def test_missing_key_is_named(tmp_path: Path) -> None:
    lines = [ln for ln in TEXT.splitlines() if not ln.startswith("upgrade = ")]
    with pytest.raises(ConfigError, match=r"缺少参数“ladder.upgrade”"):
        load_policy(write(tmp_path, "\n".join(lines)))


def test_bad_unit_and_bad_choice() -> None:
    with pytest.raises(ConfigError, match=r"ladder.upgrade.*无效"):
        load_policy(overrides=["ladder.upgrade=sometimes"])


def test_money_must_be_whole_yuan() -> None:
    with pytest.raises(ConfigError, match=r"不是整数元"):
        load_policy(overrides=["ladder.tiers.t2.fiscal=0.000001"])


def test_overrides() -> None:
    p = load_policy(
        overrides=["ladder.upgrade=full", "ladder.tiers.t2.first_reach=600", "ladder.growth_ratio=1.2"]
    )
    assert p.ladder.upgrade == "full"
    assert p.ladder.tiers[1].first_reach_yuan == 6_000_000
    assert p.ladder.growth_ratio == Fraction(6, 5)
    assert p.overrides == (
        "ladder.upgrade=full",
        "ladder.tiers.t2.first_reach=600",
        "ladder.growth_ratio=1.2",
    )
    p = load_policy(overrides=['ladder.main_sections=["F"]', "pools.gazelle.bands.0.revenue_growth=1.3"])
    assert p.ladder.main_sections == ("F",)
    assert p.pools.gazelle_bands[0].revenue_growth == Fraction(13, 10)


def test_override_of_unknown_key_or_bad_syntax() -> None:
    with pytest.raises(ConfigError, match=r"没有参数“ladder.nothing”"):
        load_policy(overrides=["ladder.nothing=1"])
    with pytest.raises(ConfigError, match=r"KEY=VALUE"):
        load_policy(overrides=["ladder.upgrade"])
    with pytest.raises(ConfigError, match=r"一组参数"):
        load_policy(overrides=["ladder.tiers=1"])


def test_override_type_is_checked() -> None:
    with pytest.raises(ConfigError, match=r"scale_entry.include_construction.*true 或 false"):
        load_policy(overrides=["scale_entry.include_construction=yes"])


@pytest.mark.parametrize("year", [2019, 2020, 2021])
def test_years_inside_the_period(year: int) -> None:
    load_policy().check_year(year)


@pytest.mark.parametrize("year", [2018, 2022, 2023])
def test_year_outside_the_period(year: int) -> None:
    with pytest.raises(UsageError, match=f"年度{year}不在政策期限2019—2021年内"):
        load_policy().check_year(year)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"无法读取"):
        load_policy(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"不是有效的 TOML"):
        load_policy(write(tmp_path, "[ladder\n"))


def test_nbs_table_depends_on_year() -> None:
    std = load_policy().four_above
    assert std.table_name(2018) == "before_2019"
    assert std.table_name(2019) == "from_2019"
    look = std.lookup([2018, 2019])
    it = {(r["year"], r["code"]): r["nbs_threshold_yuan"] for r in look.iter_rows(named=True)}
    assert it[(2018, "65")] == 10_000_000 and it[(2019, "65")] == 20_000_000
    assert it[(2019, "7020")] == 10_000_000 and it[(2019, "7010")] is None


def test_a_code_in_two_rows_of_a_standard_table_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT)
    std = tmp_path / "standards" / "four-above.toml"
    text = std.read_text(encoding="utf-8")
    assert text.count('codes = ["52"]') == 2  # the 限上零售 row of each table
    std.write_text(text.replace('codes = ["51"]', 'codes = ["51", "52"]', 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"四上标准表 tables.before_2019 中行业代码“52”出现在多行"):
        load_policy(path)


def test_the_memo_notes_the_standard_file_the_policy_names(tmp_path: Path) -> None:
    """A remembered run is checked against the NBS standard file its policy names (memo.standard_note,
    read without building the policy): its path and hash, and None where load_policy would fail."""
    from qkaward.fingerprint import sha256_of
    from qkaward.memo import standard_note

    path = write(tmp_path, TEXT)
    standard = (tmp_path / "standards" / "four-above.toml").resolve()
    assert standard_note(path, ()) == f"{standard}\n{sha256_of(standard)}"
    assert standard_note(None, ()) == standard_note(DEFAULT_POLICY, ())
    assert standard_note(path, ("ladder.upgrade=full",)) == standard_note(path, ())
    assert standard_note(path, ("no.such.key=1",)) is None
    standard.unlink()
    assert standard_note(path, ()) is None
    path.write_text("not toml [", encoding="utf-8")
    assert standard_note(path, ()) is None
