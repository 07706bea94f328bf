"""The columns of each import kind: Chinese headers, required flags, coded values, examples.

Headers are part of the file format: rosters (花名册) come with Chinese headers, so the headers
are the Chinese strings below whatever the interface language is (marked with ``gettext_noop``
so that the catalog still lists them). A column is found by its header or one of its aliases,
in any order; coded columns take the Chinese label (``男``, ``中共党员``) or the stored code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_noop

from registry.models import (
    BuildingKind,
    CareTag,
    DocumentType,
    DwellingUse,
    EstablishmentKind,
    Gender,
    ImportKind,
    PoliticalStatus,
    Relation,
    ResidencyType,
)
from registry.normalise import normalise_text
from registry.selectors import searchable_care_tags

Choices = list[tuple[str, str]]


def _labels(choices: type[models.TextChoices]) -> Callable[[], Choices]:
    """(code, Chinese label) of a TextChoices, labels in the site language (the source language)."""

    def read() -> Choices:
        with translation.override(settings.LANGUAGE_CODE):
            return [(str(value), str(label)) for value, label in choices.choices]

    return read


def _care_tags() -> Choices:
    return list(CareTag.objects.values_list("code", "name"))


def visible_choices(column: Column, user: Any = None) -> Choices:
    """A coded column's (code, label) pairs as a template offers them to ``user`` (None: everything).

    Care tags are listed only as far as the user may see them somewhere in their scope: a tag
    hidden from them is neither offered nor accepted (``planners.ResidentPlanner._tags``).
    """
    if column.choices is None:
        return []
    if column.key == "care_tags" and user is not None:
        return [(tag.code, tag.name) for tag in searchable_care_tags(user)]
    return column.choices()


@dataclass(frozen=True)
class Column:
    """One column of an import file."""

    key: str
    header: str
    required: bool = False
    note: str = ""
    example: str = ""
    choices: Callable[[], Choices] | None = None
    multiple: bool = False
    aliases: tuple[str, ...] = ()
    text_format: bool = False  # keep Excel from turning long digit strings into numbers

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.header, *self.aliases)}


GRID = Column(
    "grid_code", gettext_noop("网格编码"), note=gettext_noop("15位网格编码或18位微网格编码；导入到网格时可不填。"),
    example="", aliases=(gettext_noop("所属网格编码"),), text_format=True,
)
ESTATE = Column("estate", gettext_noop("小区"), note=gettext_noop("小区名称，没有可不填。"), example="百花小区")
BUILDING = Column(
    "building", gettext_noop("楼栋号"), note=gettext_noop("如“3号楼”，与系统中登记的楼栋名称一致。"), example="3号楼",
    aliases=(gettext_noop("楼栋"), gettext_noop("楼号"), gettext_noop("楼幢号")),
)
UNIT = Column("unit", gettext_noop("单元号"), note=gettext_noop("如“1单元”，没有单元可不填。"), example="1单元",
              aliases=(gettext_noop("单元"),))
ROOM = Column("room", gettext_noop("房号"), note=gettext_noop("如“301”。"), example="301",
              aliases=(gettext_noop("户室号"), gettext_noop("门牌号")), text_format=True)
RELATION = Column(
    "relation", gettext_noop("与户主关系"), note=gettext_noop("填写房号时必填。"), example="户主",
    choices=_labels(Relation), aliases=(gettext_noop("与户主的关系"), gettext_noop("家庭关系")),
)
DOCUMENT_TYPE = Column(
    "document_type", gettext_noop("证件类型"), note=gettext_noop("不填视为居民身份证。"), example="居民身份证",
    choices=_labels(DocumentType),
)
ID_NUMBER = Column(
    "id_number", gettext_noop("证件号码"), required=True,
    note=gettext_noop("居民身份证18位，最后一位可为X；同一人在文件中只能出现一次。"),
    example="410102198507150026",
    aliases=(gettext_noop("身份证号码"), gettext_noop("身份证号"), gettext_noop("公民身份号码")), text_format=True,
)
NAME = Column("name", gettext_noop("姓名"), required=True, note=gettext_noop("居民姓名。"), example="张秀兰")

RESIDENT_COLUMNS = [
    GRID, NAME, DOCUMENT_TYPE, ID_NUMBER,
    Column("gender", gettext_noop("性别"), note=gettext_noop("身份证可不填，按证件号码判断。"), example="女",
           choices=_labels(Gender)),
    Column("birth_date", gettext_noop("出生日期"), note=gettext_noop("如 1985-07-15；身份证可不填。"),
           example="1985-07-15"),
    Column("ethnicity", gettext_noop("民族"), note=gettext_noop("不填视为汉族。"), example="汉族"),
    Column("phone", gettext_noop("联系电话"), note=gettext_noop("手机或带区号的固定电话。"), example="13812345678",
           aliases=(gettext_noop("手机号码"), gettext_noop("电话")), text_format=True),
    Column("political_status", gettext_noop("政治面貌"), note=gettext_noop("不填视为群众。"), example="中共党员",
           choices=_labels(PoliticalStatus)),
    Column("residency_type", gettext_noop("人口类型"), note=gettext_noop("不填视为户籍人口。"), example="户籍人口",
           choices=_labels(ResidencyType), aliases=(gettext_noop("户籍类型"), gettext_noop("户口性质"))),
    Column("workplace", gettext_noop("工作单位或学校"), note="", example="百花小学"),
    Column("care_tags", gettext_noop("关爱标签"),
           note=gettext_noop("可填多个，用顿号或逗号分隔；导入只增加标签，不删除已有标签。"), example="空巢老人",
           choices=_care_tags, multiple=True),
    ESTATE, BUILDING, UNIT, ROOM, RELATION,
    Column("notes", gettext_noop("备注"), example=""),
]

HOUSEHOLD_COLUMNS = [
    ESTATE,
    Column(BUILDING.key, BUILDING.header, True, BUILDING.note, BUILDING.example, aliases=BUILDING.aliases),
    UNIT,
    Column(ROOM.key, ROOM.header, True, ROOM.note, ROOM.example, aliases=ROOM.aliases, text_format=True),
    NAME, DOCUMENT_TYPE, ID_NUMBER,
    Column(RELATION.key, RELATION.header, True, gettext_noop("每户须有一名户主。"), "户主", RELATION.choices,
           aliases=RELATION.aliases),
    Column("moved_in_on", gettext_noop("入住日期"), note=gettext_noop("不填为导入当天。"), example="2020-05-01"),
]

BUILDING_COLUMNS = [
    GRID, ESTATE,
    Column(BUILDING.key, BUILDING.header, True, BUILDING.note, BUILDING.example, aliases=BUILDING.aliases),
    Column("address", gettext_noop("地址"), True, gettext_noop("楼栋的地址。"), "百花路12号院3号楼"),
    Column("building_kind", gettext_noop("楼栋类型"), note=gettext_noop("不填视为住宅。"), example="住宅",
           choices=_labels(BuildingKind)),
    Column("floors", gettext_noop("层数"), note=gettext_noop("楼栋地上层数。"), example="6"),
    Column("unit_count", gettext_noop("单元数"), example="2"),
    UNIT,
    Column("floor", gettext_noop("楼层"), note=gettext_noop("填写房号时必填。"), example="3"),
    Column(ROOM.key, ROOM.header, note=gettext_noop("一行一户；只登记楼栋时房号可不填。"), example="301",
           aliases=ROOM.aliases, text_format=True),
    Column("floor_area", gettext_noop("建筑面积"), note=gettext_noop("平方米。"), example="86.5"),
    Column("use", gettext_noop("房屋用途"), note=gettext_noop("不填视为自住。"), example="自住",
           choices=_labels(DwellingUse)),
    Column("owner_name", gettext_noop("产权人姓名"), example="张秀兰"),
]

ORGANISATION_COLUMNS = [
    GRID,
    Column("name", gettext_noop("单位名称"), True, gettext_noop("营业执照或登记证书上的名称。"), "百花便民超市",
           aliases=(gettext_noop("名称"),)),
    Column("credit_code", gettext_noop("统一社会信用代码"), note=gettext_noop("18位；有代码时按代码识别同一单位。"),
           example="91410102MA44BH3K0F", text_format=True),
    Column("kind", gettext_noop("单位类别"), True, example="商铺", choices=_labels(EstablishmentKind)),
    Column("address", gettext_noop("地址"), True, gettext_noop("没有信用代码时按名称和地址识别同一单位。"),
           "百花路15号"),
    ESTATE, BUILDING,
    Column("contact_name", gettext_noop("联系人"), example="李建国"),
    Column("contact_phone", gettext_noop("联系电话"), example="13912345678", text_format=True),
    Column("safety_person", gettext_noop("安全责任人"), example="李建国"),
    Column("notes", gettext_noop("备注"), example=""),
]

COLUMNS: dict[str, list[Column]] = {
    ImportKind.RESIDENTS: RESIDENT_COLUMNS,
    ImportKind.HOUSEHOLDS: HOUSEHOLD_COLUMNS,
    ImportKind.BUILDINGS: BUILDING_COLUMNS,
    ImportKind.ORGANISATIONS: ORGANISATION_COLUMNS,
}


def columns_for(kind: str) -> list[Column]:
    return COLUMNS[kind]


# The column the rejected-rows workbook adds (``rejects.py``); ignored when that workbook comes back.
REASON_HEADER = "错误原因"


def header_key(text: Any) -> str:
    """A header as compared: half-width, no spaces, no required-marker asterisks."""
    return normalise_text(str(text or "")).replace(" ", "").strip("*＊")


@dataclass
class HeaderMap:
    """Where each known column sits in a file, and what the header row lacks or adds."""

    positions: dict[str, int] = field(default_factory=dict)
    missing: list[Column] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)


def map_headers(kind: str, header: list[Any]) -> HeaderMap:
    """Match a header row to the kind's columns by name, whatever their order."""
    result = HeaderMap()
    by_name = {name: column for column in columns_for(kind) for name in column.names()}
    for position, cell in enumerate(header):
        key = header_key(cell)
        if not key or key == REASON_HEADER:
            continue
        column = by_name.get(key)
        if column is None:
            result.unknown.append(normalise_text(str(cell)))
        elif column.key in result.positions:
            result.duplicated.append(column.header)
        else:
            result.positions[column.key] = position
    result.missing = [column for column in columns_for(kind) if column.required and column.key not in result.positions]
    return result


def header_score(kind: str) -> Callable[[list[Any]], tuple[bool, int]]:
    """How much a row looks like the kind's header: (names every required column, columns it names).

    The reader takes the first row naming every required column among the first rows
    (``reader.HEADER_SEARCH_ROWS``), so a title above the header is skipped.
    """

    def score(cells: list[Any]) -> tuple[bool, int]:
        headers = map_headers(kind, cells)
        return not headers.missing, len(headers.positions)

    return score


def example_row(kind: str) -> list[str]:
    return [column.example for column in columns_for(kind)]
