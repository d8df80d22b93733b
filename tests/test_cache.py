"""The parsed-input cache: a hit skips parsing, a changed file or --no-cache parses again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import VALID

from qkaward.errors import InputError
from qkaward.inputs import build_spec, load_inputs
from qkaward.inputs import load as load_module

HEADER = ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"]


@pytest.fixture
def stats(make_xlsx) -> Path:
    return make_xlsx(
        "s.xlsx", [HEADER, [VALID[0], "甲", 2020, "3011", 5], [VALID[1], "乙", 2020, "3011", "待核实"]]
    )


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_a, **_k):
        raise AssertionError("parsed although the cache should have answered")

    monkeypatch.setattr(load_module, "read_part", fail)


def test_second_read_comes_from_the_cache_with_the_same_result(stats: Path, monkeypatch) -> None:
    spec = build_spec(None, {"stats": [stats]})
    first = load_inputs(spec)
    _forbid_parsing(monkeypatch)
    second = load_inputs(spec)
    assert second.stats.equals(first.stats)
    assert second.problems.equals(first.problems)
    assert second.files == first.files


def test_a_changed_file_is_parsed_again(stats: Path, make_xlsx) -> None:
    spec = build_spec(None, {"stats": [stats]})
    assert load_inputs(spec).stats["revenue_yuan"].to_list() == [50_000]
    make_xlsx("s.xlsx", [HEADER, [VALID[0], "甲", 2020, "3011", 7]])
    assert load_inputs(spec).stats["revenue_yuan"].to_list() == [70_000]


def test_no_cache_parses_and_writes_nothing(stats: Path, monkeypatch) -> None:
    spec = build_spec(None, {"stats": [stats]}, use_cache=False)
    assert spec.cache is None
    load_inputs(spec)
    assert not any(Path(os.environ["QKAWARD_CACHE_DIR"]).iterdir())
    _forbid_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed although"):
        load_inputs(spec)


def test_a_damaged_entry_is_ignored(stats: Path) -> None:
    spec = build_spec(None, {"stats": [stats]})
    expected = load_inputs(spec).stats
    for entry in Path(os.environ["QKAWARD_CACHE_DIR"]).iterdir():
        (entry / "frame.parquet").write_bytes(b"not parquet")
    assert load_inputs(spec).stats.equals(expected)


def test_an_unreadable_file_is_still_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("no")
    with pytest.raises(InputError):
        load_inputs(build_spec(None, {"stats": [bad]}))


def test_the_cache_key_is_the_same_in_another_process(tmp_path: Path) -> None:
    """Python salts the hash of str per process; the key must not depend on it (a set's print order)."""
    import subprocess
    import sys

    code = (
        "from qkaward.inputs.cache import hash_config; from qkaward.inputs.columns import load_columns; "
        "print(hash_config(load_columns()))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1
