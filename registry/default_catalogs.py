"""The registry's default catalogs as data: care tags and facility classes, and their display names.

Plain data, read by ``registry.catalog`` (which creates missing rows after ``migrate``) and by
``registry.models`` (which translates the default names for display).
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# (code, name, sensitive, roles that may see a sensitive tag, care-visit interval in days)
CARE_STAFF = ["grid_leader", "grid_worker", "community_staff", "street_leader", "area_admin"]
LEADERS = ["grid_leader", "community_staff", "street_leader", "area_admin"]
DEFAULT_CARE_TAGS: list[tuple[str, str, bool, list[str], int | None]] = [
    ("living_alone_elderly", gettext_noop("独居老人"), False, [], 7),
    ("empty_nest_elderly", gettext_noop("空巢老人"), False, [], 14),
    ("very_old", gettext_noop("高龄老人"), False, [], 30),
    ("disabled", gettext_noop("残疾人"), True, CARE_STAFF, 30),
    ("subsistence_allowance", gettext_noop("低保户"), True, CARE_STAFF, 30),
    ("extreme_poverty", gettext_noop("特困人员"), True, CARE_STAFF, 14),
    ("left_behind_child", gettext_noop("留守儿童"), True, CARE_STAFF, 30),
    ("child_in_difficulty", gettext_noop("困境儿童"), True, CARE_STAFF, 14),
    ("veteran", gettext_noop("退役军人"), False, [], None),
    ("special_attention", gettext_noop("重点关注"), True, LEADERS, 7),
]

# GB/T 30428.2 major classes and the sub-classes the seeds mention (code: 2 + 2 digits).
DEFAULT_FACILITY_CLASSES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("01", gettext_noop("公用设施"), [
        ("0101", gettext_noop("上水井盖")), ("0102", gettext_noop("污水井盖")), ("0110", gettext_noop("消防设施")),
        ("0111", gettext_noop("电动自行车充电桩")), ("0112", gettext_noop("路灯")),
    ]),
    ("02", gettext_noop("道路交通"), [
        ("0201", gettext_noop("停车场")), ("0205", gettext_noop("交通标志")), ("0210", gettext_noop("道路护栏")),
    ]),
    ("03", gettext_noop("市容环境"), [
        ("0301", gettext_noop("公共厕所")), ("0302", gettext_noop("垃圾箱")), ("0303", gettext_noop("垃圾分类收集点")),
    ]),
    ("04", gettext_noop("园林绿化"), [
        ("0401", gettext_noop("凉亭")), ("0402", gettext_noop("健身器材")), ("0403", gettext_noop("绿地")),
        ("0404", gettext_noop("座椅")), ("0405", gettext_noop("儿童游乐设施")),
    ]),
    ("05", gettext_noop("房屋土地"), [("0501", gettext_noop("宣传栏")), ("0502", gettext_noop("监控设备"))]),
    ("06", gettext_noop("其他设施"), [("0601", gettext_noop("其他部件"))]),
]


# The stored names that have a translation: the default care tags and facility classes.
DEFAULT_CATALOG_NAMES: frozenset[str] = frozenset(
    [name for _code, name, _sensitive, _roles, _interval in DEFAULT_CARE_TAGS]
    + [name for _code, name, _minors in DEFAULT_FACILITY_CLASSES]
    + [name for _major, _name, minors in DEFAULT_FACILITY_CLASSES for _code, name in minors]
)


def translated_catalog_name(name: str) -> str:
    """A default care tag's or facility class's name in the active language; any other name unchanged.

    Only the default catalogs' names are looked up, so a tag an administrator added (say
    "网格") keeps the name it was given even where the interface has a word for it.
    """
    return gettext(name) if name in DEFAULT_CATALOG_NAMES else name
