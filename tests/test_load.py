"""Reading several files at once: the result does not depend on the number of threads or on which
file finishes first; QKAWARD_READ_THREADS is checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID

from qkaward.errors import UsageError
from qkaward.inputs import build_spec, load_inputs
from qkaward.inputs.load import read_threads

HEADER = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]


def _files(make_xlsx) -> list[Path]:
    small = make_xlsx("a_small.xlsx", [HEADER, [VALID[0], "甲", 2019, "3011", 5]])
    rows = [[VALID[1], "乙", 2020, "3011", i] for i in range(1, 400)]  # the larger file starts first
    big = make_xlsx("b_big.xlsx", [HEADER, [VALID[0], "甲", 2020, "3011", 6], *rows])
    return [small, big]


def test_one_or_two_threads_give_the_same_inputs_in_the_order_given(make_xlsx, monkeypatch) -> None:
    files = _files(make_xlsx)
    spec = build_spec(None, {"stats": files}, use_cache=False)
    monkeypatch.setenv("QKAWARD_READ_THREADS", "1")
    one = load_inputs(spec)
    monkeypatch.setenv("QKAWARD_READ_THREADS", "2")
    two = load_inputs(spec)
    assert one.stats.equals(two.stats)
    assert one.problems.equals(two.problems)
    assert [f.path for f in two.files] == [str(f) for f in files]
    assert two.stats["src_file"].unique(maintain_order=True).to_list() == [str(f) for f in files]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_bad_thread_count_is_a_usage_error(monkeypatch, value: str) -> None:
    monkeypatch.setenv("QKAWARD_READ_THREADS", value)
    with pytest.raises(UsageError, match="QKAWARD_READ_THREADS"):
        read_threads()


def test_threads_never_exceed_the_cores(monkeypatch) -> None:
    monkeypatch.setenv("QKAWARD_READ_THREADS", "64")
    assert 1 <= read_threads() <= 64
    monkeypatch.delenv("QKAWARD_READ_THREADS")
    assert read_threads() >= 1


def test_the_readers_enterprise_key_is_code_key_and_stays_inside_the_loader(make_xlsx) -> None:
    """A sheet read for a run carries the enterprise key its code check computed (ENTERPRISE, used by
    dedupe and unit_jumps instead of computing it again); the public single-file read and the run's
    inputs do not show it."""
    import polars as pl

    from qkaward.inputs.columns import load_columns
    from qkaward.inputs.creditcode import ENTERPRISE, code_key
    from qkaward.inputs.grid import file_parts
    from qkaward.inputs.read import combine, read_part, read_role_file

    small, big = _files(make_xlsx)
    cfg = load_columns()
    sheets = [s for part in file_parts(big, "b") for s in read_part(part, "stats", cfg)]
    frame = combine(big, "b", "stats", cfg, sheets).frame
    assert frame.height == 400 and frame[ENTERPRISE].null_count() == 0
    assert frame[ENTERPRISE].to_list() == frame.select(code_key([frame])).to_series().to_list()
    assert frame[ENTERPRISE].dtype == pl.Int128
    assert ENTERPRISE not in read_role_file(big, "stats").frame.columns
    inputs = load_inputs(build_spec(None, {"stats": [small, big]}, use_cache=False))
    assert ENTERPRISE in inputs.stats.columns and inputs.stats.height > 0  # kept for build_frame


@pytest.mark.parametrize("keyed", [True, False, "ordered"])
def test_unit_jumps_agree_with_a_year_by_year_reading(keyed: bool | str) -> None:
    """Every real, positive figure against the same enterprise's figure of the year before: flagged when
    one is ``ratio`` times the other or more. Random enterprises with gaps in their years, 上年同期 rows,
    zeros and blanks; with the readers' key, without it (the loader's fallback), and with the role's
    order that the loader shares with dedupe."""
    import random

    import polars as pl

    from qkaward.inputs.creditcode import ENTERPRISE, code_key
    from qkaward.inputs.load import role_order, unit_jumps

    rng = random.Random(7)
    rows = []
    for e in range(300):
        code = VALID[e % len(VALID)][:-4] + f"{e:04d}"  # distinct codes (check characters not needed)
        for year in sorted(rng.sample(range(2015, 2022), rng.randint(1, 5))):
            value = rng.choice([None, 0, 5, 50, 5_000, 50_000, 500_000, 49_999, 5_000_001, 1])
            prev = rng.random() < 0.2
            rows.append((code, year, value, prev, "f.xlsx", "表1", len(rows) + 2))
    rng.shuffle(rows)
    schema = ["credit_code", "year", "revenue_yuan", "from_prev_column", "src_file", "src_sheet", "src_row"]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    if keyed:
        frame = frame.with_columns(code_key([frame]).alias(ENTERPRISE))
    order = role_order(frame) if keyed == "ordered" else None
    assert (order is not None) == (keyed == "ordered")
    got = unit_jumps(frame, "revenue_yuan", "营业收入", 1000, order)
    figure = {(r[0], r[1]): r[2] for r in rows if not r[3] and r[2]}
    expected = sorted(
        (row, f"疑似单位错误：营业收入为{v}元，上年为{figure[(c, y - 1)]}元，相差1000倍以上，请核对金额单位")
        for c, y, v, prev, _, _, row in rows
        if not prev
        and v
        and (c, y - 1) in figure
        and (v >= figure[(c, y - 1)] * 1000 or v * 1000 <= figure[(c, y - 1)])
    )
    assert sorted(zip(got["row"].to_list(), got["message"].to_list(), strict=True)) == expected
    assert len(expected) > 20
    assert set(got["severity"]) == {"warning"} and set(got["file"]) == {"f.xlsx"}


def test_dedupe_by_the_role_order_agrees_with_dedupe_by_hashing() -> None:
    """Exact repeats, conflicting repeats and 上年同期 rows of the same key, shuffled: dedupe finds the
    same rows with the role's order (repeated keys as neighbours) as without it."""
    import random

    import polars as pl

    from qkaward.inputs.creditcode import ENTERPRISE, code_key
    from qkaward.inputs.load import dedupe, role_order

    rng = random.Random(3)
    rows = []
    for e in range(200):
        code = VALID[e % len(VALID)][:-4] + f"{e:04d}"
        for year in rng.sample(range(2017, 2021), rng.randint(1, 3)):
            value = rng.randint(1, 9)
            for _ in range(rng.choice([1, 1, 1, 2, 3])):  # repeats, some of them with another value
                prev = rng.random() < 0.2
                rows.append(
                    (code, year, rng.choice([value, value, value + 1]), prev, "f.xlsx", "表1", len(rows) + 2)
                )
    rng.shuffle(rows)
    schema = ["credit_code", "year", "revenue_yuan", "from_prev_column", "src_file", "src_sheet", "src_row"]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    frame = frame.with_columns(code_key([frame]).alias(ENTERPRISE))
    order = role_order(frame)
    assert order is not None
    kept, problems = dedupe(frame, "stats", order)
    assert kept.height < frame.height and problems.height > 20
    hashed = dedupe(frame, "stats")
    assert kept.equals(hashed[0]) and problems.equals(hashed[1])
    unique = frame.unique(["credit_code", "year", "from_prev_column"])
    assert dedupe(unique, "stats", role_order(unique))[1].is_empty()


TAX_HEADER = ["纳税人识别号", "纳税人名称", "所属年度", "区级财政贡献(万元)"]


def test_a_role_is_settled_as_soon_as_its_files_are_read(make_xlsx, monkeypatch) -> None:
    """The tax export (larger, so parsed first) is put together and settled while a statistics file is
    still being read: the statistics reader waits until the tax role has been settled. Were the roles
    settled only after every file was read, it would wait in vain (10 s) and the test fails."""
    import threading

    import qkaward.inputs.load as load

    tax_rows = [[VALID[1], "乙", 1921 + i, i + 1] for i in range(100)]  # the larger file: parsed first
    tax = make_xlsx("tax.xlsx", [TAX_HEADER, *tax_rows])
    stats = make_xlsx("stats.xlsx", [HEADER, [VALID[0], "甲", 2020, "3011", 5]])
    tax_settled, waited = threading.Event(), []
    read_part, settle = load.read_part, load._settle

    def slow_stats(part, role, cfg):
        if role == "stats":
            waited.append(tax_settled.wait(timeout=10))
        return read_part(part, role, cfg)

    def watched_settle(role, frames, cfg):
        got = settle(role, frames, cfg)
        if role == "tax" and frames:
            tax_settled.set()
        return got

    monkeypatch.setattr(load, "read_part", slow_stats)
    monkeypatch.setattr(load, "_settle", watched_settle)
    inputs = load_inputs(build_spec(None, {"stats": [stats], "tax": [tax]}, use_cache=False))
    assert waited == [True]
    assert inputs.stats.height == 1 and inputs.tax.height == 100


def test_errors_and_progress_follow_the_order_given(make_xlsx) -> None:
    """Files are reported read in the order given, and of two bad files the first given is the error
    raised — though the later one (a small tax file, parsed alongside on the other thread) usually fails
    first."""
    from qkaward.errors import InputError

    stats_rows = [[VALID[1], "乙", 2020, "3011", i] for i in range(1, 400)]
    good = make_xlsx("good.xlsx", [HEADER, *stats_rows])
    tax = make_xlsx("tax.xlsx", [TAX_HEADER, [VALID[0], "甲", 2020, 8]])
    seen: list[tuple[int, int, str]] = []
    load_inputs(
        build_spec(None, {"stats": [good], "tax": [tax]}, use_cache=False),
        on_file=lambda i, n, label: seen.append((i, n, label)),
    )
    assert seen == [(1, 2, str(good)), (2, 2, str(tax))]
    bad_stats = make_xlsx("bad_stats.xlsx", [["名称", "备注"], *[["甲", i] for i in range(400)]])
    bad_tax = make_xlsx("bad_tax.xlsx", [["名称"], ["乙"]])
    spec = build_spec(None, {"stats": [bad_stats], "tax": [bad_tax]}, use_cache=False)
    with pytest.raises(InputError, match=r"bad_stats\.xlsx"):
        load_inputs(spec)
