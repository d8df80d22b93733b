"""A bounded, seeded fuzz of the readers (issue 7, item 4).

Thousands of damaged inputs go through :func:`qkaward.inputs.read_role_file`; the only acceptable
outcomes are a result or a :class:`qkaward.errors.QkawardError`. Anything else — another exception,
a Rust panic surfacing as ``PanicException`` — fails the test and prints the case index, its kind and
how to rebuild it. Every case is made by ``random.Random(f"{SEED}-{index}")`` alone, so one case can
be rebuilt without running the others::

    from test_fuzz_readers import make_case
    kind, suffix, role, data = make_case(1234)

The mix of cases is fixed by ``PLAN``; the whole run takes about half a minute on two cores.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import random
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qkaward.cli import app
from qkaward.errors import QkawardError
from qkaward.inputs import read_role_file

_CORPUS = Path(__file__).parent / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_corpus", _CORPUS / "make_corpus.py")
assert _spec and _spec.loader
mc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mc)

SEED = 20261127
ROLES = ("stats", "tax", "enterprises", "events", "incubators", "talents")
#: The slowest single case allowed, in seconds: a reader that hangs on some input is a bug too.
SLOW_CASE = 5.0

H, A, B, C = mc.STATS_HEADER, mc.CODE_A, mc.CODE_B, mc.CODE_C

# ---- valid seeds that the mutators start from -------------------------------------------------------------
SEED_ROWS: list[list[list[object]]] = [
    [H, *mc.GOOD_ROWS],
    [
        ["2020年规模以上工业企业主要经济指标"],
        ["单位：千元"],
        ["统一社会信用代码", "单位详细名称", "行业代码", "营业收入", None],
        [None, None, None, "本年", "上年同期"],
        [A, "武汉启明科技有限公司", "6510", 1234567.8, 1000000],
        [B, "湖北硚信商贸有限公司", "5191", "2,500,000", "-"],
        ["合计", None, None, 3734567.8, 1000000],
    ],
    [
        ["纳税人识别号", "纳税人名称", "所属年度", "区级财政贡献(万元)", "上年区级财政贡献(万元)"],
        [A, "武汉启明科技有限公司", 2020, 35.5, 30],
        [C.lower(), "硚口云帆信息技术有限公司", 2020, "１２", "—"],
    ],
    [
        ["统一社会信用代码", "企业名称", "事项", "认定日期"],
        [A, "甲公司", "高新技术企业", 43831],
        [B, "乙公司", "科技小巨人企业", "2020年6月18日"],
    ],
    [
        ["运营机构统一社会信用代码", "载体名称", "认定级别", "认定年份", "年度", "入驻企业总数",
         "当年新增入驻企业数", "当年新认定高新技术企业数"],
        [A, "汉江创新孵化器", "市级", 2018, 2020, 40, 12, 3],
    ],
    [
        ["姓名", "证件号码", "人才计划", "所在企业统一社会信用代码", "入选年度"],
        ["张三", "420104199001011234", "3551光谷人才计划", B, 2019],
    ],
]  # fmt: skip

SEED_XLSX = [mc.minimal_xlsx(rows) for rows in SEED_ROWS]
SEED_XLS = [mc.xls_bytes(rows) for rows in SEED_ROWS[:3]]
SEED_CSV = [mc.csv_text(rows) for rows in SEED_ROWS]

#: Characters the text mutators draw from: what real exports and hostile ones contain.
ALPHABET = (
    ",;\t|\"'\r\n \u3000\ufeff\x00\x1a=+-@.%()（）：:/\\#"
    "0123456789０１２３４５６７８９eE-—－，．"
    "AaZzIiOo合计总计小计年度单位千元万元亿元营业收入统一社会信用代码企业名称行业代码"
    "\u200b\u202e\ud7ff\ue000\uffff😀𠀀"
)
XML_SNIPPETS = (
    '<c r="E2" t="s"><v>999</v></c>',
    '<c r="E2" t="e"><v>#N/A</v></c>',
    '<c r="E2" t="b"><v>1</v></c>',
    '<c r="E2" t="d"><v>2020-13-45</v></c>',
    '<c r="XFD1048576"><v>1</v></c>',
    '<c r="A0"><v>1</v></c>',
    '<c r="ZZZZ99999999"><v>1</v></c>',
    '<c r="E2"><f>1/0</f></c>',
    '<c r="E2"><v>1e308</v></c>',
    '<c r="E2"><v>NaN</v></c>',
    '<c r="E2"><v>-0</v></c>',
    '<row r="0"/>',
    '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
    '<row r="2"><c r="A2" t="inlineStr"><is><t>dup</t></is></c></row>',
    '<mergeCell ref="A1:E3"/>',
    "<![CDATA[x]]>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "<!-- -->",
    "</row>",
    "<row>",
)


# ---- mutators: (rng, data) → data ----------------------------------------------------------------------
def mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    """Flip, insert, delete or overwrite a few bytes, or truncate."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(6)
        pos = rng.randrange(len(out) + 1) if out else 0
        if op == 0 and out:
            out[min(pos, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1:
            out[pos:pos] = rng.randbytes(rng.randint(1, 16))
        elif op == 2 and out:
            del out[pos : pos + rng.randint(1, 64)]
        elif op == 3 and out:
            out[min(pos, len(out) - 1)] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x3C, 0x22))
        elif op == 4:
            out = out[: rng.randrange(len(out) + 1)]
        else:
            k = rng.randint(1, 8)
            if len(out) > k:
                start = rng.randrange(len(out) - k)
                out[pos:pos] = out[start : start + k] * rng.randint(1, 50)
    return bytes(out)


def mutate_text(rng: random.Random, text: str, alphabet: str = ALPHABET) -> str:
    """Insert, delete, duplicate, swap or replace characters and lines."""
    for _ in range(rng.randint(1, 6)):
        op = rng.randrange(7)
        pos = rng.randrange(len(text) + 1)
        if op == 0:
            text = text[:pos] + "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) + text[pos:]
        elif op == 1:
            text = text[:pos] + text[pos + rng.randint(1, 40) :]
        elif op == 2:
            lines = text.splitlines(keepends=True)
            if lines:
                i = rng.randrange(len(lines))
                lines.insert(rng.randrange(len(lines) + 1), lines[i] * rng.randint(1, 3))
                text = "".join(lines)
        elif op == 3:
            lines = text.splitlines(keepends=True)
            rng.shuffle(lines)
            text = "".join(lines)
        elif op == 4:
            new = rng.choice((";", "\t", '"', "", "\r", "，", "\n\n"))
            text = text.replace(rng.choice(',\n"0年元'), new)
        elif op == 5:
            text = text[:pos] + rng.choice(("x", "长", "9", ",")) * rng.randint(100, 5000) + text[pos:]
        else:
            text = text[:pos] + '"' + text[pos:]
    return text


def _encode(rng: random.Random, text: str) -> bytes:
    encoding = rng.choice(("utf-8", "utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "latin-1"))
    errors = rng.choice(("replace", "ignore", "surrogatepass" if encoding.startswith("utf") else "replace"))
    return text.encode(encoding, errors=errors)


def mutate_xlsx_parts(rng: random.Random, data: bytes) -> bytes:
    """Unzip, damage the XML of one or two parts (mostly the sheet), zip again: this reaches the
    spreadsheet parser, where byte mutations mostly stop at the zip layer."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: src.read(i).decode("utf-8") for i in src.infolist()}
    names = list(parts)
    for _ in range(rng.randint(1, 2)):
        name = "xl/worksheets/sheet1.xml" if rng.random() < 0.7 else rng.choice(names)
        text = parts[name]
        if rng.random() < 0.5:
            pos = rng.randrange(len(text) + 1)
            text = text[:pos] + rng.choice(XML_SNIPPETS) + text[pos:]
        else:
            text = mutate_text(rng, text, ALPHABET + "<>/=\"'&;")
        parts[name] = text
    if rng.random() < 0.1:
        del parts[rng.choice(names)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zf.writestr(info, text.encode("utf-8", "replace"))
    return buf.getvalue()


# ---- the plan: how many cases of each kind, and how each is made ------------------------------------
def _random_bytes(rng: random.Random) -> tuple[str, bytes]:
    suffix = rng.choice((".xlsx", ".xls", ".csv", ".parquet", ".xlsm"))
    head = rng.choice((b"", b"PK\x03\x04", mc.CFB_MAGIC, b"PAR1", b"\xef\xbb\xbf", b"<html>"))
    return suffix, head + rng.randbytes(rng.randint(0, 4096))


def _mutated_xlsx(rng: random.Random) -> tuple[str, bytes]:
    return ".xlsx", mutate_bytes(rng, rng.choice(SEED_XLSX))


def _mutated_xlsx_xml(rng: random.Random) -> tuple[str, bytes]:
    return ".xlsx", mutate_xlsx_parts(rng, rng.choice(SEED_XLSX))


def _mutated_xls(rng: random.Random) -> tuple[str, bytes]:
    return ".xls", mutate_bytes(rng, rng.choice(SEED_XLS))


def _mutated_csv(rng: random.Random) -> tuple[str, bytes]:
    data = _encode(rng, mutate_text(rng, rng.choice(SEED_CSV)))
    if rng.random() < 0.2:
        data = mutate_bytes(rng, data)
    return ".csv", data


def _random_csv(rng: random.Random) -> tuple[str, bytes]:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 600)))
    if rng.random() < 0.5:  # a real header line first, so that the row parsers get random cells
        text = mc.csv_text([rng.choice(SEED_ROWS)[0]]) + text
    return ".csv", _encode(rng, text)


#: (kind, number of cases, maker). Indices run through the kinds in this order.
PLAN: list[tuple[str, int, Callable[[random.Random], tuple[str, bytes]]]] = [
    ("random-bytes", 700, _random_bytes),
    ("mutated-xlsx-bytes", 800, _mutated_xlsx),
    ("mutated-xlsx-xml", 300, _mutated_xlsx_xml),
    # each .xls is parsed in a memory-limited child process (~0.5 s each), so fewer of them
    ("mutated-xls-bytes", 30, _mutated_xls),
    ("mutated-csv", 700, _mutated_csv),
    ("random-csv", 400, _random_csv),
]
TOTAL = sum(n for _, n, _ in PLAN)


def make_case(index: int) -> tuple[str, str, str, bytes]:
    """Case ``index``: (kind, file suffix, role, bytes), from its own seeded generator."""
    rng = random.Random(f"{SEED}-{index}")
    for kind, n, maker in PLAN:
        if index < n:
            suffix, data = maker(rng)
            role = "stats" if rng.random() < 0.6 else rng.choice(ROLES)
            return kind, suffix, role, data
        index -= n
    raise IndexError(index)


def _run_case(index: int, folder: Path) -> tuple[str, float, str | None]:
    """Run case ``index`` in this process; return its kind, duration and a failure (None when fine)."""
    kind, suffix, role, data = make_case(index)
    path = folder / f"fuzz_2020{suffix}"
    path.write_bytes(data)
    started = time.perf_counter()
    failure = None
    try:
        read_role_file(path, role)
    except QkawardError as exc:
        if not exc.message or "Traceback" in exc.message:
            failure = f"QkawardError without a proper message: {exc.message!r}"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a pyo3 PanicException derives from BaseException
        failure = f"{type(exc).__name__}: {str(exc)[:300]}"
    elapsed = time.perf_counter() - started
    if failure is None and elapsed > SLOW_CASE:
        failure = f"took {elapsed:.1f} s"
    return kind, elapsed, failure


# ---- the harness: cases run in child processes, so that a crash or a memory blow-up is a finding -----
#: Address-space limit of a child: a reader that tries to allocate gigabytes is stopped and reported.
CHILD_MEMORY = 3 * 1024**3  # the .xls reader starts a child of its own, within this limit
#: Children run side by side (the CI machine has two cores).
CHILDREN = 2


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _child(indices: list[int], folder: Path) -> None:  # pragma: no cover - runs in the child
    """Run ``indices``, announcing each before it starts and reporting it when done (JSON lines)."""
    for index in indices:
        print(json.dumps({"start": index}), flush=True)
        kind, elapsed, failure = _run_case(index, folder)
        print(json.dumps({"done": index, "kind": kind, "t": elapsed, "failure": failure}), flush=True)


def run_cases(indices: list[int], folder: Path) -> tuple[dict[int, str], dict[str, tuple[int, float]]]:
    """Run ``indices`` in a child process; when the child dies (a Rust abort, out of memory, a hang),
    the case it had started is a failure and a new child continues with the next one."""
    failures: dict[int, str] = {}
    per_kind: dict[str, tuple[int, float]] = {}
    env = dict(os.environ, RUST_BACKTRACE="0", PYTHONPATH=str(Path(__file__).parent))
    todo = list(indices)
    while todo:
        (folder / "child").mkdir(parents=True, exist_ok=True)
        try:
            proc = subprocess.run(
                [sys.executable, __file__, str(folder / "child"), *map(str, todo)],
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
                preexec_fn=_limit_memory,
            )
            out, err, code = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            err, code = "hung", "timeout"
        started, done = None, set()
        for line in out.splitlines():
            if not line.startswith("{"):
                continue
            msg = json.loads(line)
            if "start" in msg:
                started = msg["start"]
            else:
                done.add(msg["done"])
                n, t = per_kind.get(msg["kind"], (0, 0.0))
                per_kind[msg["kind"]] = (n + 1, t + msg["t"])
                if msg["failure"]:
                    failures[msg["done"]] = msg["failure"]
        if code == 0:
            break
        if started is None or started in done:
            raise AssertionError(f"the fuzz child failed outside a case (exit {code}):\n{err[-2000:]}")
        last = [ln for ln in err.strip().splitlines() if ln.strip()][-1:] or [""]
        failures[started] = f"process died (exit {code}): {last[0][:200]}"
        todo = todo[todo.index(started) + 1 :]
    return failures, per_kind


def _describe(failures: dict[int, str]) -> list[str]:
    return [f"seed={SEED} case={i} kind={make_case(i)[0]}: {f}" for i, f in sorted(failures.items())]


#: Cases that once crashed the readers (a BOM followed by undecodable bytes; a calamine panic on a
#: damaged .xls; a 6 KB .xls that made calamine allocate gigabytes), rerun by a test of their own.
REGRESSIONS = {"UnicodeDecodeError": [0, 111], "PanicException": [1804], "process died": [1809]}


def test_readers_survive_thousands_of_damaged_files(tmp_path: Path) -> None:
    started = time.perf_counter()
    chunks = [list(range(TOTAL))[k::CHILDREN] for k in range(CHILDREN)]
    with ThreadPoolExecutor(CHILDREN) as pool:
        results = list(pool.map(lambda c: run_cases(c[1], tmp_path / f"w{c[0]}"), enumerate(chunks)))
    failures = {i: f for fails, _ in results for i, f in fails.items()}
    per_kind: dict[str, tuple[int, float]] = {}
    for _, kinds in results:
        for kind, (n, t) in kinds.items():
            n0, t0 = per_kind.get(kind, (0, 0.0))
            per_kind[kind] = (n0 + n, t0 + t)
    wall = time.perf_counter() - started
    summary = ", ".join(f"{k} {n} in {t:.1f}s" for k, (n, t) in per_kind.items())
    print(f"\nfuzz: {TOTAL} cases in {wall:.1f}s wall ({summary}); {len(failures)} failures")
    print("\n".join(_describe(failures)))
    assert not failures, f"{len(failures)} failures; rebuild one with make_case(case):\n" + "\n".join(
        _describe(failures)[:30]
    )
    assert TOTAL >= 2000


@pytest.mark.parametrize("bug", sorted(REGRESSIONS))
def test_cases_that_once_crashed_the_readers_now_end_in_a_qkaward_error(bug: str, tmp_path: Path) -> None:
    failures, _ = run_cases(REGRESSIONS[bug], tmp_path)
    assert not failures, "\n".join(_describe(failures))


# ---- a handful through the command line ----------------------------------------------------------------
runner = CliRunner()
CLI_CASES = [i * 97 % TOTAL for i in range(1, 25)]


@pytest.mark.parametrize("index", CLI_CASES)
def test_cli_gives_an_exit_code_and_no_traceback(index: int, tmp_path: Path) -> None:
    kind, suffix, role, data = make_case(index)
    path = tmp_path / f"fuzz_2020{suffix}"
    path.write_bytes(data)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    result = runner.invoke(app, ["validate", f"--{role}", str(path), "--format", "json", "-o", str(report)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"seed={SEED} case={index} kind={kind}: {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("错误："), result.stderr
        assert not report.exists()
    else:
        assert report.exists()
    assert sorted(p.name for p in report.parent.iterdir()) == (["report.json"] if report.exists() else [])


def test_the_installed_command_survives_damaged_files(tmp_path: Path) -> None:
    """Three cases through `python -m qkaward`, the real entry point with its last-resort handler."""
    for index in (5, 900, 2700):
        kind, suffix, role, data = make_case(index)
        path = tmp_path / f"fuzz_{index}_2020{suffix}"
        path.write_bytes(data)
        proc = subprocess.run(
            [sys.executable, "-m", "qkaward", "validate", f"--{role}", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode in (0, 1, 2), (index, kind, proc.stderr)
        assert "Traceback" not in proc.stderr + proc.stdout
        assert "内部错误" not in proc.stderr, (index, kind, proc.stderr)


if __name__ == "__main__":  # the fuzz child: python test_fuzz_readers.py FOLDER INDEX...
    _child([int(a) for a in sys.argv[2:]], Path(sys.argv[1]))
