"""The bundled sample data set and the benchmark data generator (`qkaward sample DIR [--size N] [--seed S]`).

Two modes, both deterministic by seed (one ``random.Random(seed)``, no global state, no clock):

* ``size=None`` — a realistic 硚口区 district (about 380 enterprises, 2018–2020) shaped like real exports:
  统计局 files with title rows, "单位：千元" and a two-level merged header (one legacy ``.xls``), a 税务局
  export in 万元, enterprise master data, events (GBK csv), incubators and talents, ``qkaward.toml`` and a
  Chinese ``README.md``. It contains the enterprises of :data:`PLANTS` — each exercises one rule of SPEC
  §2–7 — and the deliberate flaws listed in the README (bad check digit, text in a number cell, duplicate
  row, 合计 rows, "-" cells, a code typed with spaces and lower case).
* ``size=N`` — N enterprises × 2018–2020 of statistics and tax exports only, as xlsx in the same shapes
  (written with xlsxwriter in constant-memory mode) and the same data as Parquet in ``parquet/`` (with its own
  ``qkaward.toml``), for the benchmarks of issue [5/6].

Money is generated as integer 元 and written in the export's unit (千元 for statistics, 万元 for tax) as the
shortest decimal that represents it, so every figure converts back to 元 exactly.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from qkaward.errors import UsageError
from qkaward.inputs.creditcode import CHARSET, check_char, org_check_char

YEARS = (2018, 2019, 2020)
#: Streets (街道) of 硚口区.
STREETS = (
    "古田街",
    "韩家墩街",
    "宗关街",
    "汉水桥街",
    "宝丰街",
    "荣华街",
    "易家街",
    "六角亭街",
    "汉正街",
    "汉中街",
    "长丰街",
)
#: 登记管理机关行政区划码: 硚口区 mostly, some city-level / neighbouring registrations (4201xx).
REGIONS = ("420104",) * 12 + ("420100", "420102", "420103", "420105", "420106")
#: Fixed document timestamp so that the xlsx files are byte-stable across runs.
DOC_TIME = datetime(2021, 3, 1, 9, 0, 0)
#: Rows per worksheet (Excel's limit, less the header rows) in the large data sets.
MAX_SHEET_ROWS = 1_048_576 - 8

# ---------------------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015, domain-notes §3)


def make_code(region: str, org8: str, prefix: str = "91") -> str:
    """A valid credit code: prefix (91 = 工商 企业), region, organisation code with its check, check char."""
    body = prefix + region + org8 + org_check_char(org8)
    return body + check_char(body)


def corrupt_check(code: str) -> str:
    """The same code with a wrong position-18 check character (the planted bad code)."""
    wrong = CHARSET[(CHARSET.index(code[17]) + 7) % 31]
    return code[:17] + wrong


class CodeMaker:
    """Distinct valid credit codes drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self, founded_year: int, region: str | None = None) -> str:
        """A fresh code: post-2015 registrations get an "MA4…" body, older ones a numeric org code."""
        rng = self.rng
        while True:
            reg = region or rng.choice(REGIONS)
            if founded_year >= 2016:
                org8 = "MA4" + "".join(rng.choice(CHARSET) for _ in range(5))
            else:
                org8 = rng.choice("5677") + "".join(rng.choice("0123456789") for _ in range(7))
            code = make_code(reg, org8)
            if code not in self.used:
                self.used.add(code)
                return code


def bulk_codes(rng: random.Random, n: int) -> list[str]:
    """n distinct valid codes quickly: "MA4" bodies numbered through a bijection of range(31**5)."""
    space = 31**5
    if n > space:
        raise UsageError(f"--size 最多为 {space}")
    mult = rng.randrange(1, space)
    while mult % 31 == 0:
        mult = rng.randrange(1, space)
    offset = rng.randrange(space)
    regions = REGIONS
    out: list[str] = []
    for i in range(n):
        k = (i * mult + offset) % space
        digits = []
        for _ in range(5):
            k, r = divmod(k, 31)
            digits.append(CHARSET[r])
        out.append(make_code(regions[i % len(regions)], "MA4" + "".join(digits)))
    return out


def id_number(rng: random.Random) -> str:
    """A fake but well-formed 18-character resident ID number (GB 11643 check, ISO 7064 MOD 11-2)."""
    region = rng.choice(
        ("420104", "420103", "420106", "420111", "420102", "110108", "310104", "430104", "320102")
    )
    birth = date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
    body = region + birth.strftime("%Y%m%d") + f"{rng.randint(1, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


# ---------------------------------------------------------------------------------------------------------
# Industries (GB/T 4754-2017 subclasses) with the NBS 四上 thresholds used to generate plausible data.
# Generation only: the rules read config/standards/four-above.toml.


@dataclass(frozen=True)
class Industry:
    """One industry subclass: name words for generated names, weight in the district, NBS threshold (万元)."""

    code: str
    words: tuple[str, ...]
    weight: int
    before_2019: int | None  # threshold for the 2018 data year; None = qualification-based (E, K 7010)
    from_2019: int | None

    def threshold_yuan(self, year: int) -> int | None:
        """The 四上 revenue threshold in 元 for a data year, or None when there is no money test."""
        wan = self.before_2019 if year <= 2018 else self.from_2019
        return None if wan is None else wan * 10_000


INDUSTRIES: tuple[Industry, ...] = (
    Industry("1819", ("服饰", "制衣"), 5, 2000, 2000),
    Industry("2319", ("包装印刷", "印务"), 3, 2000, 2000),
    Industry("2720", ("医药", "制药"), 3, 2000, 2000),
    Industry("3011", ("建材", "水泥制品"), 2, 2000, 2000),
    Industry("3311", ("钢结构", "金属结构"), 3, 2000, 2000),
    Industry("3670", ("汽车零部件", "汽车配件"), 4, 2000, 2000),
    Industry("3831", ("电线电缆",), 2, 2000, 2000),
    Industry("3921", ("通信技术", "光电科技"), 3, 2000, 2000),
    Industry("4710", ("建设工程", "建筑工程"), 4, None, None),
    Industry("4910", ("机电安装工程", "电气工程"), 2, None, None),
    Industry("5011", ("装饰工程", "建筑装饰"), 3, None, None),
    Industry("5123", ("农产品", "果蔬贸易"), 4, 2000, 2000),
    Industry("5132", ("服装贸易", "服饰贸易"), 9, 2000, 2000),
    Industry("5151", ("医药贸易", "医药"), 4, 2000, 2000),
    Industry("5165", ("建材贸易", "建材"), 4, 2000, 2000),
    Industry("5174", ("五金机电", "机电设备"), 5, 2000, 2000),
    Industry("5191", ("供应链管理", "商贸", "贸易"), 6, 2000, 2000),
    Industry("5211", ("百货", "商业"), 3, 500, 500),
    Industry("5212", ("超市", "生活超市"), 3, 500, 500),
    Industry("5251", ("大药房", "药房连锁"), 3, 500, 500),
    Industry("5261", ("汽车销售服务", "汽车贸易"), 3, 500, 500),
    Industry("5431", ("物流", "运输"), 4, 1000, 2000),
    Industry("5990", ("仓储服务", "仓储物流"), 2, 1000, 2000),
    Industry("6110", ("酒店管理", "大酒店"), 2, 200, 200),
    Industry("6121", ("宾馆", "商务酒店"), 2, 200, 200),
    Industry("6210", ("餐饮管理", "酒楼"), 4, 200, 200),
    Industry("6220", ("餐饮服务", "快餐"), 2, 200, 200),
    Industry("6429", ("网络科技", "互联网科技"), 2, 1000, 2000),
    Industry("6513", ("软件", "信息技术"), 3, 1000, 2000),
    Industry("6531", ("信息系统", "智能科技"), 2, 1000, 2000),
    Industry("7010", ("置业", "房地产开发"), 3, None, None),
    Industry("7020", ("物业服务", "物业管理"), 3, 1000, 1000),
    Industry("7030", ("房地产经纪", "房产中介"), 1, 1000, 1000),
    Industry("7212", ("投资管理", "资产管理"), 2, 1000, 1000),
    Industry("7281", ("会展服务",), 1, 1000, 1000),
    Industry("7299", ("企业管理咨询", "商务服务"), 2, 1000, 1000),
    Industry("7320", ("工程技术研究", "科技发展"), 2, 1000, 1000),
    Industry("7452", ("检测技术", "检验检测"), 1, 1000, 1000),
    Industry("7484", ("工程设计",), 2, 1000, 1000),
    Industry("7820", ("环境卫生", "环境工程"), 1, 1000, 2000),
    Industry("8010", ("家政服务",), 1, 500, 500),
    Industry("8111", ("汽车维修",), 1, 500, 500),
    Industry("8391", ("职业培训", "教育咨询"), 1, 1000, 1000),
    Industry("8411", ("医院",), 1, 1000, 2000),
    Industry("8514", ("养老服务",), 1, 500, 500),
    Industry("8810", ("文化传媒", "文化艺术"), 2, 500, 500),
)
INDUSTRY_BY_CODE = {ind.code: ind for ind in INDUSTRIES}
_EXTRA_WORDS = {"7590": ("孵化器管理", "创业服务")}

# Name parts for enterprise names that look real but belong to no real company.
_PLACE = ("武汉", "武汉", "武汉", "湖北", "武汉市")
_TRADE_A = "澜禾岚珈琨翊骁岱沅芷樾昀澄珩璟湛煦棠霁钧祺珂烁洺泓熠岑朗栎谦崇峪汐硚宗韩"
_TRADE_B = "启澄昀熠岑泓珩璟湛煦朗棠栎霁钧祺珂烁洺岱禾翊芷沅樾峪睿铖骞"
_AVOID = (
    "华润",
    "恒大",
    "信达",
    "远大",
    "万达",
    "华为",
    "中百",
    "葛洲",
    "武商",
    "汉商",
    "卓尔",
    "九州",
    "楚天",
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许"
    "韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢钟谭汪范金廖夏付方邹熊秦邱"
)
_GIVEN = "伟芳敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红玲芬燕彬斌宇浩凯健俊帆旭宁琳晨睿博文"


def company_name(rng: random.Random, industry: str, used: set[str]) -> str:
    """A plausible, unused enterprise name for an industry code."""
    words = INDUSTRY_BY_CODE[industry].words if industry in INDUSTRY_BY_CODE else _EXTRA_WORDS[industry]
    while True:
        a, b = rng.choice(_TRADE_A), rng.choice(_TRADE_B)
        trade = a + b
        if a == b or trade in _AVOID:
            continue
        roll = rng.random()
        suffix = "股份有限公司" if roll < 0.08 else "有限责任公司" if roll < 0.13 else "有限公司"
        name = rng.choice(_PLACE) + trade + rng.choice(words) + suffix
        if name not in used:
            used.add(name)
            return name


def person_name(rng: random.Random) -> str:
    """A common-looking Chinese personal name."""
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


# ---------------------------------------------------------------------------------------------------------
# Planted enterprises: each exercises one rule of SPEC §2–7. Money is given as written in the exports:
# revenue in 千元 (统计局), tax revenue and fiscal contribution in 万元 (税务局);
# one value per year 2018, 2019, 2020, None = no row that year.
# Ladder thresholds (千元 / 万元): main (E, F, K) t1 50,000,000 / t2 10,000,000 /
# t3 5,000,000; other t1 10,000,000 / t2 5,000,000 / t3 2,000,000; fiscal t1 5000 / t2 2000 / t3 800.

Years3 = tuple[str | None, str | None, str | None]
_NONE3: Years3 = (None, None, None)


@dataclass(frozen=True)
class Plant:
    """One planted enterprise and the rule it exercises."""

    key: str
    exercises: str  # what the rules should conclude, in Chinese
    name: str
    industry: str
    revenue: Years3 = _NONE3  # 统计局 营业收入(千元); a value = a row in that year's statistics export
    fiscal: Years3 = _NONE3  # 税务局 区级财政贡献(万元); a value = a row in the tax export
    tax_revenue: Years3 = _NONE3  # 税务局 营业收入(万元) for years without a statistics row
    founded: str = "2006-04-18"
    valuation: str | None = None  # 最新估值(亿美元)
    listed: bool = False
    events: tuple[tuple[str, str], ...] = ()  # (事项, 日期)
    street: str = "汉正街"
    region: str = "420104"


PLANTS: tuple[Plant, ...] = (
    # ---- 三(二)1 revenue ladders: first reach of each tier, group main (E/F/K) and group other
    Plant(
        "ladder.main.t1.2019",
        "主类(F)2019年首次达到五百亿级：首次达到1000万+增长(5600/3600)200万；2018年已达百亿级(仅历史)；2020年增长不足15%",
        "湖北硚信商贸有限公司",
        "5191",
        ("42000000", "52345678.9", "55012345.6"),
        ("3600", "5600", "6000"),
        street="汉正街",
    ),
    Plant(
        "ladder.main.t2.2020",
        "主类(E建筑业)2020年首次达到百亿级500万+增长(2100/1700)100万；2018、2019年为五十亿级",
        "武汉澜棠建设工程有限公司",
        "4710",
        ("8000000", "9000000", "10500000"),
        ("1500", "1700", "2100"),
        street="宗关街",
        founded="1998-09-02",
    ),
    Plant(
        "ladder.main.t3.2019",
        "主类(K 7010)2019年首次达到五十亿级100万+增长(850/600)50万；2020年增长不足",
        "武汉汉江湾置业有限公司",
        "7010",
        ("4000000", "5200000", "5300000"),
        ("600", "850", "900"),
        street="宝丰街",
        founded="2003-06-11",
    ),
    Plant(
        "ladder.other.t1.2020",
        "其他类(C)2020年首次达到五百亿级(其他类100亿)1000万+增长200万；2018年起百亿级，2019年百亿级增长(4000/3000)100万",
        "湖北岱朗汽车零部件股份有限公司",
        "3670",
        ("7000000", "8500000", "10200000"),
        ("3000", "4000", "5100"),
        street="易家街",
        founded="1996-03-28",
    ),
    Plant(
        "ladder.other.t2.2019",
        "其他类(I)2019年首次达到百亿级(其他类50亿)500万+增长100万；2018年为五十亿级(仅历史)",
        "武汉汉江湾启明科技有限公司",
        "6513",
        ("4000000", "5600000", "5800000"),
        ("1500", "2300", "2400"),
        street="古田街",
        founded="2009-07-07",
    ),
    Plant(
        "ladder.other.t3.2019",
        "其他类(C)2019年首次达到五十亿级(其他类20亿)100万+增长50万；2020年增长950/820=15.9%再得50万——2020年税务行的代码带空格、小写",
        "武汉沅峪建材有限公司",
        "3011",
        ("1500000", "2100000", "2300000"),
        ("500", "820", "950"),
        street="长丰街",
        founded="2001-12-20",
        region="420100",
    ),
    # ---- exactly at a threshold and one 元 below
    Plant(
        "edge.main.t3.exact",
        "主类(F)2020年营业收入恰为50亿(5,000,000千元)、财政恰为800万：首次达到五十亿级100万（“以上”含本数）",
        "武汉珈禾供应链管理有限公司",
        "5191",
        ("4500000", "4800000", "5000000"),
        ("700", "780", "800"),
        street="汉中街",
        founded="2010-05-05",
    ),
    Plant(
        "edge.main.t3.revenue_below",
        "主类(F)2020年营业收入差1元(4,999,999.999千元)：无档次，入准五十亿培育库",
        "武汉翊煦商贸有限公司",
        "5212",
        ("4600000", "4900000", "4999999.999"),
        ("800", "850", "900"),
        street="六角亭街",
        founded="2007-02-14",
    ),
    Plant(
        "edge.other.t3.exact",
        "其他类(I)2020年营业收入恰为20亿、财政恰为800万：首次达到五十亿级100万",
        "武汉琨昀软件有限公司",
        "6513",
        ("1700000", "1900000", "2000000"),
        ("600", "700", "800"),
        street="古田街",
        founded="2011-10-10",
    ),
    Plant(
        "edge.other.t3.fiscal_below",
        "其他类(C)2020年营业收入25亿但财政差1元(799.9999万)：无档次",
        "武汉樾澄钢结构有限公司",
        "3311",
        ("2100000", "2300000", "2500000"),
        ("600", "700", "799.9999"),
        street="韩家墩街",
        founded="2005-08-08",
    ),
    # ---- tier jumped in one year, later upgrade (补差), growth at and below 15%,
    #      history only, history missing
    Plant(
        "jump.main.none_to_t2.2020",
        "主类(F)2020年由无档次直接达到百亿级：同年达到五十亿级与百亿级，就高不重复只奖百亿级500万+增长100万",
        "武汉骁珂贸易有限公司",
        "5191",
        ("3000000", "3500000", "11000000"),
        ("450", "500", "2500"),
        street="汉正街",
        founded="2012-01-16",
    ),
    Plant(
        "jump.other.none_to_t1.2019",
        "其他类(C)2019年由无档次直接达到五百亿级：只奖五百亿级1000万+增长200万",
        "湖北崇熠光电科技股份有限公司",
        "3921",
        ("1200000", "10500000", "11000000"),
        ("300", "5200", "5400"),
        street="荣华街",
        founded="2013-04-01",
        region="420106",
    ),
    Plant(
        "upgrade.other.t3_2019_t2_2020",
        "其他类(C)2019年首次达到五十亿级100万+增长50万；2020年升百亿级：500万扣减台账已发的100万(补差)，台账无记录则待核实；增长100万",
        "武汉谦泓电线电缆有限公司",
        "3831",
        ("1600000", "2400000", "5100000"),
        ("600", "900", "2100"),
        street="易家街",
        founded="2002-11-30",
    ),
    Plant(
        "growth.exact_15",
        "其他类(I)2018年已达五十亿级；2020年财政1150/1000恰增长15%：五十亿级增长奖50万；2019年增长11%无",
        "武汉岚钧信息技术有限公司",
        "6513",
        ("2500000", "2600000", "2700000"),
        ("900", "1000", "1150"),
        street="汉水桥街",
        founded="2008-03-03",
    ),
    Plant(
        "growth.below_15",
        "其他类(I)2020年财政1149.9999/1000，增长差1元不足15%：无增长奖",
        "武汉芷璟网络科技有限公司",
        "6429",
        ("2500000", "2550000", "2600000"),
        ("900", "1000", "1149.9999"),
        street="汉水桥街",
        founded="2008-06-18",
    ),
    Plant(
        "history.first_reach_2018",
        "其他类(I)2018年首次达到五十亿级(政策期前，仅历史)：2019、2020年不再首次达到，增长不足",
        "武汉汐朗信息系统有限公司",
        "6531",
        ("2200000", "2250000", "2300000"),
        ("850", "860", "870"),
        street="宗关街",
        founded="2004-09-09",
    ),
    Plant(
        "history.prev_missing",
        "其他类(C)2020年首次出现即达五十亿级：上一年无营业收入、无财政数据(上年同期为“-”)，首次达到标记待核实；无增长奖；另为2020年新进规上工业",
        "武汉栎岑医药有限公司",
        "2720",
        (None, None, "3000000"),
        (None, None, "1000"),
        street="长丰街",
        founded="2018-12-03",
        region="420100",
    ),
    # ---- 三(二)2 newly 规上/限上 (in the 2020 statistics export, absent from 2019's)
    Plant(
        "scale_entry.industry.2020",
        "2020年新进规上工业(C)：5万，区科经局",
        "武汉禾铖金属结构有限公司",
        "3311",
        (None, None, "23456.7"),
        ("28", "33", "52.5"),
        ("1500", "1750", None),
        street="韩家墩街",
        founded="2014-07-21",
    ),
    Plant(
        "scale_entry.wholesale.2020",
        "2020年新进限上批发(51)：5万，区商务局",
        "武汉棠祺服装贸易有限公司",
        "5132",
        (None, None, "21000"),
        ("18", "24", "31"),
        ("1200", "1650", None),
        street="汉正街",
        founded="2015-05-12",
    ),
    Plant(
        "scale_entry.retail.2020",
        "2020年新进限上零售(52)：5万",
        "武汉霁芷大药房有限公司",
        "5251",
        (None, None, "5600"),
        ("6", "7.2", "9.8"),
        ("380", "430", None),
        street="六角亭街",
        founded="2016-08-30",
    ),
    Plant(
        "scale_entry.hotel.2020",
        "2020年新进限上住宿(61)：5万",
        "武汉煦棠酒店管理有限公司",
        "6110",
        (None, None, "2650.5"),
        ("3", "3.5", "4.1"),
        ("150", "170", None),
        street="宝丰街",
        founded="2017-03-15",
    ),
    Plant(
        "scale_entry.services.2020",
        "2020年新进规上服务业(I，2000万标准)：5万，区商务局",
        "武汉朗熠软件有限公司",
        "6513",
        (None, None, "25000"),
        ("20", "26", "40"),
        ("900", "1700", None),
        street="古田街",
        founded="2016-11-11",
    ),
    Plant(
        "scale_entry.construction.2020",
        "2020年首次出现在统计局数据的建筑业(E)：默认不奖(include_construction)",
        "武汉峪澄机电安装工程有限公司",
        "4910",
        (None, None, "15000"),
        ("40", "45", "60"),
        ("900", "1100", None),
        street="汉中街",
        founded="2012-02-02",
    ),
    Plant(
        "scale_entry.real_estate.2020",
        "2020年首次出现的房地产开发经营(K 7010)：默认不奖(include_real_estate)",
        "武汉钧岱置业有限公司",
        "7010",
        (None, None, "88000"),
        (None, "10", "180"),
        (None, "120", None),
        street="荣华街",
        founded="2019-01-09",
    ),
    Plant(
        "scale_entry.catering.2019",
        "2019年新进限上餐饮(62)：5万(2019年)",
        "武汉烁禾餐饮管理有限公司",
        "6210",
        (None, "3200", "3500"),
        ("4", "6", "6.5"),
        ("180", None, None),
        street="汉中街",
        founded="2013-10-01",
    ),
    Plant(
        "scale_entry.industry.2019",
        "2019年新进规上工业(C)：5万(2019年)",
        "武汉洺珂通信技术有限公司",
        "3921",
        (None, "26800", "31000"),
        ("30", "42", "47"),
        ("1800", None, None),
        street="宗关街",
        founded="2014-04-04",
    ),
    # ---- listings (三(二)1) and honours (三(二)2)
    Plant(
        "listing.main_board.2019",
        "2019-11-08上交所主板上市：境内外主板上市奖300万",
        "湖北璟澜医药股份有限公司",
        "2720",
        ("620000", "710000", "805000"),
        ("90", "95", "110"),
        founded="2003-05-20",
        listed=True,
        events=(("上交所主板上市", "2019-11-08"), ("高新技术企业", "2019-10-28")),
        street="古田街",
    ),
    Plant(
        "listing.star_market.2020",
        "2017年新三板挂牌，2020-07-22科创板上市：科创板上市奖200万(每企业只奖一次)",
        "武汉珩岱光电科技股份有限公司",
        "3921",
        ("210000", "268000", "352000"),
        ("35", "48", "66"),
        founded="2011-09-15",
        listed=True,
        events=(("新三板挂牌", "2017-06-12"), ("高新技术企业", "2018-11-30"), ("科创板上市", "2020-07-22")),
        street="易家街",
    ),
    Plant(
        "listing.hk_main_board.2020",
        "2020-12-10港交所主板上市：境内外主板上市奖300万",
        "武汉宗昀供应链管理股份有限公司",
        "5191",
        ("1800000", "2100000", "2350000"),
        ("150", "180", "210"),
        founded="2008-12-01",
        listed=True,
        events=(("港交所主板上市", "2020-12-10"),),
        street="汉正街",
    ),
    Plant(
        "listing.neeq.2020",
        "2020-03-16新三板挂牌：无奖励，计入新三板目标",
        "武汉硚禾检测技术股份有限公司",
        "7452",
        ("16000", "18500", "21000"),
        ("5", "6", "7.5"),
        founded="2012-06-06",
        events=(("新三板挂牌", "2020-03-16"),),
        street="韩家墩街",
    ),
    Plant(
        "listing.chinext.2020",
        "2020-09-25创业板上市：无奖励，计入新增上市目标",
        "武汉韩煦智能科技股份有限公司",
        "6531",
        ("150000", "175000", "205000"),
        ("25", "30", "38"),
        founded="2010-01-20",
        listed=True,
        events=(("创业板上市", "2020-09-25"),),
        street="宝丰街",
    ),
    Plant(
        "honor.hidden_champion_demo.2019",
        "2019年隐形冠军示范企业：50万",
        "武汉崇珂精密电线电缆有限公司",
        "3831",
        ("380000", "420000", "455000"),
        ("40", "45", "50"),
        founded="2001-04-12",
        events=(("隐形冠军示范企业", "2019-12-20"),),
        street="长丰街",
    ),
    Plant(
        "honor.hidden_champion_cultivate.2020",
        "2020年隐形冠军培育企业：5万",
        "武汉栎珂包装印刷有限公司",
        "2319",
        ("56000", "61000", "70000"),
        ("8", "9", "10.5"),
        founded="2009-09-19",
        events=(("隐形冠军培育企业", "2020-11-05"),),
        street="汉水桥街",
    ),
    Plant(
        "honor.little_giant.2019_2020",
        "2019年科技小巨人企业2万；2020年隐形冠军培育企业5万(不同事项各奖)；2019年高新技术企业(无奖)",
        "武汉泓禾工程技术研究有限公司",
        "7320",
        ("32000", "38000", "44000"),
        ("6", "7", "9"),
        founded="2012-12-12",
        events=(
            ("科技小巨人企业", "2019-10-15"),
            ("高新技术企业", "2019-12-02"),
            ("隐形冠军培育企业", "2020-11-05"),
        ),
        street="古田街",
    ),
    # ---- pools (SPEC §7): gazelles by revenue band, unicorns, pre-四上
    Plant(
        "gazelle.band_1000_5000",
        "瞪羚：成立≤10年，营业收入2500万∈[1000万,5000万)、增长25%≥20%(2020)；2019年增长33%",
        "武汉昀澜科技发展有限公司",
        "7320",
        ("15000", "20000", "25000"),
        ("2", "3", "4"),
        founded="2014-03-18",
        street="荣华街",
    ),
    Plant(
        "gazelle.band_5000_10000",
        "瞪羚：营业收入6960万∈[5000万,1亿)、增长16%≥15%(2020)",
        "武汉澄霁光电科技有限公司",
        "3921",
        ("52000", "60000", "69600"),
        ("6", "7", "8"),
        founded="2012-05-09",
        street="易家街",
    ),
    Plant(
        "gazelle.band_1e8_5e8",
        "瞪羚：营业收入2.22亿∈[1亿,5亿]、增长11%≥10%(2020)；成立9年",
        "武汉熠珩信息系统有限公司",
        "6531",
        ("150000", "200000", "222000"),
        ("20", "26", "29"),
        founded="2011-08-01",
        street="汉中街",
    ),
    Plant(
        "gazelle.just_below",
        "非瞪羚(2020)：营业收入2398万、增长19.9%<20%；2019年增长25%为瞪羚",
        "武汉祺栎科技发展有限公司",
        "7320",
        ("16000", "20000", "23980"),
        ("2", "2.5", "3"),
        founded="2015-02-27",
        street="宗关街",
    ),
    Plant(
        "gazelle.too_old",
        "非瞪羚(2020)：增长30%但成立11年；2019年成立10年、为瞪羚",
        "武汉湛钧工程设计有限公司",
        "7484",
        ("20000", "26000", "33800"),
        ("3", "4", "5"),
        founded="2009-06-30",
        street="汉水桥街",
    ),
    Plant(
        "unicorn",
        "独角兽：成立2014年(≤10年)、未上市、估值12.5亿美元",
        "武汉霁昀数据科技有限公司",
        "6513",
        ("180000", "260000", "390000"),
        ("12", "18", "26"),
        founded="2014-05-20",
        valuation="12.5",
        street="古田街",
    ),
    Plant(
        "pre_unicorn.young",
        "准独角兽：成立2017年(≤5年)、估值0.8亿美元、未上市",
        "武汉芷熠网络科技有限公司",
        "6429",
        fiscal=("0.5", "1.2", "2.6"),
        tax_revenue=("300", "700", "1500"),
        founded="2017-09-01",
        valuation="0.8",
        street="汉正街",
    ),
    Plant(
        "pre_unicorn.older",
        "准独角兽：成立2013年(5—9年)、估值2.3亿美元、未上市",
        "武汉骁澄智能科技有限公司",
        "6531",
        ("60000", "82000", "105000"),
        ("5", "7", "9"),
        founded="2013-04-10",
        valuation="2.3",
        street="荣华街",
    ),
    Plant(
        "pre_unicorn.below_unicorn",
        "准独角兽而非独角兽：估值9.9亿美元(<10亿)，成立2015年",
        "武汉沅朗软件有限公司",
        "6513",
        ("90000", "120000", "160000"),
        ("8", "10", "13"),
        founded="2015-12-08",
        valuation="9.9",
        street="宝丰街",
    ),
    Plant(
        "unicorn.listed",
        "非独角兽：估值15亿美元但已上市(2018年深交所主板，政策期前，不再奖励上市)",
        "湖北峪琨新材料股份有限公司",
        "3011",
        ("950000", "1020000", "1100000"),
        ("70", "80", "88"),
        founded="2012-03-01",
        valuation="15",
        listed=True,
        events=(("深交所主板上市", "2018-05-10"),),
        street="长丰街",
    ),
    Plant(
        "pre_four_above.industry",
        "准四上(C)：仅税务局数据，2020年营业收入1800万=规上工业标准2000万的90%",
        "武汉翊沅钢结构有限公司",
        "3311",
        fiscal=("12", "14", "16"),
        tax_revenue=("1500", "1650", "1800"),
        founded="2013-11-11",
        street="韩家墩街",
    ),
    Plant(
        "pre_four_above.retail",
        "准四上(52)：2020年营业收入450万=限上零售500万的90%",
        "湖北禾朗商业有限公司",
        "5211",
        fiscal=("2", "2.4", "3"),
        tax_revenue=("300", "380", "450"),
        founded="2016-04-06",
        street="六角亭街",
    ),
    Plant(
        "pre_four_above.services",
        "准四上(L)：2020年营业收入990万=规上服务业1000万的99%",
        "武汉澜祺投资管理有限公司",
        "7212",
        fiscal=("8", "9", "11"),
        tax_revenue=("700", "800", "990"),
        founded="2015-07-17",
        street="汉中街",
    ),
    Plant(
        "pre_four_above.below",
        "非准四上(C)：2020年营业收入1590万=79.5%<80%",
        "武汉珈栎服饰有限公司",
        "1819",
        fiscal=("9", "10", "11"),
        tax_revenue=("1400", "1500", "1590"),
        founded="2010-10-10",
        street="汉正街",
    ),
    Plant(
        "pre_four_above.construction",
        "非准四上：建筑业(E)无金额标准，不入库",
        "武汉樾岚装饰工程有限公司",
        "5011",
        fiscal=("6", "7", "8"),
        tax_revenue=("800", "900", "950"),
        founded="2011-01-01",
        street="宗关街",
    ),
    Plant(
        "pre_four_above.transport_2019",
        "准四上(G)：营业收入1700万；2018年标准1000万时不在统计局数据，2019年起标准2000万，2019、2020年为85%",
        "武汉岑珂物流有限公司",
        "5431",
        fiscal=("10", "11", "11"),
        tax_revenue=("950", "1700", "1700"),
        founded="2014-09-09",
        street="易家街",
    ),
)


@dataclass(frozen=True)
class IncubatorPlant:
    """A planted incubator carrier: operator and one row per year (level, recognised year, counts)."""

    key: str
    exercises: str
    operator: str  # operator's enterprise name
    carrier: str
    rows: tuple[
        tuple[int, str, int, int, int, int], ...
    ]  # (年度, 认定级别, 认定年份, 总数, 新增, 新认定高企)
    street: str = "古田街"
    founded: str = "2015-06-01"


INCUBATOR_PLANTS: tuple[IncubatorPlant, ...] = (
    IncubatorPlant(
        "incubator.scale.2020",
        "2020年入驻128≥100、新增56≥50、新认定高企6≥5：规模奖50万+高企6×5万；2019年不达标(高企3×5万)",
        "武汉汉江湾创业服务有限公司",
        "硚口汉江湾创新创业孵化器",
        ((2018, "区级", 2017, 70, 25, 1), (2019, "区级", 2017, 95, 40, 3), (2020, "区级", 2017, 128, 56, 6)),
    ),
    IncubatorPlant(
        "incubator.scale.just_fails.2020",
        "2020年入驻100、新增50(恰达)但新认定高企4<5：无规模奖，高企4×5万",
        "武汉宗岚孵化器管理有限公司",
        "宗关科创空间",
        ((2019, "区级", 2016, 80, 30, 2), (2020, "区级", 2016, 100, 50, 4)),
        street="宗关街",
    ),
    IncubatorPlant(
        "incubator.recognized.city.2020",
        "2020年新认定市级众创空间：认定补贴20万(2020年)",
        "武汉古禾创业服务有限公司",
        "古田众创空间",
        ((2020, "市级", 2020, 36, 22, 1),),
        founded="2019-05-20",
    ),
    IncubatorPlant(
        "incubator.recognized.district.2019",
        "2019年认定区级：认定补贴20万(2019年)，2020年不再重复",
        "武汉荣珂孵化器管理有限公司",
        "荣华创客空间",
        ((2019, "区级", 2019, 30, 18, 0), (2020, "区级", 2019, 45, 20, 2)),
        street="荣华街",
    ),
)


@dataclass(frozen=True)
class TalentPlant:
    """A planted talent: programme, selected year, employer (a plant key)."""

    programme: str
    year: int
    employer: str  # Plant.key
    exercises: str


TALENT_PLANTS: tuple[TalentPlant, ...] = (
    TalentPlant("千人计划", 2019, "listing.star_market.2020", "千人计划2019：项目资助100万"),
    TalentPlant("百人计划", 2020, "unicorn", "百人计划2020：100万"),
    TalentPlant("黄鹤英才", 2019, "gazelle.band_1e8_5e8", "黄鹤英才2019：100万"),
    TalentPlant("黄鹤英才计划", 2020, "pre_unicorn.older", "名称含“黄鹤英才”2020：100万"),
    TalentPlant(
        "区级高层次人才",
        2020,
        "honor.little_giant.2019_2020",
        "区级计划不在奖励名单：无奖励，计入区级人才目标",
    ),
    TalentPlant("区级高层次人才", 2019, "gazelle.band_1000_5000", "区级：无奖励"),
)

# ---------------------------------------------------------------------------------------------------------
# The generated district


@dataclass
class Firm:
    """One enterprise of the data set with its yearly figures in 元."""

    code: str
    name: str
    industry: str
    street: str
    founded: date
    stats: dict[int, int] = field(default_factory=dict)  # 营业收入 in a statistics row, 元
    tax_revenue: dict[int, int] = field(default_factory=dict)  # 营业收入 known to the tax bureau, 元
    fiscal: dict[int, int] = field(default_factory=dict)  # 区级财政贡献, 元 (a tax row per key)
    prev_2017: int | None = None  # 上年同期 shown in the 2018 statistics export
    valuation: str | None = None
    listed: bool = False
    events: tuple[tuple[str, str], ...] = ()
    key: str = ""  # plant key, "" for background firms

    def prev_revenue(self, year: int) -> int | None:
        """The 上年同期 value shown in `year`'s statistics export."""
        if year == YEARS[0]:
            return self.prev_2017
        return self.stats.get(year - 1, self.tax_revenue.get(year - 1))


def _yuan(text: str | None, factor: int) -> int | None:
    """A planted figure in its export unit → integer 元."""
    if text is None:
        return None
    value = Decimal(text) * factor
    if value != value.to_integral_value():
        raise ValueError(f"{text} is not a whole number of 元")
    return int(value)


def _plant_firm(plant: Plant, codes: CodeMaker) -> Firm:
    """The Firm of a planted spec."""
    founded = date.fromisoformat(plant.founded)
    firm = Firm(
        codes.new(founded.year, plant.region),
        plant.name,
        plant.industry,
        plant.street,
        founded,
        valuation=plant.valuation,
        listed=plant.listed,
        events=plant.events,
        key=plant.key,
    )
    for i, year in enumerate(YEARS):
        rev = _yuan(plant.revenue[i], 1000)
        fis = _yuan(plant.fiscal[i], 10_000)
        tax_rev = _yuan(plant.tax_revenue[i], 10_000)
        if rev is not None:
            firm.stats[year] = rev
            firm.tax_revenue[year] = rev
        elif tax_rev is not None:
            firm.tax_revenue[year] = tax_rev
        if fis is not None:
            firm.fiscal[year] = fis
    first = firm.stats.get(YEARS[0])
    if first is not None:
        firm.prev_2017 = first * 10 // 11 // 1000 * 1000
    return firm


def _round_revenue(rng: random.Random, yuan: float) -> int:
    """Revenue rounded as a statistics export shows it: whole 千元, or 千元 with one decimal."""
    step = 1000 if rng.random() < 0.6 else 100
    return max(step, round(yuan / step) * step)


def _background_firm(rng: random.Random, codes: CodeMaker, names: set[str], four_above: bool) -> Firm:
    """A small or medium enterprise: log-normal revenue, fiscal a few % of revenue, yearly growth."""
    ind = rng.choices(INDUSTRIES, weights=[i.weight for i in INDUSTRIES])[0]
    founded = date(
        rng.choice(range(1993, 2020)) if four_above else rng.choice(range(2005, 2020)),
        rng.randint(1, 12),
        rng.randint(1, 28),
    )
    firm = Firm(
        codes.new(founded.year), company_name(rng, ind.code, names), ind.code, rng.choice(STREETS), founded
    )
    base_threshold = ind.threshold_yuan(2019) or 30_000_000
    if four_above:
        revenue = (
            base_threshold * min(rng.lognormvariate(0.9, 0.9), 800_000_000 / base_threshold)
            + base_threshold * 0.03
        )
    else:
        revenue = base_threshold * rng.uniform(0.15, 0.75)
    rate = rng.uniform(0.003, 0.025)
    gone_2020 = rng.random() < 0.03
    firm.prev_2017 = _round_revenue(rng, revenue / (1 + rng.gauss(0.07, 0.12)))
    for year in YEARS:
        if year > YEARS[0]:
            revenue *= max(0.5, 1 + rng.gauss(0.07, 0.15))
        if founded.year > year or (gone_2020 and year == 2020):
            continue
        rev = _round_revenue(rng, revenue)
        threshold = ind.threshold_yuan(year)
        in_stats = four_above if threshold is None else rev >= threshold
        if in_stats:
            firm.stats[year] = rev
        firm.tax_revenue[year] = rev
        firm.fiscal[year] = max(100, round(rev * rate * rng.uniform(0.85, 1.2) / 100) * 100)
    if founded.year >= YEARS[0]:
        firm.prev_2017 = None
    return firm


@dataclass
class District:
    """Everything of the default data set before it is laid out in files."""

    firms: list[Firm]
    bad_code_firm: Firm  # appears once, in the 2019 statistics export, with a wrong check character
    duplicate_code: str  # its 2019 statistics row appears twice
    text_cell_code: str  # its 2020 revenue cell reads 待核实
    spaced_code_key: str  # plant whose 2020 tax row has the code typed with spaces and lower case
    dash_key: str  # plant whose 2020 上年同期 cell is "-"
    operators: dict[str, Firm]  # incubator key → operator firm
    talents: list[tuple[str, str, str, str, str, int]]  # 姓名, 证件号码, 计划, 企业代码, 企业名称, 年度


def build_district(seed: int, background: int = 330) -> District:
    """Plants, incubator operators, background firms and the flaw targets, all from one seeded generator."""
    rng = random.Random(seed)
    codes = CodeMaker(rng)
    names = {p.name for p in PLANTS} | {p.operator for p in INCUBATOR_PLANTS}
    firms = [_plant_firm(p, codes) for p in PLANTS]
    operators: dict[str, Firm] = {}
    for inc in INCUBATOR_PLANTS:
        founded = date.fromisoformat(inc.founded)
        op = Firm(codes.new(founded.year), inc.operator, "7590", inc.street, founded, key=inc.key)
        for year in YEARS:
            if year >= founded.year:
                op.tax_revenue[year] = rng.randint(80, 600) * 10_000
                op.fiscal[year] = rng.randint(20, 400) * 1000
        operators[inc.key] = op
    n_four = background * 3 // 4
    back = [_background_firm(rng, codes, names, i < n_four) for i in range(background)]
    firms += list(operators.values()) + back
    bad = _background_firm(rng, codes, names, True)
    while 2019 not in bad.stats:
        bad = _background_firm(rng, codes, names, True)
    bad.code = corrupt_check(bad.code)
    in_both = [f for f in back if 2019 in f.stats and 2020 in f.stats and 2018 in f.stats]
    dup, text = rng.sample(in_both, 2)
    talents = _talents(rng, firms)
    return District(
        firms, bad, dup.code, text.code, "ladder.other.t3.2019", "history.prev_missing", operators, talents
    )


def _talents(rng: random.Random, firms: Sequence[Firm]) -> list[tuple[str, str, str, str, str, int]]:
    """Planted talents plus background 区级/市级 talents in background firms."""
    by_key = {f.key: f for f in firms if f.key}
    rows = []
    for t in TALENT_PLANTS:
        firm = by_key[t.employer]
        rows.append((person_name(rng), id_number(rng), t.programme, firm.code, firm.name, t.year))
    pool = [f for f in firms if not f.key and f.industry[:2] in {"27", "39", "65", "64", "73", "74"}] or list(
        firms
    )
    for _ in range(14):
        firm = rng.choice(pool)
        programme = rng.choice(("区级高层次人才", "区级高层次人才", "武汉市城市合伙人", "黄鹤英才"))
        rows.append((person_name(rng), id_number(rng), programme, firm.code, firm.name, rng.choice(YEARS)))
    return rows


# ---------------------------------------------------------------------------------------------------------
# Sheet layout: rows of cells, merges and the locations of planted flaws

Cell = str | int | float | date | None


@dataclass
class Sheet:
    """One worksheet as rows of cell values (str = text, int/float = number, date, None = blank)."""

    name: str
    rows: list[list[Cell]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    header_rows: int = 1  # rows above the data (title, unit and header rows)
    widths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Flaw:
    """A deliberate flaw (or exercise) and where it is: spreadsheet row as Excel numbers it."""

    file: str
    sheet: str
    row: int
    column: str
    value: str
    what: str


def money(yuan: int, factor: int) -> int | float:
    """An amount in 元 written in a unit of `factor` 元: an int when whole, else the shortest float."""
    if yuan % factor == 0:
        return yuan // factor
    return yuan / factor


STATS_TOP = ("统一社会信用代码", "单位详细名称", "行业代码", "街道", "营业收入(千元)")
STATS_LOW = ("本年", "上年同期")


def stats_header(
    year: int, ncols: int, serial: bool
) -> tuple[list[list[Cell]], list[tuple[int, int, int, int]]]:
    """Title row, unit row and the two-level merged header of a statistics export."""
    top: list[Cell] = (["序号"] if serial else []) + list(STATS_TOP) + [None]
    low: list[Cell] = [None] * (len(top) - 2) + list(STATS_LOW)
    title: list[Cell] = [f"{year}年规模以上企业主要经济指标"] + [None] * (ncols - 1)
    unit: list[Cell] = ["单位：千元"] + [None] * (ncols - 1)
    merges = [(0, 0, 0, ncols - 1)]
    merges += [(2, c, 3, c) for c in range(ncols - 2)]
    merges.append((2, ncols - 2, 2, ncols - 1))
    return [title, unit, top, low], merges


def _stats_sheet(district: District, year: int, file: str, flaws: list[Flaw]) -> Sheet:
    """The 统计局 export of one year, with the flaws planted in it."""
    serial = year == 2020
    ncols = 7 if serial else 6
    rows, merges = stats_header(year, ncols, serial)
    sheet = Sheet(
        "规模以上企业",
        rows,
        merges,
        header_rows=4,
        widths=((6,) if serial else ()) + (22, 36, 10, 12, 16, 16),
    )
    firms = sorted((f for f in district.firms if year in f.stats), key=lambda f: (f.industry, f.code))
    if year == 2019:
        firms.append(district.bad_code_firm)
        firms.sort(key=lambda f: (f.industry, f.code))
    offset = 1 if serial else 0
    col_letter = "ABCDEFG"
    total = 0
    for firm in firms:
        revenue = firm.stats[year] if year in firm.stats else firm.tax_revenue[year]
        prev = firm.prev_revenue(year)
        row: list[Cell] = [
            firm.code,
            firm.name,
            firm.industry,
            firm.street,
            money(revenue, 1000),
            None if prev is None else money(prev, 1000),
        ]
        excel_row = len(rows) + 1
        if firm is district.bad_code_firm:
            flaws.append(
                Flaw(
                    file,
                    sheet.name,
                    excel_row,
                    f"{col_letter[offset]} 统一社会信用代码",
                    firm.code,
                    "校验码错误的统一社会信用代码（第18位应为 " + check_char(firm.code[:17]) + "）",
                )
            )
        if firm.key == district.dash_key:
            row[5] = "-"
            flaws.append(
                Flaw(
                    file,
                    sheet.name,
                    excel_row,
                    f"{col_letter[offset + 5]} 营业收入·上年同期",
                    "-",
                    "“-”表示无数据（缺失，不是错误）；该企业上一年无数据",
                )
            )
        if firm.code == district.text_cell_code and year == 2020:
            row[4] = "待核实"
            flaws.append(
                Flaw(
                    file,
                    sheet.name,
                    excel_row,
                    f"{col_letter[offset + 4]} 营业收入·本年",
                    "待核实",
                    "数字列中的文字",
                )
            )
        else:
            total += revenue
        if serial:
            row.insert(0, len(rows) - 3)
        rows.append(row)
        if firm.code == district.duplicate_code and year == 2019:
            rows.append(list(row))
            total += revenue
            flaws.append(
                Flaw(
                    file,
                    sheet.name,
                    excel_row + 1,
                    "整行",
                    firm.code,
                    f"重复行：与第{excel_row}行为同一企业（同一年份同一代码出现两次）",
                )
            )
    total_row: list[Cell] = ["合计", None, None, None, money(total, 1000), None]
    if serial:
        total_row = [None, None, "合计", None, None, money(total, 1000), None]
    rows.append(total_row)
    flaws.append(
        Flaw(file, sheet.name, len(rows), col_letter[2 if serial else 0], "合计", "合计行（应识别并跳过）")
    )
    return sheet


def _tax_sheet(district: District, file: str, flaws: list[Flaw]) -> Sheet:
    """The 税务局 export: one row per enterprise × year, in 万元, with a year column."""
    header: list[Cell] = ["纳税人识别号", "纳税人名称", "年度", "营业收入", "区级财政贡献"]
    rows: list[list[Cell]] = [
        ["区级财政贡献明细", None, None, None, None],
        ["单位：万元", None, None, None, None],
        header,
    ]
    sheet = Sheet("区级财政贡献", rows, [(0, 0, 0, 4)], header_rows=3, widths=(24, 36, 8, 14, 14))
    total_rev = total_fis = 0
    for year in YEARS:
        for firm in sorted((f for f in district.firms if year in f.fiscal), key=lambda f: f.code):
            code = firm.code
            if firm.key == district.spaced_code_key and year == 2020:
                code = f"{code[:6]} {code[6:12]} {code[12:]}".lower()
                flaws.append(
                    Flaw(
                        file,
                        sheet.name,
                        len(rows) + 1,
                        "A 纳税人识别号",
                        code,
                        "代码带空格、小写（规范化后有效，不是错误）",
                    )
                )
            rev = firm.tax_revenue.get(year)
            rows.append(
                [
                    code,
                    firm.name,
                    year,
                    None if rev is None else money(rev, 10_000),
                    money(firm.fiscal[year], 10_000),
                ]
            )
            total_rev += rev or 0
            total_fis += firm.fiscal[year]
    rows.append(["合计", None, None, money(total_rev, 10_000), money(total_fis, 10_000)])
    flaws.append(Flaw(file, sheet.name, len(rows), "A", "合计", "合计行（应识别并跳过）"))
    return sheet


def _enterprise_sheet(district: District) -> Sheet:
    """Enterprise master data: one row per enterprise.

    The 行业代码 column gives the industry of firms that appear in no statistics export (pre-四上 pool).
    """
    header: list[Cell] = [
        "统一社会信用代码",
        "企业名称",
        "行业代码",
        "成立日期",
        "最新估值(亿美元)",
        "是否上市",
    ]
    rows: list[list[Cell]] = [[*header, "所属街道"]]
    for firm in sorted(district.firms, key=lambda f: f.code):
        valuation = None if firm.valuation is None else float(Decimal(firm.valuation))
        listed = "是" if firm.listed else "否"
        rows.append([firm.code, firm.name, firm.industry, firm.founded, valuation, listed, firm.street])
    return Sheet("企业名录", rows, widths=(22, 36, 10, 12, 16, 10, 12))


def _events_rows(district: District, rng: random.Random) -> list[list[str]]:
    """Events: planted listings and honours plus background 高新技术企业 and 新三板 entries."""
    rows = [["统一社会信用代码", "企业名称", "事项", "日期"]]
    for firm in district.firms:
        rows += [[firm.code, firm.name, event, day] for event, day in firm.events]
    background = [
        f
        for f in district.firms
        if not f.key and f.industry[:2] in {"27", "38", "39", "65", "64", "73", "74"}
    ]
    for firm in rng.sample(background, min(24, len(background))):
        year = rng.choice(YEARS)
        rows.append(
            [
                firm.code,
                firm.name,
                "高新技术企业",
                f"{year}-{rng.choice((10, 11, 12)):02d}-{rng.randint(1, 28):02d}",
            ]
        )
    for firm in rng.sample(background, min(4, len(background))):
        year = rng.choice((2019, 2020))
        rows.append(
            [firm.code, firm.name, "新三板挂牌", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        )
    rows[1:] = sorted(rows[1:], key=lambda r: (r[3], r[0], r[2]))
    return rows


def _incubator_sheet(district: District) -> Sheet:
    """孵化载体: one row per carrier × year."""
    header: list[Cell] = [
        "运营机构统一社会信用代码",
        "运营机构名称",
        "载体名称",
        "年度",
        "认定级别",
        "认定年份",
        "入驻企业总数",
        "当年新增入驻企业数",
        "当年新认定高新技术企业数",
    ]
    rows: list[list[Cell]] = [["孵化载体运营情况统计表"] + [None] * 8, header]
    for inc in INCUBATOR_PLANTS:
        op = district.operators[inc.key]
        for year, level, recognized, total, new, hightech in inc.rows:
            rows.append([op.code, op.name, inc.carrier, year, level, recognized, total, new, hightech])
    rows[2:] = sorted(rows[2:], key=lambda r: (r[3], r[2]))  # type: ignore[arg-type]
    return Sheet("孵化载体", rows, [(0, 0, 0, 8)], header_rows=2, widths=(24, 30, 26, 8, 10, 10, 14, 18, 24))


def _talent_sheet(district: District) -> Sheet:
    """人才: one row per person."""
    rows: list[list[Cell]] = [
        ["姓名", "证件号码", "人才计划", "所在企业统一社会信用代码", "所在企业名称", "入选年度"]
    ]
    rows += [list(t) for t in district.talents]
    return Sheet("人才名单", rows, widths=(10, 22, 18, 24, 36, 10))


# ---------------------------------------------------------------------------------------------------------
# Writers


def _xlsx_workbook(path: Path, constant_memory: bool = False) -> Any:
    """An xlsxwriter workbook with fixed properties (byte-stable) and no string conversion."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": constant_memory,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": DOC_TIME, "author": "硚口区统计局", "title": path.stem})
    return wb


def _xlsx_formats(wb: Any) -> dict[str, Any]:
    """Cell formats shared by the sample workbooks."""
    return {
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "header": wb.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "border": 1, "text_wrap": True}
        ),
        "int": wb.add_format({"num_format": "#,##0"}),
        "dec": wb.add_format({"num_format": "#,##0.0###"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({}),
    }


def _write_xlsx_sheet(wb: Any, fmts: dict[str, Any], sheet: Sheet) -> None:
    """Write one Sheet (normal mode) with merged ranges."""
    ws = wb.add_worksheet(sheet.name)
    for col, width in enumerate(sheet.widths):
        ws.set_column(col, col, width)
    merged = {(r, c) for r1, c1, r2, c2 in sheet.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r1, c1, r2, c2 in sheet.merges:
        fmt = fmts["title"] if r1 == 0 and sheet.header_rows > 1 else fmts["header"]
        ws.merge_range(r1, c1, r2, c2, sheet.rows[r1][c1], fmt)
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if (r, c) in merged:
                continue
            if r < sheet.header_rows:
                if value is not None:
                    ws.write_string(r, c, str(value), _header_format(fmts, r, sheet.header_rows))
                continue
            _write_xlsx_cell(ws, fmts, r, c, value)


def _header_format(fmts: dict[str, Any], row: int, header_rows: int) -> Any:
    """Title row bold and large, unit row plain, header rows bold with borders."""
    if header_rows > 1 and row == 0:
        return fmts["title"]
    if header_rows > 2 and row == 1:
        return fmts["text"]
    return fmts["header"]


def _write_xlsx_cell(ws: Any, fmts: dict[str, Any], r: int, c: int, value: Cell) -> None:
    """One data cell by type."""
    if value is None:
        return
    if isinstance(value, str):
        ws.write_string(r, c, value)
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmts["date"])
    elif isinstance(value, int):
        ws.write_number(r, c, value, fmts["int"] if value >= 10_000 else None)
    else:
        ws.write_number(r, c, value, fmts["dec"])


def write_xlsx(path: Path, sheets: Sequence[Sheet]) -> Path:
    """An xlsx file of one or more sheets."""
    wb = _xlsx_workbook(path)
    fmts = _xlsx_formats(wb)
    for sheet in sheets:
        _write_xlsx_sheet(wb, fmts, sheet)
    wb.close()
    return path


def write_xls(path: Path, sheet: Sheet) -> Path:
    """A legacy BIFF8 .xls file (xlwt) of one sheet with merged ranges."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet.name)
    title = xlwt.easyxf("font: bold on, height 280; align: horiz center")
    header = xlwt.easyxf(
        "font: bold on; align: horiz center, vert center; "
        "borders: left thin, right thin, top thin, bottom thin"
    )
    dec = xlwt.easyxf(num_format_str="#,##0.0##")
    for col, width in enumerate(sheet.widths):
        ws.col(col).width = 256 * width
    merged = {(r, c) for r1, c1, r2, c2 in sheet.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r1, c1, r2, c2 in sheet.merges:
        ws.write_merge(r1, r2, c1, c2, sheet.rows[r1][c1], title if r1 == 0 else header)
    for r, row in enumerate(sheet.rows):
        for c, value in enumerate(row):
            if (r, c) in merged or value is None:
                continue
            if r < sheet.header_rows:
                ws.write(r, c, value, header)
            elif isinstance(value, str):
                ws.write(r, c, value)
            else:
                ws.write(r, c, value, dec)
    wb.save(str(path))
    return path


def write_events_csv(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """Events as csv in GBK with CRLF line ends, as Excel on a Chinese Windows saves it."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("gbk"))
    return path


WORKSPACE_TOML = """\
# qkaward 示例工作目录：`qkaward validate -w {dirname}` 读取本文件列出的输入（路径相对本目录）。
ledger = "ledger.sqlite"

[inputs]
{inputs}
"""


def workspace_toml(inputs: dict[str, Sequence[str]], dirname: str = "sample_data") -> str:
    """The text of a qkaward.toml mapping roles to files."""
    lines = [
        f"{role} = [{', '.join(repr(p).replace(chr(39), chr(34)) for p in paths)}]"
        for role, paths in inputs.items()
    ]
    return WORKSPACE_TOML.format(dirname=dirname, inputs="\n".join(lines))


# ---------------------------------------------------------------------------------------------------------
# The default data set


def write_district(directory: Path, seed: int) -> list[Path]:
    """Write the bundled realistic district into `directory`; returns the files written."""
    district = build_district(seed)
    rng = random.Random(seed * 7919 + 1)
    flaws: list[Flaw] = []
    written = [
        write_xls(directory / "stats_2018.xls", _stats_sheet(district, 2018, "stats_2018.xls", flaws)),
        write_xlsx(directory / "stats_2019.xlsx", [_stats_sheet(district, 2019, "stats_2019.xlsx", flaws)]),
        write_xlsx(
            directory / "stats_2020.xlsx",
            [_stats_sheet(district, 2020, "stats_2020.xlsx", flaws), _notes_sheet()],
        ),
        write_xlsx(directory / "tax_2018_2020.xlsx", [_tax_sheet(district, "tax_2018_2020.xlsx", flaws)]),
        write_xlsx(directory / "enterprises.xlsx", [_enterprise_sheet(district)]),
        write_events_csv(directory / "events.csv", _events_rows(district, rng)),
        write_xlsx(directory / "incubators.xlsx", [_incubator_sheet(district)]),
        write_xlsx(directory / "talents.xlsx", [_talent_sheet(district)]),
    ]
    inputs = {
        "stats": ["stats_2018.xls", "stats_2019.xlsx", "stats_2020.xlsx"],
        "tax": ["tax_2018_2020.xlsx"],
        "enterprises": ["enterprises.xlsx"],
        "events": ["events.csv"],
        "incubators": ["incubators.xlsx"],
        "talents": ["talents.xlsx"],
    }
    toml_path = directory / "qkaward.toml"
    toml_path.write_text(workspace_toml(inputs), encoding="utf-8")
    readme = directory / "README.md"
    readme.write_text(district_readme(district, flaws, seed), encoding="utf-8")
    return [*written, toml_path, readme]


def _notes_sheet() -> Sheet:
    """A 填表说明 sheet whose header matches no role (the reader should name it as ignored)."""
    return Sheet(
        "填表说明",
        [
            ["说明"],
            ["1. 本表为规模以上工业、限额以上批零住餐、规模以上服务业及资质内建筑业、房地产开发经营业企业。"],
            ["2. 营业收入单位为千元；“上年同期”为上年同口径数据。"],
        ],
        widths=(80,),
    )


def district_readme(district: District, flaws: Sequence[Flaw], seed: int) -> str:
    """The Chinese README of the sample directory: files, planted enterprises and deliberate flaws."""
    by_key = {f.key: f for f in district.firms if f.key}
    n_firms = len(district.firms) + 1
    lines = [
        "# 示例数据（硚口区，2018—2020年）",
        "",
        f"由 `qkaward sample DIR --seed {seed}` 生成（同一种子生成相同内容）。共 {n_firms} 家企业，"
        "企业名称为虚构，不对应任何真实企业；"
        "统一社会信用代码均按 GB 32100 生成有效校验位（一处故意错误除外）。",
        "",
        "## 文件",
        "",
        "| 文件 | 角色 | 内容 |",
        "|---|---|---|",
        "| stats_2018.xls | 统计局(stats) | 旧版 Excel(BIFF8)；"
        "标题行“2018年规模以上企业主要经济指标”、“单位：千元”，两层合并表头"
        "（营业收入(千元) 下分 本年/上年同期）；无年度列，年度取自标题行；末行合计 |",
        "| stats_2019.xlsx | 统计局(stats) | 同上，2019年 |",
        "| stats_2020.xlsx | 统计局(stats) | 同上，2020年，首列“序号”；"
        "另有一张“填表说明”工作表（与任何角色不匹配，应列为忽略） |",
        "| tax_2018_2020.xlsx | 税务局(tax) | 标题“区级财政贡献明细”、“单位：万元”；"
        "纳税人识别号、纳税人名称、年度、营业收入、区级财政贡献；"
        "每企业每年一行；末行合计 |",
        "| enterprises.xlsx | 企业基础信息 | "
        "统一社会信用代码、企业名称、行业代码、成立日期、最新估值(亿美元)、是否上市、所属街道 |",
        "| events.csv | 认定/上市事项 | GBK 编码；统一社会信用代码,企业名称,事项,日期 |",
        "| incubators.xlsx | 孵化载体 | 运营机构统一社会信用代码、运营机构名称、载体名称、年度、"
        "认定级别、认定年份、入驻企业总数、"
        "当年新增入驻企业数、当年新认定高新技术企业数 |",
        "| talents.xlsx | 人才 | 姓名、证件号码（虚构但格式有效）、人才计划、"
        "所在企业统一社会信用代码、所在企业名称、入选年度 |",
        "| qkaward.toml | 工作目录配置 | 各角色的输入文件和台账路径 |",
        "",
        "金额：统计局营业收入单位千元（部分带小数），税务局营业收入和区级财政贡献单位万元（最多4位小数，即精确到元）。",
        "统计局文件中的“上年同期”与上一年文件一致；新进四上企业的“上年同期”为其上年（未达标准的）营业收入。",
        "",
        "## 故意设置的问题（file / sheet / 行号按 Excel 显示 / 列）",
        "",
        "| 文件 | 工作表 | 行 | 列 | 值 | 说明 |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {f.file} | {f.sheet} | {f.row} | {f.column} | {f.value} | {f.what} |" for f in flaws]
    lines += [
        "",
        "## 为各条规则设置的企业（SPEC §2—7，奖励年度 2019、2020）",
        "",
        "| 编号 | 统一社会信用代码 | 企业名称 | 行业代码 | 应得出的结论 |",
        "|---|---|---|---|---|",
    ]
    for plant in PLANTS:
        firm = by_key[plant.key]
        lines.append(f"| {plant.key} | {firm.code} | {firm.name} | {firm.industry} | {plant.exercises} |")
    for inc in INCUBATOR_PLANTS:
        op = district.operators[inc.key]
        lines.append(f"| {inc.key} | {op.code} | {op.name}（{inc.carrier}） | 7590 | {inc.exercises} |")
    lines += [
        "",
        "## 人才（证件号码在任何输出中都应脱敏）",
        "",
        "| 人才计划 | 入选年度 | 所在企业 | 说明 |",
        "|---|---|---|---|",
    ]
    for t in TALENT_PLANTS:
        lines.append(f"| {t.programme} | {t.year} | {by_key[t.employer].name} | {t.exercises} |")
    lines += [
        "",
        f"另有 {len(district.talents) - len(TALENT_PLANTS)} 名随机生成的人才"
        "（区级高层次人才、武汉市城市合伙人、黄鹤英才），在背景企业中；其中黄鹤英才同样应得项目资助。",
        "",
        "其余企业为规模不等的中小企业（营业收入对数正态分布，区级财政贡献约为营业收入的0.3%—2.5%），"
        "分布在硚口区各街道；四上企业的营业收入不低于其行业的国家统计局标准，部分企业在2019、2020年新进或退出四上。",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------------
# Large data sets for benchmarks


@dataclass
class Columns:
    """N enterprises × YEARS as columns (revenue and fiscal in 元; None = no row that year)."""

    codes: list[str]
    names: list[str]
    industries: list[str]
    streets: list[str]
    revenue: dict[int, list[int]]
    fiscal: dict[int, list[int]]
    in_stats: dict[int, list[bool]]
    prev_2017: list[int]


def build_columns(size: int, seed: int) -> Columns:
    """Generate `size` enterprises with one seeded generator, column by column."""
    rng = random.Random(seed)
    codes = bulk_codes(rng, size)
    cum: list[int] = []
    acc = 0
    for ind in INDUSTRIES:
        acc += ind.weight
        cum.append(acc)
    inds = rng.choices(INDUSTRIES, cum_weights=cum, k=size)
    a_chars, b_chars = _TRADE_A, _TRADE_B
    names = [
        f"{rng.choice(_PLACE)}{rng.choice(a_chars)}{rng.choice(b_chars)}{rng.choice(b_chars)}{ind.words[0]}有限公司"
        for ind in inds
    ]
    streets = [rng.choice(STREETS) for _ in range(size)]
    revenue: dict[int, list[int]] = {y: [] for y in YEARS}
    fiscal: dict[int, list[int]] = {y: [] for y in YEARS}
    in_stats: dict[int, list[bool]] = {y: [] for y in YEARS}
    prev: list[int] = []
    lognorm, gauss, rand = rng.lognormvariate, rng.gauss, rng.random
    for ind in inds:
        base = ind.threshold_yuan(2019) or 30_000_000
        four = rand() < 0.7
        rev = base * (lognorm(0.9, 1.1) + 0.03) if four else base * (0.15 + 0.6 * rand())
        rate = 0.003 + 0.022 * rand()
        prev.append(int(rev / 1.07) // 1000 * 1000)
        for year in YEARS:
            if year > YEARS[0]:
                rev *= max(0.5, 1 + gauss(0.07, 0.15))
            value = int(rev) // 100 * 100 + 100
            threshold = ind.threshold_yuan(year)
            revenue[year].append(value)
            fiscal[year].append(int(value * rate * (0.85 + 0.35 * rand())) // 100 * 100 + 100)
            in_stats[year].append(four if threshold is None else value >= threshold)
    return Columns(codes, names, [i.code for i in inds], streets, revenue, fiscal, in_stats, prev)


def _write_header_rows(
    ws: Any,
    fmts: dict[str, Any],
    rows: Sequence[Sequence[Cell]],
    merges: Sequence[tuple[int, int, int, int]],
    first: int,
) -> None:
    """Header rows written strictly in row order (constant-memory mode), merges registered afterwards.

    xlsxwriter's ``merge_range`` cannot merge down into a row once a later row was started in
    constant-memory mode, so the cells are written row by row and the ranges added to the sheet's merge
    list, which is what ``merge_range`` itself records.
    """
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            fmt = _header_format(fmts, r, len(rows))
            if value is None:
                if any(r1 <= r <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in merges[1:]):
                    ws.write_blank(first + r, c, None, fmt)
            else:
                ws.write_string(first + r, c, str(value), fmt)
    for r1, c1, r2, c2 in merges:
        ws.merge.append([first + r1, c1, first + r2, c2])


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    """(start, stop) ranges of at most `size` items covering range(n); one empty range when n is 0."""
    if n == 0:
        yield (0, 0)
    for start in range(0, n, size):
        yield (start, min(n, start + size))


def _write_big_stats(path: Path, cols: Columns, year: int) -> Path:
    """One year's statistics export for the large data set (constant-memory xlsx)."""
    wb = _xlsx_workbook(path, constant_memory=True)
    fmts = _xlsx_formats(wb)
    idx = [i for i, ok in enumerate(cols.in_stats[year]) if ok]
    rev, prev = cols.revenue[year], cols.revenue.get(year - 1, cols.prev_2017)
    for part, (start, stop) in enumerate(_chunks(len(idx), MAX_SHEET_ROWS)):
        ws = wb.add_worksheet("规模以上企业" if part == 0 else f"规模以上企业{part + 1}")
        ws.set_column(0, 0, 22)
        ws.set_column(1, 1, 36)
        header, merges = stats_header(year, 6, serial=False)
        _write_header_rows(ws, fmts, header, merges, 0)
        ws_str, ws_num = ws.write_string, ws.write_number
        r = 4
        total = 0
        for i in idx[start:stop]:
            ws_str(r, 0, cols.codes[i])
            ws_str(r, 1, cols.names[i])
            ws_str(r, 2, cols.industries[i])
            ws_str(r, 3, cols.streets[i])
            ws_num(r, 4, rev[i] / 1000)
            ws_num(r, 5, prev[i] / 1000)
            total += rev[i]
            r += 1
        ws_str(r, 0, "合计")
        ws_num(r, 4, total / 1000)
    wb.close()
    return path


def _write_big_tax(path: Path, cols: Columns) -> Path:
    """The tax export for the large data set: a sheet per year (and per 1M rows), title rows, 万元."""
    wb = _xlsx_workbook(path, constant_memory=True)
    fmts = _xlsx_formats(wb)
    header: list[list[Cell]] = [
        ["区级财政贡献明细", None, None, None, None],
        ["单位：万元", None, None, None, None],
        ["纳税人识别号", "纳税人名称", "年度", "营业收入", "区级财政贡献"],
    ]
    n = len(cols.codes)
    for year in YEARS:
        rev, fis = cols.revenue[year], cols.fiscal[year]
        for part, (start, stop) in enumerate(_chunks(n, MAX_SHEET_ROWS)):
            ws = wb.add_worksheet(f"{year}年" if part == 0 else f"{year}年({part + 1})")
            ws.set_column(0, 0, 24)
            ws.set_column(1, 1, 36)
            _write_header_rows(ws, fmts, header, [(0, 0, 0, 4)], 0)
            ws_str, ws_num = ws.write_string, ws.write_number
            r = 3
            for i in range(start, stop):
                ws_str(r, 0, cols.codes[i])
                ws_str(r, 1, cols.names[i])
                ws_num(r, 2, year)
                ws_num(r, 3, rev[i] / 10_000)
                ws_num(r, 4, fis[i] / 10_000)
                r += 1
            ws_str(r, 0, "合计")
            ws_num(r, 3, sum(rev[start:stop]) / 10_000)
            ws_num(r, 4, sum(fis[start:stop]) / 10_000)
    wb.close()
    return path


def _write_big_parquet(directory: Path, cols: Columns) -> list[Path]:
    """The same data as Parquet with plain headers (amounts as integer 元) and its own qkaward.toml."""
    import polars as pl

    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for year in YEARS:
        idx = [i for i, ok in enumerate(cols.in_stats[year]) if ok]
        prev = cols.revenue.get(year - 1, cols.prev_2017)
        frame = pl.DataFrame(
            {
                "统一社会信用代码": [cols.codes[i] for i in idx],
                "单位详细名称": [cols.names[i] for i in idx],
                "年度": pl.Series([year] * len(idx), dtype=pl.Int32),
                "行业代码": [cols.industries[i] for i in idx],
                "街道": [cols.streets[i] for i in idx],
                "营业收入(元)": pl.Series([cols.revenue[year][i] for i in idx], dtype=pl.Int64),
                "上年营业收入(元)": pl.Series([prev[i] for i in idx], dtype=pl.Int64),
            }
        )
        path = directory / f"stats_{year}.parquet"
        frame.write_parquet(path, statistics=False)
        written.append(path)
    n = len(cols.codes)
    tax = pl.DataFrame(
        {
            "纳税人识别号": cols.codes * len(YEARS),
            "纳税人名称": cols.names * len(YEARS),
            "年度": pl.Series([y for y in YEARS for _ in range(n)], dtype=pl.Int32),
            "营业收入(元)": pl.Series([v for y in YEARS for v in cols.revenue[y]], dtype=pl.Int64),
            "区级财政贡献(元)": pl.Series([v for y in YEARS for v in cols.fiscal[y]], dtype=pl.Int64),
        }
    )
    path = directory / "tax.parquet"
    tax.write_parquet(path, statistics=False)
    written.append(path)
    toml_path = directory / "qkaward.toml"
    toml_path.write_text(
        workspace_toml({"stats": ["stats_*.parquet"], "tax": ["tax.parquet"]}, "DIR/parquet"),
        encoding="utf-8",
    )
    written.append(toml_path)
    return written


def write_sized(directory: Path, size: int, seed: int) -> list[Path]:
    """The benchmark data set: `size` enterprises × 2018–2020, xlsx in `directory`, Parquet in `parquet/`."""
    cols = build_columns(size, seed)
    written = [_write_big_stats(directory / f"stats_{year}.xlsx", cols, year) for year in YEARS]
    written.append(_write_big_tax(directory / "tax_2018_2020.xlsx", cols))
    toml_path = directory / "qkaward.toml"
    toml_path.write_text(
        workspace_toml({"stats": [f"stats_{y}.xlsx" for y in YEARS], "tax": ["tax_2018_2020.xlsx"]}, "DIR"),
        encoding="utf-8",
    )
    written.append(toml_path)
    written += _write_big_parquet(directory / "parquet", cols)
    readme = directory / "README.md"
    readme.write_text(
        f"# 性能测试数据（{size} 家企业 × 2018—2020年，种子 {seed}）\n\n"
        "统计局导出 stats_YYYY.xlsx（标题行、单位：千元、两层合并表头、合计行；只含四上企业），"
        "税务局导出 tax_2018_2020.xlsx（每年一张工作表，单位：万元）。\n"
        "parquet/ 中为相同数据的 Parquet 文件（金额单位为元），可用 `qkaward awards -w DIR/parquet` 读取。\n",
        encoding="utf-8",
    )
    written.append(readme)
    return written


def write_sample(directory: Path, *, size: int | None = None, seed: int = 2019) -> list[Path]:
    """Write the sample data set into `directory` and return the files written.

    ``size=None`` writes the bundled realistic district (see the module docstring and the README it writes);
    ``size=N`` writes N enterprises × 2018–2020 of statistics and tax exports (xlsx and Parquet) for
    benchmarks. The same seed always gives the same content.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if size is None:
        return write_district(directory, seed)
    if size < 1:
        raise UsageError("--size 应为正整数")
    return write_sized(directory, size, seed)


__all__ = [
    "INCUBATOR_PLANTS",
    "PLANTS",
    "TALENT_PLANTS",
    "Plant",
    "check_char",
    "make_code",
    "org_check_char",
    "write_sample",
]
