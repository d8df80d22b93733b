"""The command line: help for every command, exit codes of SPEC §9, the JSON envelope."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import VALID
from typer.testing import CliRunner

from qkaward.cli import app

runner = CliRunner()


def _commands() -> list[str]:
    """Every command and sub-command, as the words typed after `qkaward`."""
    import typer.main

    def walk(cmd, prefix: str) -> list[str]:
        subs = getattr(cmd, "commands", {})
        return [prefix] * bool(prefix) + [
            w for n, c in sorted(subs.items()) for w in walk(c, f"{prefix} {n}".strip())
        ]

    return walk(typer.main.get_command(app), "")


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = runner.invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "示例" in result.output


def test_validate_clean_file_exits_0(make_xlsx) -> None:
    path = make_xlsx(
        "s.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"],
            [VALID[0], "甲", 2020, "3011", 5],
        ],
    )
    result = runner.invoke(app, ["validate", "--stats", str(path)])
    assert result.exit_code == 0, result.output
    assert "未发现数据问题" in result.output


def test_validate_with_problems_exits_1_and_json_envelope(stats_xlsx: Path, make_xlsx) -> None:
    bad = make_xlsx(
        "bad.xlsx",
        [
            ["统一社会信用代码", "企业名称", "年度", "行业代码", "营业收入(万元)"],
            [VALID[0], "甲", 2020, "3011", "待核实"],
        ],
    )
    result = runner.invoke(
        app, ["validate", "--stats", str(stats_xlsx), "--stats", str(bad), "--format", "json"]
    )
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "qkaward.validate/1"
    assert set(doc) >= {"schema", "year", "policy", "items", "problems"}
    assert [i["rows_used"] for i in doc["items"]] == [2, 0]
    assert {
        "file": str(bad),
        "sheet": "Sheet1",
        "row": 2,
        "column": "营业收入(万元)",
        "value": "待核实",
        "message": "不是有效的数字，该行未采用",
        "severity": "error",
    } in doc["problems"]


def test_only_skipped_rows_is_clean(stats_xlsx: Path) -> None:
    # The 合计 row is listed but is not a data problem.
    result = runner.invoke(app, ["validate", "--stats", str(stats_xlsx)])
    assert result.exit_code == 0, result.output
    assert "合计行，已跳过" in result.output


def test_unreadable_file_exits_2_with_one_chinese_line(tmp_path: Path) -> None:
    fake = tmp_path / "x.xlsx"
    fake.write_text("not a zip")
    result = runner.invoke(app, ["validate", "--stats", str(fake)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"错误：文件 {fake} 不是有效的 xlsx 文件（可能已损坏、被加密或只是改了扩展名）"
    ]
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 2  # no inputs
    assert runner.invoke(app, ["validate", "--stats", str(tmp_path / "missing.xlsx")]).exit_code == 2
    assert runner.invoke(app, ["validate", "--bogus"]).exit_code == 2


def test_workspace_globs_may_not_escape(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "qkaward.toml").write_text('[inputs]\nstats = ["../../*.xlsx"]\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", "-w", str(ws)])
    assert result.exit_code == 2
    assert "指向工作目录之外" in result.stderr


def test_python_dash_m_runs_and_reports_errors_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "qkaward", "validate", "--stats", str(tmp_path / "none.csv")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "找不到输入文件" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_only_the_invoked_command_is_built_and_only_for_the_run() -> None:
    from qkaward import cli

    every, groups = list(app.registered_commands), list(app.registered_groups)
    for argv in (["--help"], [], ["ledger", "list"], ["policy", "show"], ["nosuch"], ["--quiet"]):
        with cli._only_the_invoked_command(argv):  # no single command named: everything kept
            assert (app.registered_commands, app.registered_groups) == (every, groups), argv
    names = {cli._command_name(c) for c in every}
    assert {"awards", "classify", "report", "validate", "targets", "whatif", "explain", "sample"} <= names
    with cli._only_the_invoked_command(["--quiet", "awards", "--year", "2020", "-w", "x"]):
        assert [cli._command_name(c) for c in app.registered_commands] == ["awards"]
        assert app.registered_groups == []
        result = runner.invoke(app, ["--quiet", "awards", "--help"])
        assert result.exit_code == 0 and "示例" in result.output
    assert (app.registered_commands, app.registered_groups) == (every, groups)  # a later run sees them all


def test_the_console_entry_keeps_every_command_for_help_and_runs_the_one_named(tmp_path: Path) -> None:
    def qkaward(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qkaward", *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp_path,
        )

    listed = qkaward("--help")
    assert listed.returncode == 0
    for name in ("awards", "classify", "validate", "report", "ledger", "policy"):
        assert name in listed.stdout
    shown = qkaward("--quiet", "policy", "show")
    assert shown.returncode == 0 and "500" in shown.stdout
    unknown = qkaward("nosuch")
    assert unknown.returncode == 2


ROOT = Path(__file__).resolve().parents[1]


def _entry(code: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``qkaward.cli.entry()`` in a child whose ``atexit`` hook says whether the interpreter's teardown ran;
    ``code`` runs first (the stdout of a test's choosing)."""
    probe = (
        "import atexit, sys; atexit.register(lambda: sys.stderr.write('TEARDOWN')); "
        f"{code}; sys.argv = ['qkaward', *sys.argv[1:]]; from qkaward.cli import entry; entry()"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_the_entry_point_skips_the_interpreter_teardown_and_keeps_the_exit_code(tmp_path: Path) -> None:
    from qkaward import __version__

    shown = _entry("pass", "--version", cwd=tmp_path)
    assert (shown.returncode, shown.stdout.strip()) == (0, f"qkaward {__version__}")
    assert "TEARDOWN" not in shown.stderr  # ended by os._exit after the flush
    missing = _entry("pass", "validate", "--stats", str(tmp_path / "none.csv"), cwd=tmp_path)
    assert missing.returncode == 2 and "找不到输入文件" in missing.stderr
    assert "TEARDOWN" not in missing.stderr


def test_the_entry_point_flushes_a_large_answer_on_stdout(tmp_path: Path) -> None:
    """Written to a pipe, the JSON is far beyond the stdout buffer: it arrives whole, then the run ends."""
    proc = _entry(
        "pass",
        "awards",
        "--year",
        "2020",
        "--format",
        "json",
        "--no-cache",
        "-w",
        str(ROOT / "sample_data"),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    answer = json.loads(proc.stdout)
    assert answer["items"] and len(proc.stdout) > 8192
    assert "TEARDOWN" not in proc.stderr


def test_when_stdout_cannot_be_flushed_python_ends_the_run_as_before(tmp_path: Path) -> None:
    """stdout on a full device: the flush fails; the exit (teardown and all) is Python's, which says so."""
    full = "sys.stdout = open('/dev/full', 'w', buffering=1 << 16)"
    proc = _entry(full, "--version", cwd=tmp_path)
    assert proc.returncode == 120  # Python's status when flushing stdout at exit fails
    assert "TEARDOWN" in proc.stderr


def test_the_console_script_and_python_dash_m_use_the_entry_point() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["qkaward"] == "qkaward.cli:entry"
    assert "entry()" in (ROOT / "qkaward" / "__main__.py").read_text(encoding="utf-8")


def test_version_needs_no_command() -> None:
    from qkaward import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"qkaward {__version__}"
