"""The command line: parse options, call the library, render. No rule logic lives here.

Every command's errors are :class:`qkaward.errors.QkawardError`; :func:`main` turns one into a single
Chinese line on stderr and the documented exit code (SPEC §9). ``--verbose`` adds the traceback,
without local variables (they may hold personal data).
"""

from __future__ import annotations

import functools
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from qkaward import __version__
from qkaward.atomic import write_atomic
from qkaward.errors import ExitCode, QkawardError, UsageError
from qkaward.inputs import InputSpec, build_spec, load_inputs
from qkaward.render import machine, terminal

app = typer.Typer(
    name="qkaward",
    help="硚口区“四个一批”行动计划（2019—2021）奖励测算：读取统计局、税务局导出数据，"
    "分类企业、计算奖励、出具报表。\n\n示例：qkaward validate -w sample_data",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

out = Console(highlight=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)
_state = {"verbose": False}


def command(*args, **kwargs) -> Callable:
    """``app.command`` whose function reports a :class:`QkawardError` as one Chinese line on stderr
    and exits with its code — never a traceback (unless ``--verbose``, and then without locals)."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*a, **kw):
            try:
                return func(*a, **kw)
            except QkawardError as exc:
                _fail(exc.message, int(exc.exit_code))

        return app.command(*args, **kwargs)(run)

    return decorate


def _fail(message: str, code: int) -> None:
    if _state["verbose"]:
        err.print(traceback.format_exc(), markup=False)
    err.print(f"错误：{message}", markup=False)
    raise typer.Exit(code)


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
) -> InputSpec:
    options = {
        "stats": stats,
        "tax": tax,
        "enterprises": enterprises,
        "events": events,
        "incubators": incubators,
        "talents": talents,
    }
    return build_spec(workspace, options, ledger=ledger, policy=policy)


def _emit(text: str, output: Path | None) -> None:
    """Print machine output, or write it atomically to ``output``."""
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        err.print(f"已写入 {output}")


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", help="出错时显示详细的调用栈")] = False,
    version: Annotated[bool, typer.Option("--version", help="显示版本并退出")] = False,
) -> None:
    """硚口区“四个一批”行动计划奖励测算工具。"""
    _state["verbose"] = verbose
    if version:
        out.print(f"qkaward {__version__}")
        raise typer.Exit(0)


@command()
def validate(
    workspace: Workspace = None,
    stats: Stats = None,
    tax: Tax = None,
    enterprises: Enterprises = None,
    events: Events = None,
    incubators: Incubators = None,
    talents: Talents = None,
    fmt: Annotated[str, typer.Option("--format", help="输出格式：table 或 json")] = "table",
    output: Output = None,
) -> None:
    """检查输入文件：逐个文件汇总（类别、工作表、年度、单位、读取/采用行数），并列出每个数据问题。

    退出码：0 无问题；1 发现数据问题；2 用法错误或文件无法读取。

    示例：qkaward validate -w sample_data
          qkaward validate --stats 2020年统计.xlsx --tax 税务.xlsx --format json
    """
    if fmt not in ("table", "json"):
        raise UsageError(f"--format 只能是 table 或 json，而不是 {fmt}")
    inputs = load_inputs(_spec(workspace, stats, tax, enterprises, events, incubators, talents))
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
    err.print(f"已在 {directory} 生成 {len(written)} 个文件")


def _mount_subcommands() -> None:
    from qkaward.cli_ledger import ledger_app

    app.add_typer(ledger_app, name="ledger")


_mount_subcommands()


def main() -> None:
    """Entry point of the ``qkaward`` console script and ``python -m qkaward``."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `qkaward … | head` ends quietly
    try:
        app()
    except KeyboardInterrupt:
        err.print("已中断")
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, traceback only on request
        if _state["verbose"]:
            err.print(traceback.format_exc(), markup=False)
        err.print(f"内部错误：{type(exc).__name__}: {exc}（加 --verbose 查看详情）", markup=False)
        sys.exit(int(ExitCode.USAGE))
