"""How rosters spell buildings, units, rooms, population types and relations."""

import pytest

from registry.imports.synonyms import building_name, floor_of_room, synonym_code, unit_and_room


@pytest.mark.parametrize("written", ["3号楼", "3栋", "3幢", "3号", "3#", "三栋", "3 栋"])
def test_it_names_a_building_as_the_registry_does(written):
    assert building_name(written) == "3号楼"


def test_it_keeps_other_building_names():
    assert building_name("松园里58单元") == "松园里58单元" and building_name("配电房") == "配电房"


@pytest.mark.parametrize(("unit", "room", "expected"), [
    ("", "301", ("", "301")), ("1", "301", ("1单元", "301")), ("一单元", "301室", ("1单元", "301")),
    ("", "3-301", ("3单元", "301")), ("3单元", "3-301", ("3单元", "301")), ("", "3单元301", ("3单元", "301")),
    ("2单元", "3-301", ("2单元", "3-301")),  # a unit that disagrees: the room is kept as written
])
def test_it_reads_unit_and_room(unit, room, expected):
    assert unit_and_room(unit, room) == expected


@pytest.mark.parametrize(("room", "floor"), [("301", 3), ("1203", 12), ("01", None), ("B1", None), ("0101", 1)])
def test_it_reads_the_floor_from_the_room_number(room, floor):
    assert floor_of_room(room) == floor


@pytest.mark.parametrize(("key", "value", "code"), [
    ("residency_type", "户籍", "registered"), ("residency_type", "常住", "permanent"),
    ("residency_type", "流动", "floating"), ("residency_type", "寄住", "lodging"),
    ("residency_type", "境外", "overseas"),
    ("relation", "子", "child"), ("relation", "女", "child"), ("relation", "儿子", "child"),
    ("relation", "女儿", "child"), ("relation", "长子", "child"), ("relation", "次女", "child"),
    ("relation", "父亲", "parent"), ("relation", "母亲", "parent"), ("relation", "公公", "parent"),
    ("relation", "婆婆", "parent"), ("relation", "岳父", "parent"), ("relation", "岳母", "parent"),
    ("relation", "妻", "spouse"), ("relation", "夫", "spouse"), ("relation", "配偶", "spouse"),
    ("relation", "孙子", "grandchild"), ("relation", "孙女", "grandchild"), ("relation", "外孙", "grandchild"),
    ("relation", "兄弟姐妹", "sibling"), ("relation", "其他", "other"),
    ("relation", "表哥", None), ("residency_type", "外来务工", None),
])
def test_it_maps_roster_words_onto_the_catalog(key, value, code):
    assert synonym_code(key, value) == code
