"""The results memo: a rerun on unchanged inputs, policy and ledger gives the same output without
computing; any change to what the output depends on computes it again (qkaward/memo.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qkaward import memo, runner
from qkaward.cli import app

cli = CliRunner()


def _run(*args: str) -> str:
    result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _forbid_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_a, **_k):
        raise AssertionError("computed although the memo should have answered")

    monkeypatch.setattr(runner, "compute", fail)


def _results() -> Path:
    return Path(os.environ["QKAWARD_CACHE_DIR"]) / memo.FOLDER


@pytest.mark.parametrize(
    ("command", "fmt"), [("awards", "json"), ("awards", "csv"), ("classify", "json"), ("targets", "csv")]
)
def test_a_rerun_gives_the_same_output_without_computing(ws: Path, monkeypatch, command, fmt) -> None:
    first = _run(command, "--year", "2020", "-w", str(ws), "--format", fmt)
    _forbid_computing(monkeypatch)
    assert _run(command, "--year", "2020", "-w", str(ws), "--format", fmt) == first


def test_the_memo_is_written_to_a_file_given_with_o(ws: Path, tmp_path: Path, monkeypatch) -> None:
    _run("awards", "--year", "2020", "-w", str(ws), "--format", "json", "-o", str(tmp_path / "a.json"))
    _forbid_computing(monkeypatch)
    _run("awards", "--year", "2020", "-w", str(ws), "--format", "json", "-o", str(tmp_path / "b.json"))
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_a_changed_input_file_is_computed_again(ws: Path) -> None:
    before = json.loads(_run("awards", "--year", "2020", "-w", str(ws), "--format", "json"))
    events = ws / "events.csv"
    data = events.read_bytes()
    events.write_bytes(data + data.splitlines(keepends=True)[-1])  # a repeated row: one more problem
    after = json.loads(_run("awards", "--year", "2020", "-w", str(ws), "--format", "json"))
    assert len(after["problems"]) == len(before["problems"]) + 1


def test_another_year_policy_setting_or_format_is_computed_again(ws: Path, monkeypatch) -> None:
    base = ["awards", "-w", str(ws)]
    _run(*base, "--year", "2020", "--format", "json")
    calls = []
    real = runner.compute
    monkeypatch.setattr(runner, "compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    _run(*base, "--year", "2019", "--format", "json")
    _run(*base, "--year", "2020", "--format", "csv")
    doc = json.loads(_run(*base, "--year", "2020", "--format", "json", "--set", "ladder.upgrade=full"))
    assert len(calls) == 3
    assert doc["year"] == 2020


def test_a_ledger_commit_changes_the_result(ws: Path) -> None:
    before = _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    _run("awards", "--year", "2019", "-w", str(ws), "--commit")
    after = _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    fresh = _run("awards", "--year", "2020", "-w", str(ws), "--format", "json", "--no-cache")
    assert after == fresh
    assert after != before  # the 2019 one-time awards are no longer offered, the upgrade pays the difference


def test_new_code_does_not_meet_old_results(ws: Path, monkeypatch) -> None:
    _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    monkeypatch.setattr(memo, "code_fingerprint", lambda: "another version of qkaward")
    calls = []
    real = runner.compute
    monkeypatch.setattr(runner, "compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    assert len(calls) == 1


def test_no_cache_neither_reads_nor_writes_the_memo(ws: Path, monkeypatch) -> None:
    first = _run("awards", "--year", "2020", "-w", str(ws), "--format", "json", "--no-cache")
    assert not _results().exists()
    _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    assert sorted(p.suffix for p in _results().iterdir()) == ["", memo.NOTE]  # one entry and its note
    _forbid_computing(monkeypatch)
    with pytest.raises(AssertionError, match="computed although"):
        cli.invoke(
            app,
            ["awards", "--year", "2020", "-w", str(ws), "--format", "json", "--no-cache"],
            catch_exceptions=False,
        )
    assert _run("awards", "--year", "2020", "-w", str(ws), "--format", "json") == first


def test_a_commit_is_never_answered_from_the_memo(ws: Path) -> None:
    _run("awards", "--year", "2019", "-w", str(ws), "--format", "json")
    _run("awards", "--year", "2019", "-w", str(ws), "--format", "json", "--commit")
    listed = _run("ledger", "list", "--ledger", str(ws / "ledger.sqlite"), "--format", "json")
    assert json.loads(listed)["items"], "the commit recorded nothing"


def test_a_bad_year_is_refused_before_the_memo_is_consulted(ws: Path) -> None:
    result = cli.invoke(app, ["awards", "--year", "2023", "-w", str(ws), "--format", "json"])
    assert result.exit_code == 2
    assert "2023" in result.output


def test_a_memo_hit_starts_without_loading_polars_or_building_the_policy(ws: Path, tmp_path: Path) -> None:
    """Start-up is most of a memo hit's time; Polars alone takes a third of it, the policy's
    dataclasses another ~30 ms (the key reads the policy files as TOML: qkaward/policy_files.py)."""
    import subprocess
    import sys

    probe = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write("
        "'POLARS=%s POLICY=%s\\n' % ('polars' in sys.modules, 'qkaward.policy' in sys.modules)));"
        " from qkaward.cli import main; main()"
    )
    args = [sys.executable, "-c", probe, "awards", "--year", "2020", "-w", str(ws), "--format", "json"]
    args += ["-o", str(tmp_path / "a.json")]
    first = subprocess.run(args, capture_output=True, text=True, check=True)
    second = subprocess.run(args, capture_output=True, text=True, check=True)
    assert "POLARS=True POLICY=True" in first.stderr
    assert "POLARS=False POLICY=False" in second.stderr
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["items"]


def test_help_starts_without_polars_or_rich() -> None:
    import subprocess
    import sys

    probe = "import sys; import qkaward.cli; print(sorted({'polars', 'rich'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_changed_column_configuration_is_computed_again(ws: Path, tmp_path: Path, monkeypatch) -> None:
    """The key holds the column configuration file's bytes (it is not parsed on a rerun)."""
    import shutil

    from qkaward.config import config_dir

    config = tmp_path / "config"
    shutil.copytree(config_dir(), config)
    monkeypatch.setenv("QKAWARD_CONFIG_DIR", str(config))
    first = _run("awards", "--year", "2020", "-w", str(ws), "--format", "json")
    calls = []
    real = runner.compute
    monkeypatch.setattr(runner, "compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert _run("awards", "--year", "2020", "-w", str(ws), "--format", "json") == first
    assert not calls
    columns = config / "columns.toml"
    columns.write_text(columns.read_text(encoding="utf-8") + "\n# 本地修订\n", encoding="utf-8")
    assert _run("awards", "--year", "2020", "-w", str(ws), "--format", "json") == first
    assert len(calls) == 1


def test_a_changed_policy_or_standard_file_is_computed_again(ws: Path, tmp_path: Path, monkeypatch) -> None:
    """The key holds the policy file's bytes; the NBS standard it names is checked against the hash the
    entry noted (so a rerun need not read the policy as TOML to find it)."""
    import shutil

    from qkaward.policy import DEFAULT_POLICY

    (tmp_path / "policy").mkdir()
    policy = tmp_path / "policy" / DEFAULT_POLICY.name
    shutil.copy(DEFAULT_POLICY, policy)
    shutil.copytree(DEFAULT_POLICY.parent.parent / "standards", tmp_path / "standards")
    args = ("awards", "--year", "2020", "-w", str(ws), "--format", "json", "--policy", str(policy))
    first = _run(*args)
    calls = []
    real = runner.compute
    monkeypatch.setattr(runner, "compute", lambda *a, **k: calls.append(a) or real(*a, **k))
    assert _run(*args) == first
    assert not calls
    standard = tmp_path / "standards" / "four-above.toml"
    standard.write_text(standard.read_text(encoding="utf-8") + "\n# 修订\n", encoding="utf-8")
    assert _run(*args) == first
    assert len(calls) == 1
    assert _run(*args) == first  # remembered again, with the new standard's hash
    assert len(calls) == 1
    policy.write_text(policy.read_text(encoding="utf-8") + "\n# 注释\n", encoding="utf-8")
    assert _run(*args) == first
    assert len(calls) == 2
