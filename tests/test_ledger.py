"""The award ledger (issue [3/6]): what is recorded, what never is twice, and the `ledger` commands."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from qkaward.cli_ledger import ledger_app
from qkaward.errors import ExitCode, InputError, UsageError
from qkaward.ledger import MIGRATIONS, SCHEMA_VERSION, CommitResult, Ledger, RunInfo, is_yearly, mask_subject
from qkaward.schema import AWARD_LINE

runner = CliRunner()

#: Valid GB 32100 codes (domain-notes §3d test vectors).
CODE_A = "91520000214434146R"
CODE_B = "914403001922038216"
CODE_C = "91310115591693856A"


def line(
    code: str = CODE_A,
    award: str = "ladder.first_reach.t3",
    year: int = 2019,
    amount: int = 1_000_000,
    status: str = "confirmed",
    subject: str = "",
    name: str = "武汉启明科技有限公司",
) -> dict[str, Any]:
    """One award line (SPEC §8)."""
    return {
        "credit_code": code,
        "name": name,
        "year": year,
        "award": award,
        "label": "",
        "amount_yuan": amount,
        "clause": "三(二)1",
        "department": "区发改局",
        "status": status,
        "reason": "营业收入 52亿 ≥ 50亿，区级财政贡献 900万 ≥ 800万",
        "subject": subject,
    }


def lines(*rows: dict[str, Any]) -> pl.DataFrame:
    """Award lines as a frame of the AWARD_LINE schema."""
    return pl.DataFrame(list(rows), schema=AWARD_LINE, orient="row")


def run_info(year: int | None = 2019, command: str = "qkaward awards --year 2019 --commit") -> RunInfo:
    """A run as `awards --commit` would describe it."""
    return RunInfo(
        command=command,
        policy_id="qiaokou-2019",
        policy_sha256="a" * 64,
        year=year,
        inputs=(("stats-2019.xlsx", "b" * 64), ("tax-2019.xlsx", "c" * 64)),
        version="0.1.0",
    )


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """Where the test's ledger lives (not yet created)."""
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def book(ledger_path: Path) -> Iterator[Ledger]:
    """A fresh, open ledger."""
    with Ledger.open(ledger_path) as opened:
        yield opened


YEAR_2019 = lines(
    line(CODE_A, "ladder.first_reach.t3", 2019, 1_000_000),
    line(CODE_A, "ladder.growth.t3", 2019, 500_000),
    line(CODE_B, "scale_entry", 2019, 50_000, status="needs_review"),
    line(CODE_C, "honor.little_giant", 2019, 20_000),
)


# --- commit ---------------------------------------------------------------------------------------


def test_commit_records_the_confirmed_lines_and_the_run(book: Ledger) -> None:
    result = book.commit(YEAR_2019, run_info())
    assert result == CommitResult(recorded=3, already_present=0, skipped_needs_review=1, run_id=1)
    listed = book.list()
    assert listed["award"].to_list() == ["ladder.first_reach.t3", "ladder.growth.t3", "honor.little_giant"]
    assert set(listed["status"]) == {"confirmed"}
    assert set(listed["source"]) == {"run"}
    run = book.runs().row(0, named=True)
    assert run["policy_id"] == "qiaokou-2019" and run["policy_sha256"] == "a" * 64 and run["year"] == 2019
    assert run["command"] == "qkaward awards --year 2019 --commit" and run["version"] == "0.1.0"
    assert json.loads(run["inputs"]) == [
        {"path": "stats-2019.xlsx", "sha256": "b" * 64},
        {"path": "tax-2019.xlsx", "sha256": "c" * 64},
    ]
    assert run["awards"] == 3


def test_committing_the_same_lines_again_records_nothing_new(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    before = book.list()
    again = book.commit(YEAR_2019, run_info())
    assert (again.recorded, again.already_present, again.skipped_needs_review) == (0, 3, 1)
    assert book.list().equals(before)


def test_needs_review_lines_are_not_committed(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    assert CODE_B not in book.list()["credit_code"].to_list()
    assert book.paid().filter(pl.col("credit_code") == CODE_B).is_empty()


def test_a_one_time_award_paid_in_2019_is_not_recorded_again_in_2020(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    year_2020 = lines(
        line(CODE_A, "ladder.first_reach.t3", 2020, 1_000_000),  # would be a second payment
        line(CODE_A, "ladder.growth.t3", 2020, 500_000),  # yearly: paid again
        line(CODE_A, "ladder.first_reach.t2", 2020, 4_000_000),  # upgrade: the difference
    )
    result = book.commit(year_2020, run_info(2020))
    assert (result.recorded, result.already_present, result.conflicting) == (2, 0, 1)
    first_reach = book.paid().filter(pl.col("award") == "ladder.first_reach.t3")
    assert first_reach["year"].to_list() == [2019]
    again = book.commit(year_2020, run_info(2020))
    assert (again.recorded, again.already_present, again.conflicting) == (0, 2, 1)


def test_subject_makes_per_carrier_and_per_person_awards_distinct(book: Ledger) -> None:
    talent = lines(
        line(CODE_A, "talent.project", 2019, 1_000_000, subject="4201**********1234"),
        line(CODE_A, "talent.project", 2019, 1_000_000, subject="4201**********5678"),
        line(CODE_A, "talent.project", 2020, 1_000_000, subject="4201**********1234"),
    )
    result = book.commit(talent, run_info())
    assert (result.recorded, result.conflicting) == (2, 1)


def test_malformed_lines_name_their_row_and_record_nothing(book: Ledger) -> None:
    bad = lines(line(), line(CODE_B, amount=-5))
    with pytest.raises(InputError, match="第 2 条记录"):
        book.commit(bad, run_info())
    assert book.list().is_empty() and book.runs().is_empty()


# --- confirm --------------------------------------------------------------------------------------


def test_confirm_records_a_needs_review_line_with_the_reason(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    result = book.confirm([(CODE_B, "新进规上限上企业奖励")], YEAR_2019, "经核实2018年不在库", run_info())
    assert (result.recorded, result.skipped_needs_review) == (1, 0)
    record = book.list(credit_code=CODE_B).row(0, named=True)
    assert record["award"] == "scale_entry" and record["status"] == "confirmed"
    assert record["source"] == "confirm" and "经核实2018年不在库" in record["reason"]
    assert book.runs()["kind"].to_list() == ["commit", "confirm"]
    again = book.confirm(
        pl.DataFrame({"credit_code": [CODE_B], "award": ["scale_entry"]}), YEAR_2019, "再次", run_info()
    )
    assert (again.recorded, again.already_present) == (0, 1)


def test_confirm_refuses_unknown_keys_and_blank_reasons(book: Ledger) -> None:
    with pytest.raises(InputError, match=CODE_A):
        book.confirm([(CODE_A, "ladder.first_reach.t3")], YEAR_2019, "原因", run_info())  # confirmed already
    with pytest.raises(UsageError, match="原因"):
        book.confirm([(CODE_B, "scale_entry")], YEAR_2019, "  ", run_info())
    assert book.list().is_empty()


# --- void -----------------------------------------------------------------------------------------


def test_void_keeps_the_record_and_allows_recording_again(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    book.void(1, "重复录入", actor="tester")
    assert 1 not in book.list()["id"].to_list()
    voided = book.list(include_void=True).filter(pl.col("id") == 1).row(0, named=True)
    assert voided["voided"] and voided["void_reason"] == "重复录入"
    shown = book.show(1)
    assert shown["void"]["actor"] == "tester" and shown["run"]["inputs"][0]["path"] == "stats-2019.xlsx"
    result = book.commit(YEAR_2019, run_info())
    assert (result.recorded, result.already_present) == (1, 2)
    assert book.list(include_void=True).height == 4


def test_paid_excludes_voided_awards_and_has_the_engine_schema(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    book.void(1, "撤销")
    paid = book.paid()
    assert paid.schema == pl.Schema(
        {
            "credit_code": pl.String(),
            "award": pl.String(),
            "year": pl.Int32(),
            "amount_yuan": pl.Int64(),
            "subject": pl.String(),
            "name": pl.String(),
        }
    )
    assert paid["award"].to_list() == ["ladder.growth.t3", "honor.little_giant"]


def test_void_refuses_unknown_or_already_voided_records(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    with pytest.raises(UsageError, match="99"):
        book.void(99, "无")
    book.void(1, "撤销")
    with pytest.raises(UsageError, match="已于"):
        book.void(1, "再撤销")
    with pytest.raises(UsageError):
        book.void(2, "")


# --- the database itself --------------------------------------------------------------------------


def _raw(path: Path) -> sqlite3.Connection:
    """A plain connection, bypassing the Ledger class."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def test_the_database_refuses_a_second_one_time_record(book: Ledger, ledger_path: Path) -> None:
    book.commit(YEAR_2019, run_info())
    conn = _raw(ledger_path)
    insert = (
        "INSERT INTO awards (run_id, credit_code, name, award, year, amount_yuan, status, source, created,"
        " one_time) VALUES (1, ?, 'x', ?, ?, 1, 'confirmed', 'run', 'now', ?)"
    )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(insert, (CODE_A, "ladder.first_reach.t3", 2021, 1))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(insert, (CODE_A, "ladder.growth.t3", 2019, 0))
    conn.execute(insert, (CODE_A, "ladder.growth.t3", 2020, 0))  # yearly: another year is fine
    conn.close()


def test_nothing_is_ever_deleted_or_edited(book: Ledger, ledger_path: Path) -> None:
    book.commit(YEAR_2019, run_info())
    conn = _raw(ledger_path)
    for sql in (
        "DELETE FROM awards WHERE id = 1",
        "UPDATE awards SET amount_yuan = 1 WHERE id = 1",
        "UPDATE awards SET active = 0 WHERE id = 1",  # only a void may do that
        "DELETE FROM runs",
    ):
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(sql)
    conn.close()
    book.void(1, "撤销")
    conn = _raw(ledger_path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("DELETE FROM voids")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE awards SET active = 1 WHERE id = 1")
    conn.close()


def test_wal_mode_foreign_keys_and_schema_version(book: Ledger, ledger_path: Path) -> None:
    conn = _raw(ledger_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute(
            "INSERT INTO awards (run_id, credit_code, name, award, year, amount_yuan, status, source,"
            " created) VALUES (42, 'x', 'x', 'scale_entry', 2019, 1, 'confirmed', 'run', 'now')"
        )
    conn.close()
    assert book._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ledger_files_are_owner_only(ledger_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with Ledger.open(ledger_path) as opened:
            opened.commit(YEAR_2019, run_info())
            wal, shm = Path(f"{ledger_path}-wal"), Path(f"{ledger_path}-shm")
            assert wal.exists() and shm.exists()
            assert (_mode(ledger_path), _mode(wal), _mode(shm)) == (0o600, 0o600, 0o600)
        assert _mode(Path(f"{ledger_path}.lock")) == 0o600
    finally:
        os.umask(old)


def _v1_ledger(path: Path) -> None:
    """A ledger as the first schema version wrote it, with one yearly award and one void."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO runs (time, version, command, policy_id, policy_sha256) VALUES ('t', '0', 'c', 'p', 's')"
    )
    for award in ("ladder.first_reach.t3", "ladder.growth.t3", "honor.little_giant"):
        conn.execute(
            "INSERT INTO awards (run_id, credit_code, name, award, year, amount_yuan, status, source,"
            " created) VALUES (1, ?, '甲', ?, 2019, 100, 'confirmed', 'run', 't')",
            (CODE_A, award),
        )
    conn.execute("INSERT INTO voids (award_row_id, reason, time) VALUES (3, '撤销', 't')")
    conn.close()


def test_an_old_schema_is_migrated_keeping_every_record(ledger_path: Path) -> None:
    _v1_ledger(ledger_path)
    with Ledger.open(ledger_path) as opened:
        assert opened._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert opened.list(include_void=True).height == 3
        assert opened.paid()["award"].to_list() == ["ladder.first_reach.t3", "ladder.growth.t3"]
        one_time = dict(opened._conn.execute("SELECT award, one_time FROM awards").fetchall())
        assert one_time == {"ladder.first_reach.t3": 1, "ladder.growth.t3": 0, "honor.little_giant": 1}
        result = opened.commit(lines(line(CODE_A, "ladder.first_reach.t3", 2019, 100)), run_info())
        assert result.already_present == 1


def test_a_newer_or_foreign_database_is_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    Ledger.open(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match="更新版本"):
        Ledger.open(newer)
    foreign = tmp_path / "foreign.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(InputError, match="不是 qkaward 账本"):
        Ledger.open(foreign)
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="不是 qkaward 账本"):
        Ledger.open(garbage)
    with pytest.raises(InputError, match="不存在"):
        Ledger.open(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


# --- import ---------------------------------------------------------------------------------------


def past(*rows: tuple[str, str, int | None, int | None, int]) -> pl.DataFrame:
    """Past-payment rows (credit_code, award, amount, year, src_row) as the reader gives them."""
    return pl.DataFrame(
        [
            {"credit_code": c, "name": "甲", "award": a, "amount_yuan": m, "year": y, "src_row": r}
            for c, a, m, y, r in rows
        ],
        schema={
            "credit_code": pl.String(),
            "name": pl.String(),
            "award": pl.String(),
            "amount_yuan": pl.Int64(),
            "year": pl.Int32(),
            "src_row": pl.Int64(),
        },
        orient="row",
    )


def test_import_accepts_ids_and_chinese_labels(book: Ledger) -> None:
    rows = past(
        (CODE_A, "五十亿级企业首次达到奖励", 1_000_000, 2019, 3),
        (CODE_A, "ladder.growth.t3", 500_000, 2019, 4),
        (CODE_B, "科技小巨人", 20_000, 2019, 5),
    )
    result = book.import_rows(rows, run_info(None, "qkaward ledger import 2019.xlsx"))
    assert (result.recorded, result.already_present) == (3, 0)
    assert book.list()["award"].to_list() == [
        "ladder.first_reach.t3",
        "ladder.growth.t3",
        "honor.little_giant",
    ]
    assert set(book.list()["source"]) == {"import"}
    again = book.import_rows(rows, run_info(None))
    assert (again.recorded, again.already_present) == (0, 3)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((CODE_B, "不存在的奖励", 20_000, 2019, 7), "第 7 行：未知的奖励项目"),
        ((CODE_B, "scale_entry", -1, 2019, 7), "第 7 行：金额 -1 为负数"),
        ((CODE_B, "scale_entry", None, 2019, 7), "第 7 行：金额"),
        ((CODE_B, "scale_entry", 50_000, None, 7), "第 7 行：奖励年度"),
        ((CODE_A, "ladder.first_reach.t3", 1_000_000, 2020, 7), "第 7 行：与第 3 行重复"),
    ],
)
def test_import_with_a_bad_row_imports_nothing_and_names_the_row(
    book: Ledger, bad: tuple[str, str, int | None, int | None, int], message: str
) -> None:
    rows = past((CODE_A, "ladder.first_reach.t3", 1_000_000, 2019, 3), bad)
    with pytest.raises(InputError, match=message):
        book.import_rows(rows, run_info(None))
    assert book.list().is_empty() and book.runs().is_empty()


def test_import_conflicting_with_the_ledger_imports_nothing(book: Ledger) -> None:
    book.commit(YEAR_2019, run_info())
    rows = past((CODE_C, "scale_entry", 50_000, 2018, 3), (CODE_A, "ladder.first_reach.t3", 800_000, 2019, 4))
    with pytest.raises(InputError, match=r"第 4 行.*已记录于账本第 1 条"):
        book.import_rows(rows, run_info(None))
    assert book.list().height == 3 and book.runs().height == 1


# --- export ---------------------------------------------------------------------------------------


def test_export_is_readable_by_openpyxl_masks_ids_and_keeps_formulas_as_text(
    book: Ledger, tmp_path: Path
) -> None:
    book.commit(YEAR_2019, run_info())
    person = lines(
        line(CODE_A, "talent.project", 2019, 1_000_000, subject="420102199001011234", name='=HYPERLINK("x")')
    )
    book.commit(person, run_info())
    book.void(1, "撤销")
    out = tmp_path / "out" / "台账.xlsx"
    book.export_xlsx(out)
    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames == ["奖励记录", "运行记录"]
    rows = list(workbook["奖励记录"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("编号", "统一社会信用代码", "企业名称") and "金额（元）" in header
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_id[1]["是否作废"] == "是" and by_id[1]["作废原因"] == "撤销"
    assert by_id[4]["奖励对象"] == "4201**********1234"
    assert by_id[4]["企业名称"] == '=HYPERLINK("x")'
    assert workbook["奖励记录"].cell(row=5, column=3).data_type == "s"
    assert len(list(workbook["运行记录"].iter_rows())) == 3
    assert [p.name for p in out.parent.iterdir()] == ["台账.xlsx"]  # no temp file left


def test_mask_and_yearly_helpers() -> None:
    assert mask_subject("42010219900101123X") == "4201**********123X"
    assert mask_subject("某孵化器") == "某孵化器"
    assert is_yearly("ladder.growth.t1") and is_yearly("incubator.hightech")
    assert not is_yearly("incubator.scale") and not is_yearly("some.future.award")


# --- the `ledger` commands ------------------------------------------------------------------------

COMMANDS = ["list", "show", "runs", "import", "confirm", "void", "export"]


@pytest.mark.parametrize("name", COMMANDS)
def test_every_ledger_command_has_help_with_an_example(name: str) -> None:
    result = runner.invoke(ledger_app, [name, "--help"])
    assert result.exit_code == 0
    assert "例：" in result.output and "--ledger" in result.output


def _invoke(*args: str, ledger: Path | None = None) -> Any:
    env = {"QKAWARD_LEDGER": str(ledger)} if ledger else {}
    return runner.invoke(ledger_app, list(args), env=env)


def test_a_ledger_must_be_given(tmp_path: Path) -> None:
    result = runner.invoke(ledger_app, ["list"], env={"QKAWARD_LEDGER": ""})
    assert result.exit_code == ExitCode.USAGE and "--ledger" in result.output
    result = _invoke("list", "--ledger", str(tmp_path / "none.sqlite"))
    assert result.exit_code == ExitCode.USAGE and "不存在" in result.output


def _awards_json(path: Path, *rows: dict[str, Any]) -> Path:
    """The JSON output of `qkaward awards --format json`."""
    envelope = {"schema": "qkaward.awards/1", "year": 2019, "policy": "qiaokou-2019", "items": list(rows)}
    path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_confirm_list_show_void_export(tmp_path: Path, ledger_path: Path) -> None:
    awards = _awards_json(tmp_path / "awards.json", *YEAR_2019.to_dicts())
    result = _invoke(
        "confirm", "--lines", str(awards), "--code", CODE_B, "--award", "scale_entry", "--reason", "核实",
        ledger=ledger_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "新记录 1 条" in result.output
    listed = _invoke("list", "--format", "json", ledger=ledger_path)
    payload = json.loads(listed.stdout)
    assert payload["schema"] == "qkaward.ledger/1"
    assert [i["credit_code"] for i in payload["items"]] == [CODE_B]
    assert _invoke("show", "1", ledger=ledger_path).exit_code == 0
    assert _invoke("void", "1", "--reason", "错误", ledger=ledger_path).exit_code == 0
    again = _invoke("void", "1", "--reason", "错误", ledger=ledger_path)
    assert again.exit_code == ExitCode.USAGE and "已于" in again.output
    assert _invoke("show", "7", ledger=ledger_path).exit_code == ExitCode.USAGE
    assert _invoke("export", "-o", str(tmp_path / "x.csv"), ledger=ledger_path).exit_code == ExitCode.USAGE
    assert _invoke("export", "-o", str(tmp_path / "x.xlsx"), ledger=ledger_path).exit_code == 0
    assert openpyxl.load_workbook(tmp_path / "x.xlsx")["奖励记录"].max_row == 2


def test_cli_confirm_from_a_reviewed_list(tmp_path: Path, ledger_path: Path) -> None:
    awards = _awards_json(tmp_path / "awards.json", *YEAR_2019.to_dicts())
    reviewed = tmp_path / "reviewed.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["待复核清单"],
        ["统一社会信用代码", "企业名称", "奖励名称"],
        [CODE_B, "乙", "新进规上限上企业奖励"],
    ):
        sheet.append(row)
    workbook.save(reviewed)
    args = ["confirm", "--lines", str(awards), "--from-file", str(reviewed), "--reason", "已复核"]
    result = _invoke(*args, ledger=ledger_path)
    assert result.exit_code == 0, result.output
    with Ledger.open(ledger_path) as opened:
        assert opened.list()["award"].to_list() == ["scale_entry"]
    unpaired = _invoke(
        "confirm", "--lines", str(awards), "--code", CODE_B, "--reason", "x", ledger=ledger_path
    )
    assert unpaired.exit_code == ExitCode.USAGE
    not_json = _invoke("confirm", "--lines", str(reviewed), "--code", CODE_B, "--award", "scale_entry",
                       "--reason", "x", ledger=ledger_path)  # fmt: skip
    assert not_json.exit_code == ExitCode.USAGE


def _past_payments_xlsx(path: Path, award_of_second_row: str) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2019年已兑现奖励"])
    sheet.append(["统一社会信用代码", "企业名称", "奖励项目", "奖励金额（万元）", "兑现年度"])
    sheet.append([CODE_A, "甲公司", "五十亿级企业首次达到奖励", 100, 2019])
    sheet.append([CODE_B, "乙公司", award_of_second_row, 5, 2019])
    workbook.save(path)
    return path


def test_cli_import_with_a_bad_row_imports_nothing_and_names_the_row(
    tmp_path: Path, ledger_path: Path
) -> None:
    bad = _past_payments_xlsx(tmp_path / "bad.xlsx", "不存在的奖励")
    result = _invoke("import", str(bad), ledger=ledger_path)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "第 4 行" in result.output and "未导入任何记录" in result.output
    good = _past_payments_xlsx(tmp_path / "good.xlsx", "新进规上限上企业奖励")
    result = _invoke("import", str(good), ledger=ledger_path)
    assert result.exit_code == 0, result.output
    with Ledger.open(ledger_path) as opened:
        paid = opened.paid()
        assert paid["amount_yuan"].to_list() == [1_000_000, 50_000]
        assert json.loads(opened.runs()["inputs"][0])[0]["path"] == str(good)
