"""The command line: parse options, call the library, render. No rule logic lives here.

Every command's errors are :class:`qkaward.errors.QkawardError`; :func:`main` turns one into a single
Chinese line on stderr and the documented exit code (SPEC §9). ``--verbose`` adds the traceback,
without local variables (they may hold personal data).
"""

# No `from __future__ import annotations` here: Typer reads every command's signature at each start,
# and evaluating string annotations (typing.get_type_hints) cost ~20 ms of every run.
import contextlib
import functools
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from qkaward import __version__
from qkaward.atomic import write_atomic
from qkaward.errors import ExitCode, QkawardError, UsageError
from qkaward.inputs.workspace import InputSpec, build_spec
from qkaward.render.consoles import LazyConsole

app = typer.Typer(
    name="qkaward",
    help="硚口区“四个一批”行动计划（2019—2021）奖励测算：读取统计局、税务局导出数据，"
    "分类企业、计算奖励、出具报表。\n\n示例：qkaward validate -w sample_data",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


out = LazyConsole(highlight=False)
err = LazyConsole(stderr=True, highlight=False, soft_wrap=True)
_state = {"verbose": False, "quiet": False}


def command(*args, group: typer.Typer | None = None, **kwargs) -> Callable:
    """``group.command`` (default: the app) whose function reports a :class:`QkawardError` as one
    Chinese line on stderr and exits with its code — never a traceback (unless ``--verbose``, and
    then without locals)."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*a, **kw):
            try:
                return func(*a, **kw)
            except QkawardError as exc:
                if _state["verbose"]:
                    err.print(traceback.format_exc(), markup=False)
                message, code = exc.message, int(exc.exit_code)
                exc.__context__ = exc.__cause__ = None  # drop the failed work's frames now
            _release_quietly()
            err.print(f"错误：{message}", markup=False)
            raise typer.Exit(code)

        return (group or app).command(*args, **kwargs)(run)

    return decorate


def _release_quietly() -> None:
    """Collect what a failed write left (an xlsx writer's open zip file) without the "Exception
    ignored in ZipFile.__del__" noise its finaliser prints on a full disk."""
    import gc

    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


# ---- shared options (one definition each, so they mean the same in every command) --------------
Workspace = Annotated[
    Path | None, typer.Option("-w", "--workspace", help="工作目录，读取其中的 qkaward.toml")
]
Stats = Annotated[list[Path] | None, typer.Option("--stats", help="统计局导出文件（可重复）")]
Tax = Annotated[list[Path] | None, typer.Option("--tax", help="税务局导出文件（可重复）")]
Enterprises = Annotated[list[Path] | None, typer.Option("--enterprises", help="企业基础信息（可重复）")]
Events = Annotated[list[Path] | None, typer.Option("--events", help="上市、认定等事项清单（可重复）")]
Incubators = Annotated[list[Path] | None, typer.Option("--incubators", help="孵化载体清单（可重复）")]
Talents = Annotated[list[Path] | None, typer.Option("--talents", help="人才清单（可重复）")]
Output = Annotated[Path | None, typer.Option("-o", "--output", help="写入文件（而不是屏幕）")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="不使用已解析输入的缓存，重新读取每个文件")]


def _spec(
    workspace: Path | None,
    stats,
    tax,
    enterprises,
    events,
    incubators,
    talents,
    ledger: Path | None = None,
    policy: Path | None = None,
    no_cache: bool = False,
) -> InputSpec:
    options = {
        "stats": stats,
        "tax": tax,
        "enterprises": enterprises,
        "events": events,
        "incubators": incubators,
        "talents": talents,
    }
    return build_spec(workspace, options, ledger=ledger, policy=policy, use_cache=not no_cache)


def _emit(text: str | bytes, output: Path | None) -> None:
    """Print machine output, or write it atomically to ``output``."""
    if output is None:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
    else:
        write_atomic(output, text)
        _info(f"已写入 {output}")


def _show_version(value: bool) -> None:
    """``--version``: handled while the options are read (eager), so that no command is needed."""
    if value:
        out.print(f"qkaward {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", help="出错时显示详细的调用栈")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出错误（适合定时任务）")] = False,
    version: Annotated[
        bool, typer.Option("--version", help="显示版本并退出", callback=_show_version, is_eager=True)
    ] = False,
) -> None:
    """硚口区“四个一批”行动计划奖励测算工具。"""
    _state["verbose"] = verbose
    _state["quiet"] = quiet


@command()
def validate(
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    fmt: Annotated[str, typer.Option("--format", help="输出格式：table 或 json")] = "table",
    output: Output = None,
) -> None:
    """检查输入文件：逐个文件汇总（类别、工作表、年度、单位、读取/采用行数），并列出每个数据问题。

    退出码：0 无问题；1 发现数据问题；2 用法错误或文件无法读取。

    示例：qkaward validate -w sample_data
          qkaward validate --stats 2020年统计.xlsx --tax 税务.xlsx --format json
    """
    from qkaward.inputs.load import load_inputs
    from qkaward.render import machine, terminal

    if fmt not in ("table", "json"):
        raise UsageError(f"--format 只能是 table 或 json，而不是 {fmt}")
    spec = _spec(workspace, stats, tax, enterprises, events, incubators, talents, no_cache=no_cache)
    with _progress() as on_file:
        inputs = load_inputs(spec, on_file=on_file)
    if fmt == "json":
        items = [terminal.file_summary(f) for f in inputs.files]
        _emit(
            machine.envelope("validate", year=None, policy=None, items=items, problems=inputs.problems),
            output,
        )
    else:
        terminal.print_validation(out, inputs)
    blocking = inputs.problems.filter(inputs.problems["severity"] != "skipped").height
    raise typer.Exit(ExitCode.PROBLEMS if blocking else ExitCode.OK)


@command()
def sample(
    directory: Annotated[Path, typer.Argument(help="写入示例数据的目录")],
    size: Annotated[
        int | None, typer.Option("--size", help="生成 N 家企业的大规模数据（用于性能测试）")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="随机种子，相同种子生成相同数据")] = 2019,
) -> None:
    """生成示例数据（统计局、税务局导出、企业信息、事项、孵化载体、人才及 qkaward.toml）。

    示例：qkaward sample demo && qkaward validate -w demo
    """
    from qkaward.sample import write_sample

    directory.mkdir(parents=True, exist_ok=True)
    written = write_sample(directory, size=size, seed=seed)
    _info(f"已在 {directory} 生成 {len(written)} 个文件")


# ---- options of the commands that compute awards -------------------------------------------------
Year = Annotated[int, typer.Option("--year", "-y", help="奖励年度（政策期限内，如 2020）")]
PolicyFile = Annotated[Path | None, typer.Option("--policy", help="政策配置文件（默认：硚口区2019年政策）")]
Sets = Annotated[
    list[str] | None, typer.Option("--set", help="临时修改一项政策设置，如 ladder.upgrade=full（可重复）")
]
LedgerFile = Annotated[
    Path | None, typer.Option("--ledger", help="奖励台账文件（默认取 qkaward.toml 的 ledger）")
]
Fmt = Annotated[str, typer.Option("--format", help="输出格式：table、json 或 csv")]

CLASSIFY_HEADERS = {
    "credit_code": "统一社会信用代码",
    "name": "企业名称",
    "industry_code": "行业代码",
    "group": "行业分组",
    "revenue_yuan": "营业收入（元）",
    "fiscal_yuan": "区级财政贡献（元）",
    "tier": "梯队",
    "pools": "培育库",
}
AWARD_HEADERS = {
    "credit_code": "统一社会信用代码",
    "name": "企业名称",
    "year": "年度",
    "award": "奖励编号",
    "label": "奖励项目",
    "amount_yuan": "金额（元）",
    "clause": "政策条款",
    "department": "责任单位",
    "status": "状态",
    "reason": "依据",
    "subject": "对象",
}


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"--format 只能是 {'、'.join(allowed)}，而不是 {fmt}")


def _prepare(
    *inputs: Any,
    year: int,
    policy: Path | None,
    sets: list[str] | None,
    ledger: Path | None = None,
    no_cache: bool = False,
):
    """Read ``inputs`` (workspace, stats, tax, enterprises, events, incubators, talents) and run the
    rules for ``year``, with a progress line while the files are read."""
    from qkaward.runner import prepare

    spec = _spec(*inputs, ledger=ledger, policy=policy, no_cache=no_cache)
    with _progress() as on_file:
        return prepare(spec, year, policy=policy, overrides=sets or (), ledger=ledger, on_file=on_file)


def _remembered(
    name: str,
    fmt: str,
    render: Callable,
    *inputs: Any,
    year: int,
    policy: Path | None,
    sets: list[str] | None,
    ledger: Path | None = None,
    no_cache: bool = False,
) -> str | bytes:
    """The machine output (``fmt``) of command ``name``, ``render(prepared_run)``: given back from the
    results memo when nothing it depends on has changed (:mod:`qkaward.memo`), else computed and kept."""
    from qkaward import memo
    from qkaward.runner import compute, paid_awards, policy_for, policy_path

    spec = _spec(*inputs, ledger=ledger, policy=policy, no_cache=no_cache)
    book = ledger or spec.ledger
    paid = paid_awards(book)
    overrides = sets or ()
    key = (
        memo.run_key(spec, policy_path(spec, policy), overrides, year, paid, f"{name}/{fmt}")
        if spec.files
        else None
    )
    text = memo.load(spec, key)
    if text is not None:  # stored by a run that passed every check below with the same files and year
        _info("输入文件、政策和台账都没有变化，沿用上次的计算结果（加 --no-cache 重新计算）")
        return text
    note = memo.standard_note(policy_path(spec, policy), overrides) if key is not None else None
    pol = policy_for(spec, policy, overrides)
    pol.check_year(year)
    with _progress() as on_file:
        run = compute(spec, year, pol, paid, book, on_file=on_file)
    text = render(run)
    memo.store(spec, key, text, note)
    return text


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress line on stderr while files are read — only on a terminal, never with --quiet."""
    if _state["quiet"] or not sys.stderr.isatty() or not err.is_terminal:  # isatty first: no Rich import
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(
        TextColumn("读取 {task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        console=err.real(),
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def on_file(i: int, n: int, label: str) -> None:
            bar.update(task, description=label, completed=i, total=n)

        yield on_file


@command()
def classify(
    year: Year,
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: PolicyFile = None,
    sets: Sets = None,
    fmt: Fmt = "table",
    output: Output = None,
) -> None:
    """每家企业在该年度所处的营业收入梯队和培育库。

    示例：qkaward classify --year 2020 -w sample_data
          qkaward classify --year 2020 -w sample_data --format csv -o 梯队.csv
    """
    _check_format(fmt, ("table", "json", "csv"))
    inputs = (workspace, stats, tax, enterprises, events, incubators, talents)
    _answer(
        "classify",
        fmt,
        output,
        _classify_text,
        inputs,
        year=year,
        policy=policy,
        sets=sets,
        no_cache=no_cache,
    )


def _answer(name: str, fmt: str, output: Path | None, text_of: Callable, inputs: tuple, **options) -> None:
    """A computing command's output: JSON/CSV through the results memo, else its terminal table
    (``dashboard.print_<name>``)."""
    if fmt != "table":
        render = functools.partial(text_of, fmt=fmt, year=options["year"])
        _emit(_remembered(name, fmt, render, *inputs, **options), output)
        return
    from qkaward.render import dashboard

    getattr(dashboard, f"print_{name}")(out, _prepare(*inputs, **options).result)


def _classify_text(run, *, fmt: str, year: int) -> str | bytes:
    from qkaward.render import machine

    result = run.result
    if fmt == "csv":
        return machine.to_csv(result.classify, CLASSIFY_HEADERS)
    return machine.envelope(
        "classify", year=year, policy=result.policy_id, items=result.classify, problems=result.problems
    )


@command()
def awards(
    year: Year,
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: PolicyFile = None,
    sets: Sets = None,
    ledger: LedgerFile = None,
    commit: Annotated[bool, typer.Option("--commit", help="把本次已确认的奖励记入台账")] = False,
    fmt: Annotated[str, typer.Option("--format", help="输出格式：table、json、csv 或 xlsx")] = "table",
    output: Output = None,
) -> None:
    """计算该年度的每项奖励（金额、条款、责任单位、状态和依据），按奖励项目和责任单位合计。

    台账中已兑现的一次性奖励不会再次给出；加 --commit 把已确认的奖励记入台账（同一结果重复记入不会重复记录）。

    示例：qkaward awards --year 2020 -w sample_data
          qkaward awards --year 2020 -w sample_data --format json -o 奖励.json
          qkaward awards --year 2019 -w sample_data --commit
    """
    _check_format(fmt, ("table", "json", "csv", "xlsx"))
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx 需要用 -o 指定输出文件")
    inputs = (workspace, stats, tax, enterprises, events, incubators, talents)
    options = {"year": year, "policy": policy, "sets": sets, "ledger": ledger, "no_cache": no_cache}
    if fmt in ("json", "csv") and not commit:  # a commit needs the computed lines
        render = functools.partial(_awards_text, fmt=fmt, year=year)
        _emit(_remembered("awards", fmt, render, *inputs, **options), output)
        return
    run = _prepare(*inputs, **options)
    result = run.result
    if fmt in ("json", "csv"):
        _emit(_awards_text(run, fmt=fmt, year=year), output)
    elif fmt == "xlsx":
        from qkaward.render.workbook import write_award_list

        write_award_list(output, result.awards)
        _info(f"已写入 {output}")
    else:
        from qkaward.render import dashboard

        dashboard.print_awards(out, result)
    if commit:
        _commit(run, year)


def _awards_text(run, *, fmt: str, year: int) -> str | bytes:
    from qkaward.render import machine

    result = run.result
    if fmt == "csv":
        return machine.to_csv(result.awards, AWARD_HEADERS)
    return machine.envelope(
        "awards",
        year=year,
        policy=result.policy_id,
        items=result.awards,
        problems=result.problems,
        totals=_totals(result.awards),
    )


def _totals(lines) -> dict:
    """Totals for the JSON envelope: all, per award, per department (integer 元)."""
    import polars as pl

    def by(col: str) -> list[dict]:
        return (
            lines.group_by(col).agg(pl.col("amount_yuan").sum(), pl.len().alias("count")).sort(col).to_dicts()
        )

    return {
        "amount_yuan": int(lines["amount_yuan"].sum()),
        "count": lines.height,
        "by_award": by("award"),
        "by_department": by("department"),
    }


def _commit(run, year: int) -> None:
    from qkaward.cli_ledger import commit_summary
    from qkaward.ledger import Ledger, RunInfo

    if run.ledger is None:
        raise UsageError("--commit 需要奖励台账：请用 --ledger FILE，或在 qkaward.toml 中设置 ledger")
    info = RunInfo(
        command=" ".join(["qkaward", *sys.argv[1:]]),
        policy_id=run.policy.id,
        policy_sha256=run.policy.sha256,
        year=year,
        inputs=tuple((f.path, f.sha256) for f in run.inputs.files),
        version=__version__,
    )
    with Ledger.open(run.ledger, create=True) as book:
        done = book.commit(run.result.awards, info)
    if not _state["quiet"]:
        err.print(f"台账 {run.ledger}：{commit_summary(done)}")


@command()
def explain(
    credit_code: Annotated[str, typer.Argument(help="统一社会信用代码")],
    year: Year,
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: PolicyFile = None,
    sets: Sets = None,
    ledger: LedgerFile = None,
) -> None:
    """逐条说明一家企业在该年度的每项规则：用到的数据、门槛及其条款、结论和理由。

    示例：qkaward explain 91420104MA4KXXXXXX --year 2020 -w sample_data
    """
    from qkaward.explain import explain as trace_of
    from qkaward.inputs.creditcode import normalise
    from qkaward.render import terminal

    run = _prepare(
        workspace,
        stats,
        tax,
        enterprises,
        events,
        incubators,
        talents,
        year=year,
        policy=policy,
        sets=sets,
        ledger=ledger,
        no_cache=no_cache,
    )
    trace = trace_of(run.result, run.inputs, run.policy, normalise(credit_code))
    terminal.print_trace(out, trace)


@command()
def targets(
    year: Year,
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: PolicyFile = None,
    sets: Sets = None,
    fmt: Fmt = "table",
    output: Output = None,
) -> None:
    """行动计划2021年各项目标的进度：目标、实际、差距；没有数据可衡量的目标注明“无数据”。

    示例：qkaward targets --year 2020 -w sample_data
    """
    _check_format(fmt, ("table", "json", "csv"))
    inputs = (workspace, stats, tax, enterprises, events, incubators, talents)
    _answer(
        "targets", fmt, output, _targets_text, inputs, year=year, policy=policy, sets=sets, no_cache=no_cache
    )


TARGET_HEADERS = {
    "id": "目标编号",
    "label": "目标",
    "clause": "条款",
    "goal": "目标值",
    "actual": "实际",
    "gap": "差距",
    "unit": "单位",
    "note": "说明",
}


def _targets_text(run, *, fmt: str, year: int) -> str | bytes:
    import dataclasses

    import polars as pl

    from qkaward.render import machine

    items = [dataclasses.asdict(t) for t in run.result.targets]
    if fmt == "csv":
        return machine.to_csv(pl.DataFrame(items), TARGET_HEADERS)
    return machine.envelope(
        "targets", year=year, policy=run.result.policy_id, items=items, problems=run.result.problems
    )


#: Policy keys shown as "switches in force" in the report's 计算依据 sheet (SPEC's interpretation switches).
SWITCH_KEYS = (
    "ladder.main_sections",
    "ladder.first_reach_basis",
    "ladder.same_year",
    "ladder.upgrade",
    "scale_entry.include_construction",
    "scale_entry.include_real_estate",
)


def _switches(pol) -> dict[str, str]:
    rows = {r.key: r.value for r in pol.rows()}
    found = {k: rows[k] for k in SWITCH_KEYS if k in rows}
    if pol.overrides:
        found["本次 --set"] = "；".join(pol.overrides)
    return found


@command()
def report(
    year: Year,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="报表文件（.xlsx）；按部门/街道拆分时为目录")
    ],
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: PolicyFile = None,
    sets: Sets = None,
    ledger: LedgerFile = None,
    split_by: Annotated[
        str | None,
        typer.Option("--split-by", help="按 department（责任单位）或 street（街道）拆分为多个文件"),
    ] = None,
) -> None:
    """出具可打印、可签字的 Excel 报表。

    工作表：汇总、梯队、培育库、奖励清单、待核实、公示名单、目标进度、数据问题、计算依据。

    示例：qkaward report --year 2020 -w sample_data -o 2020年奖励报表.xlsx
          qkaward report --year 2020 -w sample_data --split-by department -o 各部门/
    """
    from datetime import datetime

    from qkaward.render import workbook

    if split_by not in (None, "department", "street"):
        raise UsageError(f"--split-by 只能是 department 或 street，而不是 {split_by}")
    if split_by is None and output.suffix.lower() != ".xlsx":
        raise UsageError(f"报表文件应以 .xlsx 结尾：{output}")
    run = _prepare(
        workspace,
        stats,
        tax,
        enterprises,
        events,
        incubators,
        talents,
        year=year,
        policy=policy,
        sets=sets,
        ledger=ledger,
        no_cache=no_cache,
    )
    # Earlier policy years give the "tier counts by year" chart; the award year comes first.
    earlier = [run.later_run_for(y) for y in reversed(run.policy.years) if y < year]
    results = [run.result, *earlier]
    args = dict(
        results=results,
        inputs_files=run.inputs.files,
        problems=run.result.problems,
        policy_rows=run.policy.rows(),
        switches=_switches(run.policy),
        version=__version__,
        run_time=datetime.now().astimezone(),
    )
    if split_by:
        output.mkdir(parents=True, exist_ok=True)
        written = workbook.split_report(output, split_by, **args)
        _info(f"已在 {output} 写入 {len(written)} 个文件")
    else:
        workbook.write_report(output, **args)
        _info(f"已写入 {output}")


@command()
def whatif(
    year: Year,
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    no_cache: NoCache = False,
    policy: Annotated[Path | None, typer.Option("--policy", help="方案所用的另一份政策配置文件")] = None,
    sets: Sets = None,
    ledger: LedgerFile = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="把对比写入 Excel 文件")] = None,
) -> None:
    """假设分析：同一份数据按现行政策（基准）和修改后的政策（方案）各算一遍，比较总预算、各奖项、各部门和每家企业的差额。

    示例：qkaward whatif --year 2020 -w sample_data --set ladder.upgrade=full
          qkaward whatif --year 2020 -w sample_data --policy 新政策.toml -o 对比.xlsx
    """
    from qkaward.runner import prepare
    from qkaward.whatif import compare, print_whatif, write_whatif_workbook

    if not sets and policy is None:
        raise UsageError("whatif 需要 --set KEY=VALUE 或 --policy OTHER.toml 来说明方案")
    base = _prepare(
        workspace,
        stats,
        tax,
        enterprises,
        events,
        incubators,
        talents,
        year=year,
        policy=None,
        sets=None,
        ledger=ledger,
        no_cache=no_cache,
    )
    variant = prepare(
        base.spec, year, policy=policy, overrides=sets or (), ledger=base.ledger, inputs=base.inputs
    )
    diff = compare(base.result, variant.result)
    print_whatif(out, diff)
    if output is not None:
        described = {
            "基准": f"{base.policy.id}（{base.policy.path}）",
            "方案": f"{variant.policy.id}（{variant.policy.path}）"
            + ("，" + "；".join(variant.policy.overrides) if variant.policy.overrides else ""),
        }
        write_whatif_workbook(output, diff, described)
        _info(f"已写入 {output}")


policy_app = typer.Typer(
    name="policy", help="查看和检查政策配置。\n\n示例：qkaward policy show", no_args_is_help=True
)
app.add_typer(policy_app, name="policy")


@command("show", group=policy_app)
def policy_show(policy: PolicyFile = None, sets: Sets = None) -> None:
    """以树形显示政策的每个参数：数值、单位、条款和说明。

    示例：qkaward policy show
          qkaward policy show --set ladder.upgrade=full
    """
    from qkaward.policy import load_policy
    from qkaward.render import terminal

    terminal.print_policy(out, load_policy(policy, sets or ()))


@command("check", group=policy_app)
def policy_check(file: Annotated[Path, typer.Argument(help="要检查的政策配置文件")]) -> None:
    """检查一个政策配置文件：未知的键、错误的类型、负数金额、缺少条款都会报错（退出码 2）。

    示例：qkaward policy check config/policy/qiaokou-2019.toml
    """
    from qkaward.policy import load_policy

    pol = load_policy(file)
    _info(
        f"政策配置 {file} 有效：{pol.title}（{pol.id}，{pol.period_start}—{pol.period_end}年，"
        f"{len(pol.rows())} 个参数）"
    )


def _info(message: str) -> None:
    """An informational line on stderr, unless --quiet or stderr is not a terminal (cron)."""
    if not _state.get("quiet") and sys.stderr.isatty() and err.is_terminal:
        err.print(message)


def _mount_subcommands() -> None:
    from qkaward.cli_ledger import ledger_app

    app.add_typer(ledger_app, name="ledger")


_mount_subcommands()


@contextlib.contextmanager
def _only_the_invoked_command(argv: list[str]) -> Iterator[None]:
    """The app with only the command ``argv`` invokes, when it names one, until the block ends: at every
    start Typer builds the Click command of each registered command from its signature (~25 ms for all
    of them, a fifth of a run answered from the results memo). The root options (``--quiet`` …) are
    flags, so the command is the first argument that is not an option; ``qkaward --help``, groups and
    unknown names keep them all."""
    commands, groups = app.registered_commands, app.registered_groups
    name = next((a for a in argv if not a.startswith("-")), None)
    chosen = [c for c in commands if _command_name(c) == name]
    if len(chosen) == 1:
        app.registered_commands, app.registered_groups = chosen, []
    try:
        yield
    finally:
        app.registered_commands, app.registered_groups = commands, groups


def _command_name(info: typer.models.CommandInfo) -> str | None:
    """The name Typer gives a registered command (its function's name, ``_`` as ``-``, unless named)."""
    if info.name:
        return info.name
    return info.callback.__name__.lower().replace("_", "-") if info.callback else None


def entry() -> None:
    """Entry point of the ``qkaward`` console script and ``python -m qkaward``: :func:`main`, then the
    process ends without the interpreter's teardown. Unloading Polars, Typer and Rich and freeing a run's
    frames took ~0.05 s of a rerun answered from the results memo (a fifth of it) and 0.15–0.2 s of an
    ``awards`` run at 100,000 enterprises (issue [5/6]). By then every file has been written and closed
    (nothing runs in the background); stdout and stderr are flushed here, and if that fails the exit is
    left to Python, which reports it as before."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    code = 0 if code is None else code
    if not isinstance(code, int):  # sys.exit("message"): Python prints it
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        raise SystemExit(code) from None
    os._exit(code)


def main() -> None:
    """The command line, ending in ``SystemExit`` with the exit code (in-process callers, tests)."""
    # A finaliser's error (an xlsx writer's zip file closed on a full disk) is not the user's business:
    # the command has already said what failed, in one line.
    sys.unraisablehook = lambda unraisable: _state["verbose"] and sys.__unraisablehook__(unraisable)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `qkaward … | head` ends quietly
    try:
        with _only_the_invoked_command(sys.argv[1:]):
            app()
    except KeyboardInterrupt:
        err.print("已中断")
        sys.exit(130)
    except SystemExit:
        raise
    except BaseException as exc:  # a bug (or a library panic): one line, traceback only on request
        if _state["verbose"]:
            err.print(traceback.format_exc(), markup=False)
        err.print(f"内部错误：{type(exc).__name__}: {exc}（加 --verbose 查看详情）", markup=False)
        sys.exit(int(ExitCode.USAGE))
