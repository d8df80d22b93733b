"""The ladder rules (SPEC §2) written the way an analyst's script is written: pandas + openpyxl + a row loop.

    python benchmarks/reference.py DIR [--year 2020] [--set KEY=VALUE ...] [-o lines.json]
    python benchmarks/reference.py DIR --check [--scale 100]

This is the baseline (c) of ``benchmarks/bench.py`` (issue 6): what a district analyst runs today. It reads
the benchmark workspace written by ``qkaward sample DIR --size N`` — ``stats_YYYY.xlsx`` (two title rows, a
two-level merged header, amounts in 千元, a 合计 row) and ``tax_2018_2020.xlsx`` (a sheet per year, two title
rows, amounts in 万元, a 合计 row per sheet) — with ``pandas.read_excel(engine="openpyxl", skiprows=...)``,
merges statistics and tax on (credit code, year) and decides, in a Python loop over the rows
(``DataFrame.iterrows``):

* the tier held in each year: revenue ≥ the tier's threshold for the enterprise's industry group and 区级财政
  贡献 ≥ the tier's fiscal threshold; the group comes from the GB/T 4754 section of the industry code;
* ``ladder.first_reach.tk`` for ``--year``: the first year over the whole history in which k (or a higher
  tier) was reached; several tiers first reached in the same year → only the highest (就高不重复).

Every threshold, amount and switch is read from qkaward's policy (``qkaward.policy.load_policy``, the same
``--set`` overrides as the CLI) and the division → section table from qkaward's standards file, so no policy
number is written here. The reference has no ledger (the benchmark workspaces have none), so 补差 deducts
nothing; a line is ``needs_review`` when the year before has no revenue or no fiscal figure, or (``top_up``)
when a lower tier's first-reach award fell due earlier in the policy period.

Revenue for a year: the statistics row, else the 上年同期 column of the next year's statistics file, else the
tax export's revenue — the same precedence as qkaward's frame (SPEC §1).

``--check`` runs ``qkaward awards --format json`` on the same workspace and compares the sets of
(credit_code, award) for the ladder first-reach lines — once with the bundled policy and once with every
ladder revenue and fiscal threshold divided by ``--scale`` (passed to both as ``--set`` overrides computed
from the policy file), because at benchmark sizes ≤ 100,000 few or no enterprises reach the real tiers.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

try:  # Python ≥ 3.11
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from qkaward.policy import DEFAULT_POLICY, Policy, load_policy

FIRST = "ladder.first_reach."
#: Units of the two exports as the bureaus send them (format facts, not policy): 统计局 千元, 税务局 万元.
STATS_UNIT_YUAN = 1_000
TAX_UNIT_YUAN = 10_000
#: Title rows above the header in both exports.
TITLE_ROWS = 2
CODE_LENGTH = 18


def to_yuan(value: Any, unit: int) -> int | None:
    """A cell in the export's unit → integer 元 (None for empty / non-numeric cells)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    try:
        return round(float(value) * unit)
    except (TypeError, ValueError):
        return None


def clean_code(value: Any) -> str | None:
    """Strip and upper-case a credit code; None for blanks, 合计 rows and anything not 18 characters long."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    code = str(value).strip().replace(" ", "").upper()
    return code if len(code) == CODE_LENGTH else None


def flatten(columns: pd.Index) -> list[str]:
    """Two-level merged header → one name per column ('营业收入(千元)/本年', '统一社会信用代码', …)."""
    names = []
    for col in columns:
        parts = [str(p).strip() for p in (col if isinstance(col, tuple) else (col,))]
        parts = [p for p in parts if p and not p.startswith("Unnamed") and p != "nan"]
        names.append("/".join(parts))
    return names


def pick(columns: Sequence[str], *words: str) -> str:
    """The first column whose name contains every one of ``words``."""
    for name in columns:
        if all(w in name for w in words):
            return name
    raise KeyError(f"no column with {words} in {list(columns)}")


def read_stats(path: Path) -> pd.DataFrame:
    """One statistics export → code, name, industry, year, revenue, revenue_prev (元)."""
    year = int(re.search(r"(\d{4})", path.stem).group(1))  # type: ignore[union-attr]
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", skiprows=TITLE_ROWS, header=[0, 1])
    frames = []
    for df in sheets.values():
        df.columns = flatten(df.columns)
        cols = list(df.columns)
        frames.append(
            pd.DataFrame(
                {
                    "code": df[pick(cols, "信用代码")].map(clean_code),
                    "name": df[pick(cols, "名称")],
                    "industry": df[pick(cols, "行业代码")].astype(str).str.strip(),
                    "year": year,
                    "revenue": [to_yuan(v, STATS_UNIT_YUAN) for v in df[pick(cols, "营业收入", "本年")]],
                    "revenue_prev": [to_yuan(v, STATS_UNIT_YUAN) for v in df[pick(cols, "营业收入", "上年")]],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out[out["code"].notna()].drop_duplicates(["code", "year"], keep="first")


def read_tax(path: Path) -> pd.DataFrame:
    """The tax export (a sheet per year) → code, name_tax, year, revenue_tax, fiscal (元)."""
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", skiprows=TITLE_ROWS, header=0)
    frames = []
    for df in sheets.values():
        cols = [str(c) for c in df.columns]
        df.columns = cols
        frames.append(
            pd.DataFrame(
                {
                    "code": df[pick(cols, "识别号")].map(clean_code),
                    "name_tax": df[pick(cols, "名称")],
                    "year": pd.to_numeric(df[pick(cols, "年度")], errors="coerce"),
                    "revenue_tax": [to_yuan(v, TAX_UNIT_YUAN) for v in df[pick(cols, "营业收入")]],
                    "fiscal": [to_yuan(v, TAX_UNIT_YUAN) for v in df[pick(cols, "财政贡献")]],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out[out["code"].notna() & out["year"].notna()]
    out["year"] = out["year"].astype(int)
    return out.drop_duplicates(["code", "year"], keep="first")


def workspace_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """The statistics and tax files listed in ``DIR/qkaward.toml``."""
    conf = tomllib.loads((directory / "qkaward.toml").read_text(encoding="utf-8"))["inputs"]
    stats = [p for pat in conf["stats"] for p in sorted(directory.glob(pat))]
    tax = [p for pat in conf["tax"] for p in sorted(directory.glob(pat))]
    return stats, tax


def section_table(policy: Policy) -> dict[str, str]:
    """GB/T 4754 division (2 digits) → section letter, from qkaward's standards file."""
    return {div: sec for div, sec in policy.four_above.sections_frame().iter_rows()}


def num(value: Any) -> int | None:
    """A merged cell (float with NaN for missing) → int or None."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)


def first_reach_lines(directory: Path, year: int, policy: Policy) -> list[dict[str, Any]]:
    """The ``ladder.first_reach.*`` lines for ``year`` from the xlsx workspace in ``directory``."""
    lad = policy.ladder
    tiers = lad.tiers  # highest first
    sections = section_table(policy)
    stats_files, tax_files = workspace_files(directory)

    stats = pd.concat([read_stats(p) for p in stats_files], ignore_index=True)
    tax = pd.concat([read_tax(p) for p in tax_files], ignore_index=True)
    prev = stats[["code", "year", "revenue_prev"]].copy()
    prev["year"] = prev["year"] - 1
    df = stats.drop(columns=["revenue_prev"]).merge(tax, on=["code", "year"], how="outer")
    df = df.merge(prev, on=["code", "year"], how="outer")
    df = df.sort_values(["code", "year"])

    # industry code per enterprise: the latest statistics row that has one
    industry: dict[str, str] = {}
    for _, row in stats.sort_values("year").iterrows():
        if isinstance(row["industry"], str) and row["industry"] not in ("", "nan"):
            industry[row["code"]] = row["industry"]

    # per enterprise and year: name, revenue, fiscal, tiers held, tiers reached on revenue alone
    history: dict[str, dict[int, dict[str, Any]]] = {}
    for _, row in df.iterrows():
        code = row["code"]
        y = int(row["year"])
        revenue = num(row["revenue"])
        if revenue is None:
            revenue = num(row["revenue_prev"])
        if revenue is None:
            revenue = num(row["revenue_tax"])
        fiscal = num(row["fiscal"])
        ind = industry.get(code)
        section = sections.get(ind[:2]) if ind else None
        group = None if section is None else ("main" if section in lad.main_sections else "other")
        held: set[str] = set()
        rev_ok: set[str] = set()
        if group is not None and revenue is not None:
            for t in tiers:
                if revenue >= t.revenue_yuan(group):
                    rev_ok.add(t.id)
                    if fiscal is not None and fiscal >= t.fiscal_yuan:
                        held.add(t.id)
        name = row["name"] if isinstance(row["name"], str) else row["name_tax"]
        history.setdefault(code, {})[y] = {
            "name": name,
            "revenue": revenue,
            "fiscal": fiscal,
            "held": held,
            "basis": held if lad.first_reach_basis == "both" else rev_ok,
        }

    lines: list[dict[str, Any]] = []
    for code, years in history.items():
        if year not in years:
            continue
        due: dict[str, int] = {}
        for i, t in enumerate(tiers):
            at_or_above = {u.id for u in tiers[: i + 1]}
            reached = [y for y, rec in years.items() if rec["basis"] & at_or_above]
            if reached:
                first = min(reached)
                if t.id in years[first]["held"]:
                    due[t.id] = first
        award_year: dict[str, int | None] = {}
        for i, t in enumerate(tiers):
            d = due.get(t.id)
            if lad.same_year == "highest" and any(due.get(u.id) == d for u in tiers[:i]):
                d = None
            award_year[t.id] = d
        before = years.get(year - 1)
        history_gap = before is None or before["revenue"] is None or before["fiscal"] is None
        for i, t in enumerate(tiers):
            if award_year[t.id] != year:
                continue
            lower_due = any(
                award_year[u.id] is not None and policy.period_start <= award_year[u.id] < year  # type: ignore[operator]
                for u in tiers[i + 1 :]
            )
            review = history_gap or (lad.upgrade == "top_up" and lower_due)
            lines.append(
                {
                    "credit_code": code,
                    "name": years[year]["name"],
                    "year": year,
                    "award": FIRST + t.id,
                    "amount_yuan": t.first_reach_yuan,
                    "status": "needs_review" if review else "confirmed",
                }
            )
            if lad.same_year == "highest":
                break
    return lines


# ----------------------------------------------------------------------------------------- agreement check
def scaled_overrides(scale: int, policy_path: Path = DEFAULT_POLICY) -> list[str]:
    """``--set`` overrides dividing every ladder revenue and fiscal threshold by ``scale``.

    Computed from the policy file itself (value and unit unchanged), so no policy number is written here.
    """
    raw = tomllib.loads(policy_path.read_text(encoding="utf-8"), parse_float=Decimal)
    out = []
    for tid, tier in raw["ladder"]["tiers"].items():
        for key in ("revenue_main", "revenue_other", "fiscal"):
            value = Decimal(str(tier[key]["value"])) / scale
            out.append(f"ladder.tiers.{tid}.{key}={value.normalize():f}")
    return out


def qkaward_pairs(items: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(credit_code, award) of the ladder first-reach lines in ``qkaward awards --format json`` items."""
    return {(i["credit_code"], i["award"]) for i in items if str(i["award"]).startswith(FIRST)}


def compare(reference: list[dict[str, Any]], qkaward_items: list[dict[str, Any]]) -> dict[str, Any]:
    """Agreement of the reference lines with qkaward's, on (credit_code, award) and on amount and status."""
    ref = {(r["credit_code"], r["award"]) for r in reference}
    ours = qkaward_pairs(qkaward_items)
    ref_full = {(r["credit_code"], r["award"], r["amount_yuan"], r["status"]) for r in reference}
    ours_full = {
        (i["credit_code"], i["award"], i["amount_yuan"], i["status"])
        for i in qkaward_items
        if str(i["award"]).startswith(FIRST)
    }
    return {
        "reference_lines": len(ref),
        "qkaward_lines": len(ours),
        "agree": ref == ours,
        "only_reference": sorted(ref - ours)[:10],
        "only_qkaward": sorted(ours - ref)[:10],
        "amount_and_status_agree": ref_full == ours_full,
    }


def run_qkaward(directory: Path, year: int, overrides: Sequence[str]) -> list[dict[str, Any]]:
    """``qkaward awards --format json`` on ``directory`` (with ``--set`` overrides); the item list."""
    exe = Path(sys.executable).with_name("qkaward")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "awards.json"
        cmd = [
            str(exe),
            "awards",
            "--year",
            str(year),
            "--format",
            "json",
            "-w",
            str(directory),
            "-o",
            str(out),
        ]
        for item in overrides:
            cmd += ["--set", item]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return json.loads(out.read_text(encoding="utf-8"))["items"]


def check(directory: Path, year: int, scale: int) -> dict[str, Any]:
    """Agreement with qkaward under the bundled policy and under thresholds divided by ``scale``."""
    result: dict[str, Any] = {}
    for label, overrides in (("policy", []), (f"thresholds/{scale}", scaled_overrides(scale))):
        policy = load_policy(overrides=overrides)
        result[label] = compare(
            first_reach_lines(directory, year, policy), run_qkaward(directory, year, overrides)
        )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print (or write) the first-reach lines, or ``--check`` agreement with qkaward."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path, help="workspace written by `qkaward sample DIR --size N`")
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("-o", "--output", type=Path, help="write the lines as JSON here")
    parser.add_argument("--check", action="store_true", help="compare with `qkaward awards --format json`")
    parser.add_argument("--scale", type=int, default=100, help="threshold divisor of the second --check run")
    args = parser.parse_args(argv)
    if args.check:
        result = check(args.directory, args.year, args.scale)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0 if all(r["agree"] for r in result.values()) else 1
    policy = load_policy(overrides=args.overrides)
    policy.check_year(args.year)
    lines = first_reach_lines(args.directory, args.year, policy)
    text = json.dumps({"year": args.year, "items": lines}, ensure_ascii=False)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
