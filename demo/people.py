"""Deterministic Chinese names and mobile numbers for the demo teams.

Each value is drawn from a random generator seeded with a stable key (say a grid code and a
seat), so a seat keeps its person however often, and in whatever order, the demo is seeded.
"""

from __future__ import annotations

import random

# Common surnames, roughly by frequency in Henan (the first ones come up more often).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_NAMES = (
    "建国", "建华", "建军", "国庆", "国强", "志强", "志刚", "卫东", "卫国", "红军", "海涛", "海燕",
    "晓燕", "晓东", "晓明", "晓玲", "丽娟", "丽华", "丽萍", "秀兰", "秀英", "秀珍", "桂英", "桂兰",
    "桂芳", "玉兰", "玉梅", "凤英", "淑珍", "淑华", "红霞", "春梅", "冬梅", "雪梅", "文华", "文静",
    "明辉", "俊杰", "浩然", "子涵", "雨萱", "思远", "佳怡", "梦洁", "欣怡", "一鸣", "宏伟", "振华",
    "德胜", "保国", "金凤", "新民", "爱民", "永强", "永红", "长青", "素芳", "素琴", "瑞芳", "慧敏",
    "伟", "静", "敏", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚",
    "辉", "鹏", "倩", "颖", "璐", "婷", "斌", "峰", "琳", "芳", "欣", "瑶", "博", "帅", "晨", "阳",
)
_SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(SURNAMES))]
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)


def person_name(key: str) -> str:
    """A plausible Chinese full name (surname + one or two given characters) for ``key``."""
    draw = random.Random(f"name:{key}")
    surname = draw.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]
    return surname + draw.choice(GIVEN_NAMES)


def mobile_number(key: str) -> str:
    """An 11-digit mainland mobile number (13x/15x/18x) for ``key``."""
    draw = random.Random(f"mobile:{key}")
    return draw.choice(MOBILE_PREFIXES) + "".join(str(draw.randrange(10)) for _ in range(8))
