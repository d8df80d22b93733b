"""Reading speed of qkaward's reader against calamine itself, on one generated xlsx.

    python benchmarks/read_speed.py [--rows 100000] [--repeat 3]

Writes a statistics export of ``--rows`` enterprises × 14 columns (title rows, a two-level
merged header, 千元 amounts) and times, in this process:
  (floor)   fastexcel/calamine loading every sheet as text, nothing else;
  (qkaward) qkaward.inputs.read_role_file: the same load plus header detection, credit-code
            checks, exact money conversion and problem collection.
Prints medians and the ratio qkaward/floor.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import fastexcel
import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from qkaward.inputs.creditcode import check_char, org_check_char
from qkaward.inputs.read import read_role_file

CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code(rng: random.Random) -> str:
    body8 = "".join(rng.choice("0123456789") for _ in range(8))
    head = "91420104" + body8 + org_check_char(body8)
    return head + check_char(head)


def write_export(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet("表1")
    ws.write_string(0, 0, "2020年规模以上企业主要经济指标")
    ws.write_string(1, 0, "单位：千元")
    top = [
        "统一社会信用代码",
        "单位详细名称",
        "行业代码",
        "街道",
        "营业收入(千元)",
        "",
        "从业人员",
        "资产总计",
        "负债合计",
        "利润总额",
        "应交增值税",
        "应付职工薪酬",
        "所属区划",
        "备注",
    ]
    for j, t in enumerate(top):
        ws.write_string(2, j, t)
    ws.write_string(3, 4, "本年")
    ws.write_string(3, 5, "上年同期")
    for i in range(rows):
        r = 4 + i
        ws.write_string(r, 0, code(rng))
        ws.write_string(r, 1, f"武汉测试{i}有限公司")
        ws.write_string(r, 2, rng.choice(["3011", "5191", "6510", "7010", "4710"]))
        ws.write_string(r, 3, "古田街")
        ws.write_number(r, 4, round(rng.lognormvariate(10, 2), 1))
        ws.write_number(r, 5, round(rng.lognormvariate(10, 2), 1))
        for j in range(6, 12):
            ws.write_number(r, j, rng.randint(0, 10**6))
        ws.write_string(r, 12, "420104")
        ws.write_string(r, 13, "")
    wb.close()


def floor(path: Path) -> None:
    reader = fastexcel.read_excel(path)
    for sheet in reader.sheet_names:
        reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stats_2020.xlsx"
        write_export(path, args.rows)
        got = read_role_file(path, "stats")
        assert got.file.rows_used == args.rows, got.file
        t_floor = median_time(lambda: floor(path), args.repeat)
        t_ours = median_time(lambda: read_role_file(path, "stats"), args.repeat)
    print(f"rows={args.rows} repeat={args.repeat}")
    print(f"calamine floor : {t_floor:.3f} s (median)")
    print(f"qkaward reader : {t_ours:.3f} s (median)")
    print(f"ratio          : {t_ours / t_floor:.2f}x")


if __name__ == "__main__":
    main()
