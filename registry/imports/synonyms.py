"""How real rosters (花名册) spell coded values, buildings and rooms, mapped onto the registry's own.

Offices keep their rosters in their own words: 人口类型 written 流动 rather than 流动人口, a child
written 长子 or 女儿, a building 3栋 or 3幢 where the registry says 3号楼, a room 3-301 meaning
unit 3, room 301. The maps below turn those spellings into the stored codes and the names the
registry uses, so the same place and the same relation are the same string; a value none of
them knows stays unknown and the dry run lists it per column.

Relations follow the groups of GB/T 4761 (家庭关系代码): parents-in-law (公公, 岳母…) belong to
父母, a son-in-law or daughter-in-law (女婿, 儿媳) to 子女, and a 外孙 to 孙子女.
"""

from __future__ import annotations

import re

from registry.models import Relation, ResidencyType

# Stored data, not interface text: the spellings found in rosters.
RESIDENCY_SYNONYMS: dict[str, str] = {
    "户籍": ResidencyType.REGISTERED, "本地户籍": ResidencyType.REGISTERED, "户籍人口": ResidencyType.REGISTERED,
    "常住": ResidencyType.PERMANENT, "常住人口": ResidencyType.PERMANENT,
    "流动": ResidencyType.FLOATING, "流动人口": ResidencyType.FLOATING, "外来人口": ResidencyType.FLOATING,
    "寄住": ResidencyType.LODGING, "寄住人口": ResidencyType.LODGING,
    "境外": ResidencyType.OVERSEAS, "境外人员": ResidencyType.OVERSEAS, "境外人口": ResidencyType.OVERSEAS,
}

_RELATION_WORDS: dict[str, tuple[str, ...]] = {
    Relation.HEAD: ("户主", "本人"),
    Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫", "爱人", "老伴"),
    Relation.CHILD: ("子女", "子", "女", "儿子", "女儿", "独生子", "独生女", "养子", "养女", "继子", "继女",
                     "儿媳", "女婿"),
    Relation.PARENT: ("父母", "父亲", "母亲", "父", "母", "公公", "婆婆", "岳父", "岳母", "继父", "继母"),
    Relation.GRANDCHILD: ("孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女"),
    Relation.GRANDPARENT: ("祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"),
    Relation.SIBLING: ("兄弟姐妹", "兄弟", "姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.TENANT: ("租户", "租客", "承租人"),
    Relation.OTHER: ("其他", "其它", "亲属", "其他亲属"),
}
RELATION_SYNONYMS: dict[str, str] = {word: code for code, words in _RELATION_WORDS.items() for word in words}
# 长子, 次女, 三子, 二女儿…: a child by birth order.
_CHILD_BY_ORDER = re.compile(r"^[长次二三四五六七八九][子女]$|^[大二三四五六七八九小](儿子|女儿)$")

VALUE_SYNONYMS: dict[str, dict[str, str]] = {"residency_type": RESIDENCY_SYNONYMS, "relation": RELATION_SYNONYMS}

_CHINESE_DIGITS = str.maketrans("一二三四五六七八九", "123456789")
_BUILDING = re.compile(r"^(\d+)\s*(号楼|号|栋|幢|楼|座|#)$")
_UNIT = re.compile(r"^(\d+)\s*(单元|单|#)?$")
_UNIT_ROOM = re.compile(r"^(\d+)\s*(?:单元|[-—－_/])\s*(\d+\w*)$")
_ROOM_SUFFIX = re.compile(r"^(\d+\w*?)\s*(室|号|房)$")


def synonym_code(key: str, value: str) -> str | None:
    """The stored code a roster's word for a coded column stands for, or None if it is not a known synonym."""
    code = VALUE_SYNONYMS.get(key, {}).get(value)
    if code is None and key == "relation" and _CHILD_BY_ORDER.match(value):
        return Relation.CHILD
    return code


def building_name(text: str) -> str:
    """A building as the registry names it: 3栋, 3幢, 3号 and 3# all become 3号楼; other names unchanged."""
    match = _BUILDING.match(text.translate(_CHINESE_DIGITS) if len(text) <= 3 else text)
    return f"{match.group(1)}号楼" if match else text


def unit_name(text: str) -> str:
    """A unit as the registry names it (1单元…N单元, as ``building_save`` creates them): 1, 1单元, 一单元."""
    match = _UNIT.match(text.translate(_CHINESE_DIGITS) if len(text) <= 3 else text)
    return f"{int(match.group(1))}单元" if match else text


def unit_and_room(unit: str, room: str) -> tuple[str, str]:
    """(unit, room) with 3-301 and 3单元301 read as unit 3, room 301, and 301室 as 301; names normalised."""
    room = room.replace(" ", "")
    split = _UNIT_ROOM.match(room)
    if split:
        room_unit = unit_name(split.group(1))
        if not unit or unit_name(unit) == room_unit:
            unit, room = room_unit, split.group(2)
    suffix = _ROOM_SUFFIX.match(room)
    if suffix:
        room = suffix.group(1)
    return (unit_name(unit) if unit else ""), room


def floor_of_room(room: str) -> int | None:
    """The floor a room number encodes (301 → 3, 1203 → 12), or None when it encodes none."""
    digits = re.match(r"^(\d+)", room)
    if digits is None or len(digits.group(1)) < 3:
        return None
    floor = int(digits.group(1)) // 100
    return floor or None
