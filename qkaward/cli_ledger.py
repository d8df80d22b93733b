"""``qkaward ledger …``: the award ledger's sub-commands (issue [3/6]).

Glue only: parse options, open :class:`qkaward.ledger.Ledger`, call one method, render the result.
Mount with ``app.add_typer(ledger_app, name="ledger")``. Errors are one Chinese line on stderr and the
exit code of SPEC §9 (2 usage or unreadable input, 3 lock or write failure).
"""

# No deferred annotations (see cli.py): Typer resolves the commands' signatures at every start.
import contextlib
import hashlib
import json
import shlex
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qkaward import __version__
from qkaward.errors import InputError, QkawardError, UsageError
from qkaward.render.consoles import LazyConsole

if TYPE_CHECKING:  # Polars and the ledger load only when a ledger command runs (start-up of the others)
    import polars as pl
    from rich.table import Table

    from qkaward.ledger import CommitResult, Ledger, RunInfo

ledger_app = typer.Typer(
    name="ledger",
    help="奖励台账：查看、导入、确认、作废、导出已兑现的奖励记录。\n\n"
    "示例：qkaward ledger list --ledger sample_data/ledger.sqlite",
    no_args_is_help=True,
    add_completion=False,
)

_out = LazyConsole(soft_wrap=True)
_err = LazyConsole(stderr=True, soft_wrap=True, highlight=False)

#: The JSON envelope's schema ids.
SCHEMA_LIST = "qkaward.ledger/1"
SCHEMA_RECORD = "qkaward.ledger.record/1"
SCHEMA_RUNS = "qkaward.ledger.runs/1"
AWARDS_SCHEMA_PREFIX = "qkaward.awards/"

#: Header aliases for `confirm --from-file` (besides those of config/columns.toml).
_CODE_HEADERS = ("credit_code", "统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "纳税人识别号")
_AWARD_HEADERS = ("award", "奖励项目", "奖励编号", "奖励类型", "奖项", "奖励名称", "label")


class ListFormat(str, Enum):
    """Output formats of the read commands."""

    table = "table"
    json = "json"
    csv = "csv"


class ShowFormat(str, Enum):
    """Output formats of `show`."""

    table = "table"
    json = "json"


LedgerOption = Annotated[
    Path | None,
    typer.Option(
        "--ledger",
        envvar="QKAWARD_LEDGER",
        help="账本文件（SQLite）；也可用环境变量 QKAWARD_LEDGER 指定",
        show_default=False,
        dir_okay=False,
    ),
]
ReasonOption = Annotated[str, typer.Option("--reason", help="原因（必填，记入账本）", show_default=False)]
LockTimeoutOption = Annotated[
    float, typer.Option("--lock-timeout", help="等待账本锁的秒数，超时以退出码 3 结束", min=0.0)
]


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _handled() -> Iterator[None]:
    """Turn a library error into one stderr line and its exit code."""
    try:
        yield
    except QkawardError as err:
        _err.print(f"错误：{err.message}", markup=False)
        raise typer.Exit(int(err.exit_code)) from None


def _ledger_path(ledger: Path | None) -> Path:
    """The ledger file, or a usage error when none was given."""
    if ledger is None:
        raise UsageError("未指定账本文件：请用 --ledger FILE 或环境变量 QKAWARD_LEDGER")
    return ledger


def _open(ledger: Path | None, *, create: bool, lock_timeout: float = 10.0) -> "Ledger":
    """Open the ledger given by ``--ledger``."""
    from qkaward.ledger import Ledger

    return Ledger.open(_ledger_path(ledger), create=create, lock_timeout=lock_timeout)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, hex."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise InputError(f"无法读取 {path}：{err.strerror or err}") from err
    return digest.hexdigest()


def run_info(
    inputs: tuple[Path, ...] = (),
    *,
    policy_id: str = "",
    policy_sha256: str = "",
    year: int | None = None,
) -> "RunInfo":
    """A :class:`RunInfo` for this process: its command line, the inputs' SHA-256 and the version."""
    from qkaward.ledger import RunInfo

    return RunInfo(
        command=_command_line(),
        policy_id=policy_id,
        policy_sha256=policy_sha256,
        year=year,
        inputs=tuple((str(p), sha256_file(p)) for p in inputs),
        version=__version__,
    )


def _command_line() -> str:
    """This process's command line, shell-quoted, as the ledger records it."""
    return shlex.join(["qkaward", *sys.argv[1:]])


def commit_summary(result: "CommitResult") -> str:
    """One Chinese line describing a write's counts (also for `awards --commit`)."""
    parts = [f"新记录 {result.recorded} 条"]
    if result.already_present:
        parts.append(f"{result.already_present} 条已在账本中，未重复记录")
    if result.conflicting:
        parts.append(f"{result.conflicting} 条的奖励已于其他年度或以其他金额兑现，未记录")
    if result.skipped_needs_review:
        parts.append(f"{result.skipped_needs_review} 条待复核，未记录（确认后用 ledger confirm 记入）")
    if result.recorded == 0 and result.run_id is not None:
        parts.insert(0, "没有新的奖励需要记录")
    return "；".join(parts) + "。"


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record for output: subjects that look like ID numbers masked."""
    from qkaward.ledger import mask_subject

    shown = dict(record)
    if "subject" in shown:
        shown["subject"] = mask_subject(shown["subject"])
    return shown


def _emit_json(payload: dict[str, Any]) -> None:
    """Write one JSON object to stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")


_STATUS = {True: "已作废", False: "有效"}
_AWARD_COLUMNS = (
    "编号", "统一社会信用代码", "企业名称", "奖励", "年度", "金额（元）", "对象", "来源", "状态",
)  # fmt: skip
_SOURCE = {"run": "测算提交", "import": "历史导入", "confirm": "人工确认"}


def _awards_table(frame: "pl.DataFrame") -> "Table":
    """The award records as a terminal table."""
    from rich.table import Table

    from qkaward.ledger import mask_subject

    table = Table(show_lines=False)
    for header in _AWARD_COLUMNS:
        table.add_column(header, justify="right" if header in ("编号", "年度", "金额（元）") else "left")
    for rec in frame.iter_rows(named=True):
        table.add_row(
            str(rec["id"]),
            rec["credit_code"],
            rec["name"],
            rec["label"] or rec["award"],
            str(rec["year"]),
            f"{rec['amount_yuan']:,}",
            mask_subject(rec["subject"]),
            _SOURCE.get(rec["source"], rec["source"]),
            _STATUS[bool(rec["voided"])],
        )
    return table


# --------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------


@ledger_app.command("list")
def list_cmd(
    ledger: LedgerOption = None,
    year: Annotated[int | None, typer.Option("--year", help="只列出该奖励年度")] = None,
    code: Annotated[str | None, typer.Option("--code", help="只列出该统一社会信用代码")] = None,
    include_void: Annotated[bool, typer.Option("--all", help="包括已作废的记录")] = False,
    fmt: Annotated[ListFormat, typer.Option("--format", help="输出格式")] = ListFormat.table,
) -> None:
    """列出账本中的奖励记录。

    示例：qkaward ledger list --ledger 账本.db --year 2019
    """
    import polars as pl

    from qkaward.ledger import mask_subject

    with _handled(), _open(ledger, create=False) as book:
        frame = book.list(year=year, credit_code=code, include_void=include_void)
    frame = frame.with_columns(pl.col("subject").map_elements(mask_subject, return_dtype=pl.String))
    if fmt is ListFormat.json:
        _emit_json({"schema": SCHEMA_LIST, "year": year, "items": frame.to_dicts()})
    elif fmt is ListFormat.csv:
        sys.stdout.write(frame.write_csv())
    elif frame.is_empty():
        _err.print("账本中没有符合条件的记录。", markup=False)
    else:
        _out.print(_awards_table(frame))
        total = int(frame.filter(~pl.col("voided"))["amount_yuan"].sum())
        _err.print(f"共 {frame.height} 条，有效金额合计 {total:,} 元。", markup=False)


@ledger_app.command("show")
def show_cmd(
    row_id: Annotated[int, typer.Argument(help="记录编号（见 ledger list 的“编号”列）", show_default=False)],
    ledger: LedgerOption = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", help="输出格式")] = ShowFormat.table,
) -> None:
    """显示一条奖励记录及其来源运行、作废情况。

    示例：qkaward ledger show 12 --ledger 账本.db
    """
    with _handled(), _open(ledger, create=False) as book:
        record = _plain(book.show(row_id))
    if fmt is ShowFormat.json:
        _emit_json({"schema": SCHEMA_RECORD, "item": record})
        return
    from rich.table import Table

    table = Table(show_header=False)
    table.add_column("项目")
    table.add_column("内容")
    labels = {
        "id": "编号", "credit_code": "统一社会信用代码", "name": "企业名称", "award": "奖励项目",
        "label": "奖励名称", "year": "奖励年度", "amount_yuan": "金额（元）", "clause": "政策条款",
        "department": "责任单位", "reason": "说明", "subject": "奖励对象", "source": "来源",
        "created": "记录时间",
    }  # fmt: skip
    for key, label in labels.items():
        value = record[key]
        if key == "amount_yuan":
            value = f"{value:,}"
        elif key == "source":
            value = _SOURCE.get(value, value)
        table.add_row(label, str(value))
    run = record["run"] or {}
    table.add_row("运行", f"第 {run.get('id')} 次（{run.get('time')}，qkaward {run.get('version')}）")
    table.add_row("命令行", str(run.get("command", "")))
    table.add_row("政策", f"{run.get('policy_id')} sha256:{run.get('policy_sha256')}")
    for item in run.get("inputs", []):
        table.add_row("输入文件", f"{item['path']} sha256:{item['sha256']}")
    void = record["void"]
    table.add_row("状态", f"已作废（{void['time']}，{void['actor']}）：{void['reason']}" if void else "有效")
    _out.print(table)


@ledger_app.command("runs")
def runs_cmd(
    ledger: LedgerOption = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="输出格式")] = ListFormat.table,
) -> None:
    """列出写入过账本的每次运行（时间、版本、政策、输入文件）。

    示例：qkaward ledger runs --ledger 账本.db
    """
    with _handled(), _open(ledger, create=False) as book:
        frame = book.runs()
    if fmt is ListFormat.json:
        items = [{**r, "inputs": json.loads(r["inputs"])} for r in frame.to_dicts()]
        _emit_json({"schema": SCHEMA_RUNS, "items": items})
        return
    if fmt is ListFormat.csv:
        sys.stdout.write(frame.write_csv())
        return
    from rich.table import Table

    table = Table()
    for header in ("编号", "时间", "类型", "版本", "政策", "年度", "记录条数", "命令行"):
        table.add_column(header)
    for r in frame.iter_rows(named=True):
        table.add_row(
            str(r["id"]), r["time"], r["kind"], r["version"], r["policy_id"],
            "" if r["year"] is None else str(r["year"]), str(r["awards"]), r["command"],
        )  # fmt: skip
    _out.print(table)


@ledger_app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="历史兑现记录（xlsx/xls/csv）", show_default=False)],
    ledger: LedgerOption = None,
    lock_timeout: LockTimeoutOption = 10.0,
) -> None:
    """导入区里已有的历史兑现记录（有任何一行出错则全部不导入，并指出行号）。

    示例：qkaward ledger import 2019年已兑现奖励.xlsx --ledger 账本.db
    """
    from qkaward.ledger import Ledger, RunInfo

    with _handled():
        path = _ledger_path(ledger)
        frame, digest = _read_past_payments(file)
        run = RunInfo(
            command=_command_line(), policy_id="", policy_sha256="", year=None,
            inputs=((str(file), digest),), version=__version__,
        )  # fmt: skip
        with Ledger.open(path, lock_timeout=lock_timeout) as book:
            result = book.import_rows(frame, run)
    _err.print(f"导入完成：{commit_summary(result)}", markup=False)


@ledger_app.command("confirm")
def confirm_cmd(
    reason: ReasonOption,
    lines: Annotated[
        Path,
        typer.Option("--lines", help="该次测算的奖励明细（awards --format json 的输出）", show_default=False),
    ],
    codes: Annotated[
        list[str] | None, typer.Option("--code", help="待确认企业的信用代码（可重复，与 --award 成对）")
    ] = None,
    awards: Annotated[
        list[str] | None, typer.Option("--award", help="待确认的奖励项目编号或名称（可重复，与 --code 成对）")
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--from-file", help="复核后的清单（xlsx/csv，含信用代码与奖励项目两列）")
    ] = None,
    ledger: LedgerOption = None,
    lock_timeout: LockTimeoutOption = 10.0,
) -> None:
    """确认待复核（needs_review）的奖励并记入账本，须说明原因。

    示例：qkaward ledger confirm --lines 2020奖励.json --code 91420104MA4KXXXX0X --award ladder.first_reach.t2
    --reason "经核实2019年已兑现五十亿级奖励100万元" --ledger 账本.db
    """
    from qkaward.ledger import Ledger

    with _handled():
        path = _ledger_path(ledger)
        keys = _confirm_pairs(codes or [], awards or [], from_file)
        envelope, frame = _read_award_lines(lines)
        inputs = (lines,) if from_file is None else (lines, from_file)
        run = run_info(
            inputs,
            policy_id=str(envelope.get("policy") or ""),
            policy_sha256=str(envelope.get("policy_sha256") or ""),
            year=envelope.get("year") if isinstance(envelope.get("year"), int) else None,
        )
        with Ledger.open(path, lock_timeout=lock_timeout) as book:
            result = book.confirm(keys, frame, reason, run)
    _err.print(f"确认完成：{commit_summary(result)}", markup=False)


@ledger_app.command("void")
def void_cmd(
    row_id: Annotated[int, typer.Argument(help="要作废的记录编号", show_default=False)],
    reason: ReasonOption,
    ledger: LedgerOption = None,
    lock_timeout: LockTimeoutOption = 10.0,
) -> None:
    """作废一条奖励记录（记录保留，作废本身另记一条）。

    示例：qkaward ledger void 12 --reason "重复录入" --ledger 账本.db
    """
    with _handled(), _open(ledger, create=False, lock_timeout=lock_timeout) as book:
        book.void(row_id, reason)
    _err.print(f"已作废第 {row_id} 条记录。", markup=False)


@ledger_app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出的 Excel 文件", show_default=False)],
    ledger: LedgerOption = None,
) -> None:
    """把整个账本（含已作废记录与运行记录）导出为 Excel。

    示例：qkaward ledger export -o 奖励台账.xlsx --ledger 账本.db
    """
    with _handled():
        if output.suffix.lower() != ".xlsx":
            raise UsageError(f"导出文件须为 .xlsx：{output}")
        with _open(ledger, create=False) as book:
            book.export_xlsx(output)
    _err.print(f"已导出到 {output}。", markup=False)


# --------------------------------------------------------------------------------------------------
# Reading the command inputs
# --------------------------------------------------------------------------------------------------


def _read_past_payments(file: Path) -> "tuple[pl.DataFrame, str]":
    """Read a past-payments file through the shared input reader: the rows and the file's SHA-256.

    Any problem of severity ``error`` aborts the import (nothing is imported), naming its rows.
    """
    try:
        from qkaward.inputs import read_role_file
    except ImportError as err:
        raise InputError("读取历史兑现记录的功能尚不可用（qkaward.inputs.read_role_file 缺失）") from err
    read = read_role_file(file, role="ledger")
    if isinstance(read, tuple):  # (frame, problems)
        frame, problems = read
        digest = sha256_file(file)
    else:  # RoleRead
        frame, problems, digest = read.frame, read.problems, read.file.sha256
    _raise_on_errors(file, problems)
    if "amount" in frame.columns and "amount_yuan" not in frame.columns:
        frame = frame.rename({"amount": "amount_yuan"})
    return frame, digest


def _raise_on_errors(file: Path, problems: "pl.DataFrame") -> None:
    """Raise :class:`InputError` naming the rows of every error-level problem, if any."""
    import polars as pl

    errors = problems.filter(pl.col("severity") == "error") if "severity" in problems.columns else problems
    if errors.is_empty():
        return
    shown = "；".join(
        (f"第 {p['row']} 行" if p.get("row") is not None else (p.get("sheet") or str(file)))
        + (f"“{p['column']}”" if p.get("column") else "")
        + f"：{p['message']}"
        for p in errors.head(10).iter_rows(named=True)
    )
    more = f"；另有 {errors.height - 10} 处" if errors.height > 10 else ""
    raise InputError(f"{file} 有 {errors.height} 处错误，未导入任何记录：{shown}{more}")


def _read_award_lines(path: Path) -> "tuple[dict[str, Any], pl.DataFrame]":
    """The envelope and award lines of ``qkaward awards --format json`` output."""
    import polars as pl

    from qkaward.schema import AWARD_LINE

    try:
        envelope = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"无法读取奖励明细 {path}：{err}") from err
    schema = envelope.get("schema") if isinstance(envelope, dict) else None
    if not isinstance(schema, str) or not schema.startswith(AWARDS_SCHEMA_PREFIX):
        raise InputError(f"{path} 不是 awards --format json 的输出（schema 应为 {AWARDS_SCHEMA_PREFIX}1）")
    items = envelope.get("items")
    if not isinstance(items, list):
        raise InputError(f"{path} 中缺少 items 列表")
    try:
        rows = [{k: item.get(k) for k in AWARD_LINE} for item in items]
        frame = pl.DataFrame(rows, schema=AWARD_LINE, orient="row", strict=False)
    except (AttributeError, TypeError, pl.exceptions.PolarsError) as err:
        raise InputError(f"{path} 中的奖励明细格式有误：{err}") from err
    return envelope, frame


def _confirm_pairs(codes: list[str], awards: list[str], from_file: Path | None) -> list[tuple[str, str]]:
    """The (credit_code, award) pairs to confirm, from ``--code/--award`` and ``--from-file``."""
    if len(codes) != len(awards):
        raise UsageError(f"--code 与 --award 须成对给出（{len(codes)} 个 --code，{len(awards)} 个 --award）")
    pairs = list(zip(codes, awards, strict=True))
    if from_file is not None:
        pairs.extend(_read_review_list(from_file))
    if not pairs:
        raise UsageError("没有指定要确认的记录：请用 --code 与 --award，或 --from-file")
    return pairs


def _read_review_list(path: Path) -> list[tuple[str, str]]:
    """(credit_code, award) pairs from a reviewed list: the first row holding both headers is the header."""
    raw = _read_text_grid(path)
    for index, row in enumerate(raw.iter_rows()):
        cells = [(c or "").strip() for c in row]
        code_col = next((i for i, c in enumerate(cells) if c in _CODE_HEADERS), None)
        award_col = next((i for i, c in enumerate(cells) if c in _AWARD_HEADERS), None)
        if code_col is not None and award_col is not None:
            return _review_pairs(path, raw.slice(index + 1), code_col, award_col, index + 1)
        if index >= 20:
            break
    raise InputError(f"{path} 中找不到“统一社会信用代码”和“奖励项目”表头")


def _review_pairs(
    path: Path, body: "pl.DataFrame", code_col: int, award_col: int, header_row: int
) -> list[tuple[str, str]]:
    """The pairs below the header; an unknown award names its row."""
    from qkaward.ledger import resolve_award

    pairs: list[tuple[str, str]] = []
    for offset, row in enumerate(body.iter_rows()):
        code, award = (row[code_col] or "").strip(), (row[award_col] or "").strip()
        if not code and not award:
            continue
        if not code or resolve_award(award) is None:
            where = f"{path} 第 {header_row + offset + 1} 行"
            raise InputError(f"{where}：信用代码为空或奖励项目“{award}”无法识别")
        pairs.append((code, award))
    return pairs


def _read_text_grid(path: Path) -> "pl.DataFrame":
    """Every cell of the first sheet (or the csv) as text, without a header."""
    import polars as pl

    try:
        if path.suffix.lower() == ".csv":
            return pl.read_csv(path, has_header=False, infer_schema_length=0, encoding="utf8-lossy")
        return pl.read_excel(path, has_header=False, infer_schema_length=0, drop_empty_rows=False)
    except (OSError, pl.exceptions.PolarsError, ValueError) as err:
        raise InputError(f"无法读取复核清单 {path}：{err}") from err


# Re-exported for the main CLI's `awards --commit`.
__all__ = ["commit_summary", "ledger_app", "run_info", "sha256_file"]
