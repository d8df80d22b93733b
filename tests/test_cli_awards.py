"""The computing commands end to end on the bundled sample district: awards, classify, explain,
targets, policy, the ledger round trip, report and whatif (SPEC §9)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from conftest import VALID
from typer.testing import CliRunner

from qkaward.cli import app

UPGRADE = "91420104734885442U"  # 五十亿级 in 2019, 百亿级 in 2020 (sample_data/README.md)
runner = CliRunner()


def _json(args: list[str]) -> dict:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_awards_json_envelope_and_totals_add_up(ws: Path) -> None:
    doc = _json(["awards", "--year", "2020", "-w", str(ws), "--format", "json"])
    assert (doc["schema"], doc["year"], doc["policy"]) == ("qkaward.awards/1", 2020, "qiaokou-2019")
    items = doc["items"]
    assert items and all(
        set(i)
        >= {
            "credit_code",
            "name",
            "award",
            "label",
            "amount_yuan",
            "clause",
            "department",
            "status",
            "reason",
        }
        for i in items
    )
    assert {i["status"] for i in items} <= {"confirmed", "needs_review"}
    assert doc["totals"]["amount_yuan"] == sum(i["amount_yuan"] for i in items)
    assert sum(d["amount_yuan"] for d in doc["totals"]["by_department"]) == doc["totals"]["amount_yuan"]
    assert any(p["message"] == "不是有效的数字，该行未采用" for p in doc["problems"])


def test_classify_json_and_csv(ws: Path) -> None:
    doc = _json(["classify", "--year", "2020", "-w", str(ws), "--format", "json"])
    row = next(i for i in doc["items"] if i["credit_code"] == UPGRADE)
    assert (row["tier"], row["group"]) == ("t2", "other")
    assert set(row) >= {
        "credit_code",
        "name",
        "industry_code",
        "group",
        "revenue_yuan",
        "fiscal_yuan",
        "tier",
        "pools",
    }
    csv_out = runner.invoke(app, ["classify", "--year", "2020", "-w", str(ws), "--format", "csv"]).stdout
    assert csv_out.startswith("\ufeff统一社会信用代码,企业名称")


def test_year_outside_the_policy_period_is_exit_2(ws: Path) -> None:
    result = runner.invoke(app, ["awards", "--year", "2023", "-w", str(ws)])
    assert result.exit_code == 2
    assert "年度2023不在政策期限2019—2021年内" in result.stderr


def test_explain_states_the_deciding_figures_and_clauses(ws: Path) -> None:
    result = runner.invoke(app, ["explain", UPGRADE.lower(), "--year", "2020", "-w", str(ws)])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "百亿级首次达到奖励（三(二)1）" in text
    assert "51亿元≥50亿元" in text.replace("\n", "")  # the figure and the threshold that decided it
    assert "不奖励" in text  # the refused rules are explained too


def test_ledger_round_trip_commit_2019_then_2020_pays_the_difference(ws: Path) -> None:
    first = runner.invoke(app, ["awards", "--year", "2019", "-w", str(ws), "--commit", "--format", "json"])
    assert first.exit_code == 0, first.output
    assert "新记录" in first.stderr
    again = runner.invoke(app, ["awards", "--year", "2019", "-w", str(ws), "--commit", "--format", "json"])
    assert "没有新的奖励需要记录" in again.stderr
    doc = _json(["awards", "--year", "2020", "-w", str(ws), "--format", "json"])
    t2 = next(
        i for i in doc["items"] if i["credit_code"] == UPGRADE and i["award"] == "ladder.first_reach.t2"
    )
    assert (t2["amount_yuan"], t2["status"]) == (4_000_000, "confirmed")  # 500万 − 100万 paid in 2019
    paid_2019 = {
        (i["credit_code"], i["award"])
        for i in json.loads(first.stdout)["items"]
        if i["status"] == "confirmed" and not i["award"].startswith(("ladder.growth", "incubator.hightech"))
    }
    offered_2020 = {(i["credit_code"], i["award"]) for i in doc["items"]}
    assert not paid_2019 & offered_2020  # no one-time award paid in 2019 is offered again


def test_whatif_full_upgrade_shows_the_difference_per_enterprise(ws: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["awards", "--year", "2019", "-w", str(ws), "--commit"])
    out = tmp_path / "whatif.xlsx"
    result = runner.invoke(
        app, ["whatif", "--year", "2020", "-w", str(ws), "--set", "ladder.upgrade=full", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "差额 +100 万元" in result.stdout
    assert UPGRADE in result.stdout
    assert out.exists()


def test_report_workbook_and_split_by_department(ws: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.xlsx"
    assert runner.invoke(app, ["report", "--year", "2020", "-w", str(ws), "-o", str(report)]).exit_code == 0
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == [
        "汇总",
        "梯队",
        "培育库",
        "奖励清单",
        "待核实",
        "公示名单",
        "目标进度",
        "数据问题",
        "计算依据",
    ]
    parts = tmp_path / "parts"
    assert (
        runner.invoke(
            app, ["report", "--year", "2020", "-w", str(ws), "--split-by", "department", "-o", str(parts)]
        ).exit_code
        == 0
    )
    assert len(list(parts.glob("*.xlsx"))) == 5


def test_targets_json_says_when_nothing_measures_a_target(ws: Path) -> None:
    doc = _json(["targets", "--year", "2020", "-w", str(ws), "--format", "json"])
    assert {"id", "label", "goal", "actual", "gap"} <= set(doc["items"][0])
    only_stats = _json(
        ["targets", "--year", "2020", "--stats", str(ws / "stats_2020.xlsx"), "--format", "json"]
    )
    unmeasured = [t for t in only_stats["items"] if t["actual"] is None]
    assert unmeasured and all(t["gap"] is None and t["note"].startswith("未提供") for t in unmeasured)
    table = runner.invoke(app, ["targets", "--year", "2020", "--stats", str(ws / "stats_2020.xlsx")]).stdout
    assert table.count("无数据") >= len(unmeasured)


def test_policy_show_and_check(tmp_path: Path) -> None:
    shown = runner.invoke(app, ["policy", "show", "--set", "ladder.upgrade=full"])
    assert shown.exit_code == 0 and "upgrade = full" in shown.stdout
    bad = tmp_path / "bad.toml"
    src = (Path(__file__).resolve().parent.parent / "config/policy/qiaokou-2019.toml").read_text(
        encoding="utf-8"
    )
    bad.write_text(src + "\n[bogus]\nx = 1\n", encoding="utf-8")
    result = runner.invoke(app, ["policy", "check", str(bad)])
    assert result.exit_code == 2
    assert "bogus" in result.stderr


def test_hostile_name_stays_text_in_csv(make_csv) -> None:
    hostile = '=HYPERLINK("http://x","点击")'
    quoted = hostile.replace('"', '""')
    stats = make_csv(
        "stats_2020.csv",
        f'统一社会信用代码,企业名称,行业代码,营业收入(亿元)\n{VALID[0]},"{quoted}",3011,60\n',
    )
    tax = make_csv("tax_2020.csv", f'纳税人识别号,纳税人名称,区级财政贡献(万元)\n{VALID[0]},"{quoted}",900\n')
    result = runner.invoke(
        app, ["awards", "--year", "2020", "--stats", str(stats), "--tax", str(tax), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert f'"\'{quoted}"' in result.stdout  # a leading apostrophe: Excel shows it as text


def _csv_by_python(frame, headers) -> str:
    """CSV as csv.writer writes escape_cell's texts, row by row: what to_csv must give."""
    import csv
    import io

    from qkaward.render.machine import escape_cell

    cols = [c for c in headers if c in frame.columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_cell(headers[c]) for c in cols])
    for row in frame.select(cols).iter_rows():
        writer.writerow([escape_cell(v) for v in row])
    return "\ufeff" + out.getvalue()


def test_csv_written_by_polars_is_what_csv_writer_writes() -> None:
    """to_csv formats and quotes with Polars: for every column type it handles, random text with
    separators, quotes, line breaks, formula characters, blanks and nulls comes out byte for byte as
    csv.writer writes it; other types (floats) and single columns go through csv.writer."""
    import random
    from datetime import date

    import polars as pl

    from qkaward.render.machine import to_csv

    rng = random.Random(4180)
    alphabet = [",", '"', "\r", "\n", " ", "a", "中", "=", "+", "-", "@", "\t", "'", "1", "、"]

    def text() -> str | None:
        return None if rng.random() < 0.1 else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))

    n = 3000
    frame = pl.DataFrame(
        {
            "code": [text() for _ in range(n)],
            "amount": [rng.choice([None, -5, 0, 12_345_678_901]) for _ in range(n)],
            "flag": [rng.choice([None, True, False]) for _ in range(n)],
            "pools": [
                rng.choice([None, [], ["四上"], ["瞪羚", None], [text() or "=x", "独角兽"]]) for _ in range(n)
            ],
            "day": [rng.choice([None, date(2020, 6, 18)]) for _ in range(n)],
        },
        schema={
            "code": pl.String,
            "amount": pl.Int64,
            "flag": pl.Boolean,
            "pools": pl.List(pl.String),
            "day": pl.Date,
        },
    )
    headers = {
        "code": "代码",
        "amount": "金额",
        "flag": "是否",
        "pools": "入库",
        "day": "=日期",
        "absent": "无",
    }
    got = to_csv(frame, headers)
    assert got == _csv_by_python(frame, headers)
    assert (
        "'=" in got and '""' in got and "None" in got
    )  # escaped formulas, doubled quotes, a missing element
    with_float = frame.with_columns(ratio=pl.Series([rng.random() for _ in range(n)]))
    assert to_csv(with_float, {**headers, "ratio": "比"}) == _csv_by_python(
        with_float, {**headers, "ratio": "比"}
    )
    one = pl.DataFrame({"code": ["", None, "=1"]})
    assert to_csv(one, {"code": "代码"}) == _csv_by_python(one, {"code": "代码"})
