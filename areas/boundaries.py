"""Import of area boundaries (边界) from GeoJSON FeatureCollections, and the file's vocabulary.

An administrator draws or receives the polygons of streets, communities, grids and micro-grids
and imports them as one file. Each feature carries ``code``, ``name``, ``parent`` and ``level``
(optionally ``grid_kind``, ``served_unit``, ``household_target``, ``tags``). Coordinates are
WGS-84 unless the file or the administrator declares GCJ-02 or BD-09; they are stored in WGS-84.

The import is all-or-nothing: every feature is read and checked against the file and the
database first, and a single problem refuses the whole file with a report naming the feature.
Only a clean file is saved, in one transaction, through ``Area.save()`` so the audit log
records each change with the acting user. Optional properties missing from a feature leave the
stored values alone; codes never change.

The polygon checks and measurements in metres live in ``areas.geometry``; the export, which
writes this same format back out, in ``areas.boundary_export``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from shapely.geometry.base import BaseGeometry

from areas.geo import CoordinateSystem
from areas.geometry import overlap_square_metres, reach_outside, read_geometry, same_geometry, shape_of
from areas.models import Area, GridKind, GridTag, Level, validate_code
from core.request_context import acting_as, current
from core.validators import has_control_characters, validate_no_markup

MANAGE_PERMISSION = "areas.manage_boundaries"
LEVEL_KEYWORDS: dict[Level, str] = {
    Level.PROVINCE: "province", Level.CITY: "city", Level.DISTRICT: "district", Level.STREET: "street",
    Level.COMMUNITY: "community", Level.GRID: "grid", Level.MICROGRID: "microgrid",
}
_LEVEL_ALIASES: dict[str, Level] = {
    **{keyword: level for level, keyword in LEVEL_KEYWORDS.items()},
    # The Chinese names are spelled out: the labels are translated, the file format is not.
    "省": Level.PROVINCE, "市": Level.CITY, "区": Level.DISTRICT, "街道": Level.STREET, "社区": Level.COMMUNITY,
    "网格": Level.GRID, "微网格": Level.MICROGRID, "micro-grid": Level.MICROGRID, "county": Level.DISTRICT,
    "县": Level.DISTRICT, "乡镇": Level.STREET, "镇": Level.STREET, "乡": Level.STREET, "村": Level.COMMUNITY,
}
# GeoJSON needs eight levels (collection, features, feature, geometry, coordinates, polygon, ring,
# position) and one more for a MultiPolygon; anything deeper is not a boundary file, and is
# refused before any code walks it recursively.
MAX_NESTING = 12
# The largest household target every database stores (PostgreSQL's integer), so that a dry run on
# any database refuses what a commit on PostgreSQL would.
MAX_HOUSEHOLD_TARGET = 2_147_483_647
_DIGITS = re.compile(r"[0-9]+")
_GRID_KIND_ALIASES: dict[str, str] = {
    **{kind.value: kind.value for kind in GridKind},
    "综合网格": GridKind.COMPREHENSIVE.value, "专属网格": GridKind.DEDICATED.value,
    "综合": GridKind.COMPREHENSIVE.value, "专属": GridKind.DEDICATED.value, "": "",
}


def _join_list(items: list[str]) -> str:
    """Names in a sentence: 、 in Chinese, a comma in English."""
    return pgettext("list separator", "、").join(items)


def _join_messages(messages: list[str]) -> str:
    """Several complete messages for one field: ； in Chinese, a space after the full stop in English."""
    return pgettext("message separator", "；").join(messages)


class BoundaryFileError(ValueError):
    """The file cannot be read at all (not JSON, not a FeatureCollection)."""


@dataclass(frozen=True)
class BoundaryProblem:
    """One reason to refuse the file: feature ``number`` (from 1, None for the whole file)."""

    number: int | None
    code: str
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import found and, when the file was clean and not a dry run, what it saved."""

    coordinate_system: CoordinateSystem = CoordinateSystem.WGS84
    dry_run: bool = False
    problems: list[BoundaryProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def add(self, number: int | None, code: str, field_name: str, message: str) -> None:
        self.problems.append(BoundaryProblem(number, code, field_name, str(message)))


@dataclass
class _Feature:
    """A readable feature: its properties checked, its geometry in WGS-84 (None when invalid)."""

    number: int
    code: str
    name: str
    level: Level
    parent_code: str
    geometry: dict[str, Any] | None
    shape: BaseGeometry | None
    attributes: dict[str, Any]
    tag_ids: list[int] | None
    existing: Area | None = None


@dataclass
class _Stored:
    """The database rows an import touches or is checked against."""

    existing: dict[str, Area]
    parents: dict[str, Area]
    others_by_parent: dict[str, list[Area]]  # stored children not in the file, by parent code


class _Refused(Exception):
    """Raised inside the transaction to roll back when saving finds a problem after all."""


def parse_level(value: Any) -> Level:
    """A level from a file or a query: 'grid', '网格', 6 or '6'."""
    if isinstance(value, int) and not isinstance(value, bool) and value in Level.values:
        return Level(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and int(text) in Level.values:
            return Level(int(text))
        if text.lower() in _LEVEL_ALIASES:
            return _LEVEL_ALIASES[text.lower()]
    raise ValueError(_("不认识的层级：%(value)s（可用 区、街道、社区、网格、微网格）") % {"value": value})


# ---------------------------------------------------------------- reading the file


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _load_collection(source: bytes | str) -> dict[str, Any]:
    too_deep = BoundaryFileError(_("文件嵌套层数过多，不是边界文件。"))
    try:
        collection = json.loads(source)
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BoundaryFileError(_("文件不是有效的 JSON：%(error)s") % {"error": error}) from error
    if isinstance(collection, dict | list) and _nested_deeper_than(collection, MAX_NESTING):
        raise too_deep
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(_("文件必须是 GeoJSON 的 FeatureCollection（要素集合）。"))
    if not isinstance(collection.get("features"), list) or not collection["features"]:
        raise BoundaryFileError(_("文件中没有任何要素（features 为空）。"))
    return collection


def _declared_system_name(collection: dict[str, Any]) -> str | None:
    """The coordinate system the file names: ``coordinate_system``, or the old GeoJSON ``crs`` member."""
    if collection.get("coordinate_system"):
        return str(collection["coordinate_system"])
    crs = collection.get("crs")
    if not crs:
        return None
    if isinstance(crs, str):
        return crs
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if not isinstance(name, str):
        raise ValueError(_('crs 格式不对，应写作 "crs": {"type": "name", "properties": {"name": "GCJ-02"}}。'))
    return name or None


def _resolve_system(collection: dict[str, Any], chosen: str | None, report: ImportReport) -> CoordinateSystem:
    """The file's coordinate system: the administrator's choice, else the declared one, else WGS-84."""
    declared = chosen_system = None
    try:
        declared_name = _declared_system_name(collection)
        declared = CoordinateSystem.parse(declared_name) if declared_name else None
    except ValueError as error:
        report.add(None, "", "coordinate_system", str(error))
    try:
        chosen_system = CoordinateSystem.parse(chosen) if chosen else None
    except ValueError as error:
        report.add(None, "", "coordinate_system", str(error))
    if declared and chosen_system and declared != chosen_system:
        report.add(None, "", "coordinate_system", _("文件声明的坐标系是 %(declared)s，与所选的 %(chosen)s 不一致。")
                   % {"declared": declared, "chosen": chosen_system})
    return chosen_system or declared or CoordinateSystem.WGS84


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _plain_name(name: str) -> bool:
    """The model's own rule (``Area.name``), checked here so a dry run refuses what the commit would."""
    try:
        validate_no_markup(name)
    except ValidationError:
        return False
    return True


def _model_field_problem(name: str, value: Any) -> str | None:
    """The model field's own checks (length, range, validators), the same in a dry run and a commit."""
    model_field = Area._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    try:
        model_field.clean(value, None)
    except ValidationError as error:
        return _("%(field)s：%(problems)s") % {"field": model_field.verbose_name,
                                              "problems": _join_messages(error.messages)}
    return None


def _read_household_target(value: Any) -> int | None:
    """A count of households from a number or digits; ValueError when it is neither or out of range."""
    text = _text(value)
    if text is None or not _DIGITS.fullmatch(text) or int(text) > MAX_HOUSEHOLD_TARGET:
        raise ValueError(value)
    return int(text)


def _read_attributes(properties: dict[str, Any], report: ImportReport, number: int, code: str) -> dict[str, Any]:
    """The optional attributes the feature sets (absent ones are left as stored)."""
    attributes: dict[str, Any] = {}
    if "grid_kind" in properties:
        kind = _GRID_KIND_ALIASES.get(str(properties["grid_kind"] or "").strip())
        if kind is None:
            report.add(number, code, "grid_kind", _("网格类型应为 综合网格(comprehensive) 或 专属网格(dedicated)。"))
        attributes["grid_kind"] = kind or ""
    if "served_unit" in properties:
        unit = str(properties["served_unit"] or "").strip()
        if has_control_characters(unit):
            report.add(number, code, "served_unit", _("服务单位不能包含控制字符。"))
        elif problem := _model_field_problem("served_unit", unit):
            report.add(number, code, "served_unit", problem)
        attributes["served_unit"] = unit
    if "household_target" in properties:
        target = properties["household_target"]
        try:
            attributes["household_target"] = None if target in (None, "") else _read_household_target(target)
        except ValueError:
            report.add(number, code, "household_target", _("目标户数应为 0 到 %(limit)d 之间的整数。")
                       % {"limit": MAX_HOUSEHOLD_TARGET})
    return attributes


def _read_tags(value: Any, tags: dict[str, int], report: ImportReport, number: int, code: str) -> list[int] | None:
    if value is None:
        return []
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        report.add(number, code, "tags", _("特色标签应为标签代码或名称的列表。"))
        return None
    unknown = [name for name in names if name.strip() not in tags]
    if unknown:
        report.add(number, code, "tags", _("不认识的特色标签：%(tags)s。") % {"tags": _join_list(unknown)})
        return None
    return sorted({tags[name.strip()] for name in names})


def _read_feature(
    number: int, raw: Any, system: CoordinateSystem, tags: dict[str, int], report: ImportReport
) -> _Feature | None:
    """Check one feature on its own; None when its code, name, level or parent are unusable."""
    if not isinstance(raw, dict) or raw.get("type") != "Feature" or not isinstance(raw.get("properties"), dict):
        report.add(number, "", "properties", _("要素格式不对：必须是带 properties 的 Feature。"))
        return None
    properties: dict[str, Any] = raw["properties"]
    code, name, parent_code = (_text(properties.get(key)) for key in ("code", "name", "parent"))
    for key, value in (("code", code), ("name", name), ("level", properties.get("level"))):
        if value in (None, ""):
            report.add(number, code or "", key, _("缺少属性 %(key)s。") % {"key": key})
    if name and not _plain_name(name):
        report.add(number, code or "", "name", _("名称不能包含 < > \" ' & 等符号或控制字符。"))
        name = None
    elif name and (problem := _model_field_problem("name", name)):
        report.add(number, code or "", "name", problem)
        name = None
    level = None
    if properties.get("level") not in (None, ""):
        try:
            level = parse_level(properties["level"])
        except ValueError as error:
            report.add(number, code or "", "level", str(error))
    if level is not None and level > Level.DISTRICT and not parent_code:
        report.add(number, code or "", "parent", _("缺少属性 parent（上级区域编码）。"))
    geometry, polygon, problem = read_geometry(raw.get("geometry"), system)
    if problem:
        report.add(number, code or "", "geometry", problem)
    attributes = _read_attributes(properties, report, number, code or "")
    tag_ids = _read_tags(properties["tags"], tags, report, number, code or "") if "tags" in properties else None
    if not code or not name or level is None or (level > Level.DISTRICT and not parent_code):
        return None
    return _Feature(number, code, name, level, parent_code or "", geometry, polygon, attributes, tag_ids)


def _read_features(
    collection: dict[str, Any], system: CoordinateSystem, report: ImportReport
) -> tuple[list[_Feature], set[str]]:
    """The usable features (duplicates dropped) and every code the file mentions."""
    tags: dict[str, int] = {}
    for pk, tag_code, tag_name in GridTag.objects.values_list("pk", "code", "name"):
        tags[tag_code] = tags[tag_name] = pk
    features: list[_Feature] = []
    first_number: dict[str, int] = {}
    for number, raw in enumerate(collection["features"], start=1):
        feature = _read_feature(number, raw, system, tags, report)
        properties = raw.get("properties") if isinstance(raw, dict) else None
        code = _text(properties.get("code")) if isinstance(properties, dict) else None
        if code and code in first_number:
            report.add(number, code, "code", _("编码重复：与第 %(n)d 个要素相同。") % {"n": first_number[code]})
            continue
        if code:
            first_number[code] = number
        if feature:
            features.append(feature)
    return features, set(first_number)


# ---------------------------------------------------------------- checking against the tree


def _load_stored(features: list[_Feature]) -> _Stored:
    codes = {feature.code for feature in features}
    existing = {
        area.code: area
        for area in Area.objects.filter(code__in=codes).select_related("parent").prefetch_related("tags")
    }
    wanted_parents = {feature.parent_code for feature in features if feature.parent_code} - codes
    parents = {area.code: area for area in Area.objects.filter(code__in=wanted_parents)}
    others: dict[str, list[Area]] = defaultdict(list)
    rows = Area.objects.filter(parent__code__in=wanted_parents | codes).exclude(code__in=codes).select_related("parent")
    for area in rows:
        assert area.parent is not None
        others[area.parent.code].append(area)
    return _Stored(existing, parents, others)


def _check_identity(feature: _Feature, stored: _Stored, by_code: dict[str, _Feature], report: ImportReport) -> None:
    """Parent known, code rules, and nothing an import may not change (level, parent)."""
    parent_feature = by_code.get(feature.parent_code)
    parent_area = stored.parents.get(feature.parent_code)
    parent_level = parent_feature.level if parent_feature else parent_area.level if parent_area else None
    if feature.parent_code and parent_level is None:
        report.add(feature.number, feature.code, "parent", _("上级区域 %(code)s 既不在文件中，也不在系统中。")
                   % {"code": feature.parent_code})
        return
    try:
        validate_code(feature.code, feature.level, feature.parent_code or None, parent_level)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            report.add(feature.number, feature.code, key, _join_messages(messages))
    existing = feature.existing
    if existing and existing.level != feature.level:
        report.add(feature.number, feature.code, "level", _("系统中该区域是%(level)s，层级不能通过导入修改。")
                   % {"level": Level(existing.level).label})
    existing_parent = existing.parent.code if existing and existing.parent else ""
    if existing and existing_parent != feature.parent_code:
        report.add(feature.number, feature.code, "parent", _("系统中该区域的上级是 %(code)s，上级不能通过导入修改。")
                   % {"code": existing_parent or "—"})


def _check_permission(feature: _Feature, stored: _Stored, by_code: dict[str, _Feature], actor: Any,
                      report: ImportReport) -> None:
    """The actor manages boundaries in the area (for a new area: in its parent)."""
    if actor is None:
        return
    target = feature.existing or stored.parents.get(feature.parent_code)
    if target is None:
        source = by_code.get(feature.parent_code, feature)
        target = Area(code=source.code, level=source.level)
    if not actor.has_perm(MANAGE_PERMISSION, target):
        report.add(feature.number, feature.code, "code", _("您无权管理区域 %(code)s 的边界。") % {"code": target.code})


def _check_names(features: list[_Feature], stored: _Stored, report: ImportReport) -> None:
    """Names are unique under one parent, counting stored siblings the file does not rename."""
    taken: dict[tuple[str, str], str] = {}
    for parent_code, others in stored.others_by_parent.items():
        for area in others:
            taken[(parent_code, area.name)] = _("系统中的区域 %(code)s") % {"code": area.code}
    for feature in sorted(features, key=lambda f: f.number):
        key = (feature.parent_code, feature.name)
        if key in taken:
            report.add(feature.number, feature.code, "name", _("同一上级下名称“%(name)s”重复（与%(other)s）。")
                       % {"name": feature.name, "other": taken[key]})
        else:
            taken[key] = _("第 %(n)d 个要素") % {"n": feature.number}


def _stored_shape(area: Area | None) -> BaseGeometry | None:
    return shape_of(area.boundary) if area is not None and area.is_active else None


def _check_containment(features: list[_Feature], stored: _Stored, by_code: dict[str, _Feature],
                       tolerance: float, report: ImportReport) -> None:
    """Each feature lies inside its parent, and stored children stay inside a re-drawn parent."""
    for feature in features:
        if feature.shape is None:
            continue
        parent_feature = by_code.get(feature.parent_code)
        parent_shape = parent_feature.shape if parent_feature else shape_of(
            getattr(stored.parents.get(feature.parent_code), "boundary", None))
        reach = reach_outside(feature.shape, parent_shape, tolerance) if parent_shape is not None else None
        if reach is not None:
            message = _("超出上级区域 %(parent)s 的边界约 %(metres).1f 米（允许误差 %(tolerance)g 米）。")
            values = {"parent": feature.parent_code, "metres": reach, "tolerance": tolerance}
            report.add(feature.number, feature.code, "geometry", message % values)
        for child in stored.others_by_parent.get(feature.code, []):
            child_shape = _stored_shape(child)
            reach = reach_outside(child_shape, feature.shape, tolerance) if child_shape is not None else None
            if reach is not None:
                message = _("系统中的下级区域 %(child)s 会超出新边界约 %(metres).1f 米，"
                            "请在同一文件中一并调整它的边界。")
                report.add(feature.number, feature.code, "geometry", message % {"child": child.code, "metres": reach})


def _check_overlaps(features: list[_Feature], stored: _Stored, tolerance: float, report: ImportReport) -> None:
    """Siblings (in the file or stored and active) must not overlap beyond the tolerance."""
    groups: dict[str, list[tuple[_Feature | Area, BaseGeometry]]] = defaultdict(list)
    for feature in features:
        if feature.shape is not None and (feature.existing is None or feature.existing.is_active):
            groups[feature.parent_code].append((feature, feature.shape))
    for parent_code in list(groups):
        for area in stored.others_by_parent.get(parent_code, []):
            if (polygon := _stored_shape(area)) is not None:
                groups[parent_code].append((area, polygon))
    for members in groups.values():
        shapes = [polygon for _member, polygon in members]
        left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist(), strict=True):
            (a, shape_a), (b, shape_b) = members[i], members[j]
            # Each pair once, reported on a feature of the file; stored pairs are not the file's fault.
            if not isinstance(a, _Feature) or (isinstance(b, _Feature) and j <= i):
                continue
            overlap = overlap_square_metres(shape_a, shape_b, tolerance)
            if overlap:
                message = _("与%(other)s重叠约 %(area).0f 平方米。")
                report.add(a.number, a.code, "geometry", message % {"other": _describe(b), "area": overlap})


def _describe(member: _Feature | Area) -> str:
    if isinstance(member, _Feature):
        return _("第 %(n)d 个要素 %(code)s") % {"n": member.number, "code": member.code}
    return _("系统中的同级区域 %(code)s") % {"code": member.code}


def _check(features: list[_Feature], file_codes: set[str], actor: Any, report: ImportReport) -> _Stored:
    stored = _load_stored(features)
    by_code = {feature.code: feature for feature in features}
    tolerance = float(settings.BOUNDARY_TOLERANCE_METRES)
    for feature in features:
        feature.existing = stored.existing.get(feature.code)
        if feature.parent_code in file_codes and feature.parent_code not in by_code:
            continue  # the parent's own problem is reported; nothing more to say here
        _check_identity(feature, stored, by_code, report)
        _check_permission(feature, stored, by_code, actor, report)
    _check_names(features, stored, report)
    _check_containment(features, stored, by_code, tolerance, report)
    _check_overlaps(features, stored, tolerance, report)
    return stored


# ---------------------------------------------------------------- saving


def _apply(area: Area, feature: _Feature) -> bool:
    """Copy the feature onto the area; whether anything changed."""
    values = {"name": feature.name, **feature.attributes}
    if area._state.adding and Level(feature.level) in (Level.GRID, Level.MICROGRID) and not values.get("grid_kind"):
        values["grid_kind"] = GridKind.COMPREHENSIVE
    changed = False
    for name, value in values.items():
        if getattr(area, name) != value:
            setattr(area, name, value)
            changed = True
    assert feature.geometry is not None
    if not same_geometry(area.boundary, feature.geometry):
        area.set_boundary(feature.geometry)
        changed = True
    return changed


def _save_feature(feature: _Feature, parent: Area | None, dry_run: bool) -> bool:
    """Create or update one area through save() (audited); whether it changes.

    A dry run only compares: the instance is changed in memory and never saved.
    """
    area = feature.existing or Area(code=feature.code, level=feature.level, parent=parent)
    tags_before = [] if feature.existing is None else sorted(tag.pk for tag in feature.existing.tags.all())
    changed = _apply(area, feature)
    if changed:
        try:
            _validate_model(area)
        except ValidationError as error:
            key, messages = next(iter(error.message_dict.items()))
            raise _Refused(BoundaryProblem(feature.number, feature.code, key, _join_messages(messages))) from error
    if changed and not dry_run:
        area.save()
    if feature.tag_ids is not None and tags_before != feature.tag_ids:
        if not dry_run:
            area.tags.set(feature.tag_ids)
        changed = True
    feature.existing = area
    return changed


def _validate_model(area: Area) -> None:
    """The model's own rules (e.g. 专属网格 needs its unit), alike in a dry run and a commit.

    The import itself chose the parent (possibly a new area a dry run does not save) and checked
    codes and names for uniqueness across the file and the database; the database's constraints
    catch a concurrent edit.
    """
    area.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)


def _save(features: list[_Feature], stored: _Stored, report: ImportReport) -> None:
    """Parents before children (a parent's level is always higher); counts what changed."""
    saved: dict[str, Area] = dict(stored.parents)
    for feature in sorted(features, key=lambda f: (f.level, f.code)):
        is_new = feature.existing is None
        changed = _save_feature(feature, saved.get(feature.parent_code), report.dry_run)
        assert feature.existing is not None
        saved[feature.code] = feature.existing
        (report.created if is_new else report.updated if changed else report.unchanged).append(feature.code)


def import_boundaries(
    source: bytes | str, *, actor: Any = None, coordinate_system: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Validate a GeoJSON file of boundaries and, when it is clean and not a dry run, save it.

    ``actor`` is the user importing: they need ``areas.manage_boundaries`` over every area the
    file touches and are recorded in the audit log. ``None`` (a trusted command) skips the
    permission check. ``coordinate_system`` overrides the file's own declaration.
    """
    report = ImportReport(dry_run=dry_run)
    try:
        collection = _load_collection(source)
    except BoundaryFileError as error:
        report.add(None, "", "file", str(error))
        return report
    report.coordinate_system = _resolve_system(collection, coordinate_system, report)
    if not report.ok:
        return report
    with _acting(actor), transaction.atomic():
        features, file_codes = _read_features(collection, report.coordinate_system, report)
        stored = _check(features, file_codes, actor, report)
        if report.ok:
            try:
                _save(features, stored, report)
            except (_Refused, IntegrityError) as error:  # IntegrityError: a concurrent edit won a race
                transaction.set_rollback(True)
                report.created, report.updated, report.unchanged = [], [], []
                report.problems.append(error.args[0] if isinstance(error, _Refused) else BoundaryProblem(
                    None, "", "file", _("保存时与其他人同时进行的修改冲突，没有保存任何数据，请重新导入。")))
    report.problems.sort(key=lambda problem: (problem.number or 0, problem.code, problem.field))
    return report


def _acting(actor: Any) -> AbstractContextManager[None]:
    """Record ``actor`` in the audit log of the changes (keeping the request id)."""
    if actor is None:
        return nullcontext()
    context = current()
    return acting_as(actor, context.request_id, context.remote_addr)

