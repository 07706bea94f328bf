"""The default case catalog (事件类别), its extra questions and the supervision ladder. Data, not code.

``ensure_default_catalog`` runs after every ``migrate`` and adds what is missing; it never
changes rows administrators have edited. A category is matched by its code (a stable English
slug); its attributes are created only together with the category, so an attribute an
administrator removed stays removed. The ladder (督办阶梯) is seeded only when it is empty.
Administrators retire a default category by unticking "启用" (deleting it brings it back at
the next ``migrate``).

GB/T 30428.2 cross-walk (``gbt_code``): components (部件) carry the 4-digit class code the
registry's facility catalog uses (``registry.catalog``: 0112 路灯, 0401 凉亭, 0402 健身器材);
events (事件) carry ``E`` + the standard's 2-digit major event class (E01 市容环境, E02 宣传广告,
E03 施工管理, E04 突发事件, E05 街面秩序, E06 市场监管). Categories the standard does not cover
(problems inside residential buildings, disputes, services to residents) are left blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from accounts.catalog import grant_app_permissions
from cases.holidays import seed_default_years
from cases.models import (
    AttributeKind,
    Category,
    CategoryAttribute,
    DeadlineUnit,
    HandlingLevel,
    Priority,
    SupervisionKind,
    SupervisionStep,
)

# GB/T 30428.2 major event classes (事件大类), as stored in ``Category.gbt_code``.
EVENT_CLASSES: dict[str, str] = {
    "E01": gettext_noop("市容环境"),
    "E02": gettext_noop("宣传广告"),
    "E03": gettext_noop("施工管理"),
    "E04": gettext_noop("突发事件"),
    "E05": gettext_noop("街面秩序"),
    "E06": gettext_noop("市场监管"),
}


@dataclass(frozen=True)
class AttributeSpec:
    """One extra question of a default category."""

    code: str
    label: str
    kind: str = AttributeKind.TEXT
    options: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class CategorySpec:
    """One default category; children inherit nothing (each states its own limits)."""

    code: str
    name: str
    level: int = HandlingLevel.COMMUNITY
    priority: int = Priority.NORMAL
    public: bool = True
    is_dispute: bool = False
    skip_to_level: int | None = None
    accept_hours: int = 4
    dispatch_hours: int = 8  # 待派遣: one working day to dispatch or self-handle
    handle: tuple[int, str] = (5, DeadlineUnit.WORKING_DAYS)
    verify_hours: int = 16
    close_hours: int = 8  # 待结案: one working day to close once verified
    gbt_code: str = ""
    description: str = ""
    attributes: tuple[AttributeSpec, ...] = ()
    children: tuple[CategorySpec, ...] = field(default=())


def _choice(code: str, label: str, *options: str, multiple: bool = False) -> AttributeSpec:
    kind = AttributeKind.MULTIPLE if multiple else AttributeKind.CHOICE
    return AttributeSpec(code=code, label=label, kind=kind, options=options)


HOURS = DeadlineUnit.CALENDAR_HOURS
DAYS = DeadlineUnit.WORKING_DAYS

DEFAULT_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "illegal-construction", gettext_noop("违章搭建"), level=HandlingLevel.STREET, accept_hours=8,
        handle=(15, DAYS), gbt_code="E01",
        description=gettext_noop("未经批准的搭建、加建、改建，由街道综合执法中队查处。"),
        attributes=(
            AttributeSpec("built-area", gettext_noop("搭建面积（平方米）"), AttributeKind.NUMBER),
            _choice("structure", gettext_noop("结构"), gettext_noop("砖混"), gettext_noop("彩钢板"),
                    gettext_noop("木结构"), gettext_noop("其他")),
        ),
    ),
    CategorySpec(
        "ebike-charging", gettext_noop("飞线充电/电动车楼道停放"), level=HandlingLevel.GRID,
        priority=Priority.URGENT, dispatch_hours=2, accept_hours=2, handle=(1, DAYS), verify_hours=8,
        description=gettext_noop("私拉电线给电动车充电，或电动车停放在楼道、门厅里：火灾隐患，当天劝导整改。"),
        attributes=(_choice("place", gettext_noop("位置"), gettext_noop("楼道"), gettext_noop("门厅"),
                            gettext_noop("地下室"), gettext_noop("室外飞线")),),
    ),
    CategorySpec(
        "fire-exit-blocked", gettext_noop("消防通道堵塞"), priority=Priority.URGENT, dispatch_hours=2,
        skip_to_level=HandlingLevel.STREET, accept_hours=1, handle=(24, HOURS), verify_hours=4,
        description=gettext_noop("车辆或杂物占用消防车通道、安全出口：紧急，可直接报到街道。"),
    ),
    CategorySpec(
        "stairwell-clutter", gettext_noop("楼道堆物"), level=HandlingLevel.GRID, handle=(3, DAYS),
        verify_hours=8,
    ),
    CategorySpec(
        "thrown-objects", gettext_noop("高空抛物"), priority=Priority.URGENT, dispatch_hours=2,
        skip_to_level=HandlingLevel.STREET, accept_hours=1, handle=(3, DAYS), verify_hours=8,
        description=gettext_noop("从建筑物中抛掷物品：危及人身安全，可直接报到街道（派出所）。"),
        attributes=(_choice("harm", gettext_noop("后果"), gettext_noop("未造成伤害"),
                            gettext_noop("造成财物损失"), gettext_noop("造成人身伤害")),),
    ),
    CategorySpec(
        "facility-damage", gettext_noop("设施损坏"), handle=(5, DAYS),
        children=(
            CategorySpec("street-lamp", gettext_noop("路灯"), handle=(3, DAYS), gbt_code="0112"),
            CategorySpec("road-surface", gettext_noop("路面"), level=HandlingLevel.STREET, accept_hours=8,
                         handle=(10, DAYS)),
            CategorySpec("pavilion", gettext_noop("凉亭"), handle=(5, DAYS), gbt_code="0401"),
            CategorySpec("fitness-equipment", gettext_noop("健身器材"), handle=(3, DAYS), gbt_code="0402"),
        ),
    ),
    CategorySpec(
        "water-leak", gettext_noop("房屋漏水"), handle=(5, DAYS),
        attributes=(AttributeSpec("floor", gettext_noop("楼层"), AttributeKind.NUMBER),),
    ),
    CategorySpec(
        "pests", gettext_noop("有害生物"), handle=(5, DAYS),
        children=(
            CategorySpec("wasp-nest", gettext_noop("蜂窝"), priority=Priority.URGENT, dispatch_hours=2, accept_hours=2,
                         handle=(24, HOURS), verify_hours=8,
                         description=gettext_noop("马蜂窝等：不要自行处理，尽快联系物业或消防摘除。")),
        ),
    ),
    CategorySpec(
        "sanitation", gettext_noop("环境卫生/垃圾"), level=HandlingLevel.GRID, handle=(2, DAYS), verify_hours=8,
        gbt_code="E01",
    ),
    CategorySpec(
        "noise", gettext_noop("噪音扰民"), handle=(3, DAYS),
        attributes=(
            _choice("period", gettext_noop("时段"), gettext_noop("早晨"), gettext_noop("白天"), gettext_noop("夜间"),
                    multiple=True),
            _choice("source", gettext_noop("噪音来源"), gettext_noop("装修施工"), gettext_noop("商铺经营"),
                    gettext_noop("广场舞"), gettext_noop("住户"), gettext_noop("其他")),
        ),
    ),
    CategorySpec(
        "vehicles", gettext_noop("僵尸车/乱停车"), handle=(5, DAYS), gbt_code="E05",
        attributes=(AttributeSpec("plate", gettext_noop("车牌号")),),
    ),
    CategorySpec("parcel-station", gettext_noop("快递点扰民"), handle=(5, DAYS), gbt_code="E05"),
    CategorySpec(
        "food-safety", gettext_noop("食品安全"), level=HandlingLevel.STREET, priority=Priority.URGENT, dispatch_hours=2,
        accept_hours=2, handle=(5, DAYS), gbt_code="E06",
        attributes=(
            AttributeSpec("found-on", gettext_noop("发现日期"), AttributeKind.DATE),
            AttributeSpec("shop", gettext_noop("商户名称")),
        ),
    ),
    CategorySpec(
        "neighbour-dispute", gettext_noop("邻里纠纷"), public=False, is_dispute=True, accept_hours=8,
        handle=(15, DAYS),
    ),
    CategorySpec(
        "property-dispute", gettext_noop("物业纠纷"), public=False, is_dispute=True, accept_hours=8,
        handle=(15, DAYS),
    ),
    CategorySpec(
        "assistance", gettext_noop("养老帮扶/困难救助"), handle=(5, DAYS),
        attributes=(_choice("needs", gettext_noop("需要的帮助"), gettext_noop("生活照料"), gettext_noop("就医陪护"),
                            gettext_noop("临时救助"), gettext_noop("政策申请"), gettext_noop("其他"),
                            multiple=True),),
    ),
    CategorySpec(
        "policy-services", gettext_noop("政策咨询与代办"), accept_hours=8, handle=(5, DAYS),
        children=(
            CategorySpec("retirement-certification", gettext_noop("退休认证"), accept_hours=8, handle=(5, DAYS)),
            CategorySpec("league-transfer", gettext_noop("团关系转接"), accept_hours=8, handle=(5, DAYS)),
            CategorySpec("only-child-reward", gettext_noop("独生子女奖励"), accept_hours=8, handle=(10, DAYS)),
        ),
    ),
    CategorySpec(
        "public-security", gettext_noop("治安隐患"), level=HandlingLevel.STREET, priority=Priority.URGENT,
        dispatch_hours=2, accept_hours=2, handle=(3, DAYS),
    ),
)

# The default ladder (督办阶梯): (rank, kind, percent of the stage's time limit).
DEFAULT_LADDER: tuple[tuple[int, str, int], ...] = (
    (1, SupervisionKind.REMINDER, 100),
    (2, SupervisionKind.YELLOW, 150),
    (3, SupervisionKind.RED, 200),
)


def _all_specs(specs: tuple[CategorySpec, ...] = DEFAULT_CATEGORIES) -> list[CategorySpec]:
    found: list[CategorySpec] = []
    for spec in specs:
        found.append(spec)
        found.extend(_all_specs(spec.children))
    return found


def _texts(spec: CategorySpec) -> list[str]:
    texts = [spec.name, spec.description]
    for attribute in spec.attributes:
        texts.extend([attribute.label, *attribute.options])
    return [text for text in texts if text]


# The stored texts that have a translation: the default categories' names, descriptions,
# attribute labels and options, and the event classes.
DEFAULT_CATALOG_TEXTS: frozenset[str] = frozenset(
    [text for spec in _all_specs() for text in _texts(spec)] + list(EVENT_CLASSES.values())
)


def _create_category(spec: CategorySpec, parent: Category | None, order: int) -> Category:
    amount, unit = spec.handle
    category = Category.objects.create(
        code=spec.code, name=spec.name, parent=parent, description=spec.description, gbt_code=spec.gbt_code,
        default_level=spec.level, priority=spec.priority, public=spec.public, is_dispute=spec.is_dispute,
        skip_to_level=spec.skip_to_level, accept_hours=spec.accept_hours, dispatch_hours=spec.dispatch_hours,
        handle_amount=amount, handle_unit=unit, verify_hours=spec.verify_hours, close_hours=spec.close_hours,
        sort_order=order,
    )
    for index, attribute in enumerate(spec.attributes):
        CategoryAttribute.objects.create(
            category=category, code=attribute.code, label=attribute.label, kind=attribute.kind,
            options="\n".join(attribute.options), required=attribute.required, sort_order=index * 10,
        )
    return category


def _ensure(specs: tuple[CategorySpec, ...], parent: Category | None, existing: dict[str, Category]) -> int:
    created = 0
    for index, spec in enumerate(specs):
        category = existing.get(spec.code)
        if category is None:
            category = _create_category(spec, parent, order=(index + 1) * 10)
            existing[spec.code] = category
            created += 1
        created += _ensure(spec.children, category, existing)
    return created


def ensure_default_ladder() -> int:
    """Seed the supervision ladder when it has no step at all; returns how many steps were created."""
    if SupervisionStep.objects.exists():
        return 0
    for rank, kind, percent in DEFAULT_LADDER:
        SupervisionStep.objects.create(rank=rank, kind=kind, percent=percent)
    return len(DEFAULT_LADDER)


@transaction.atomic
def ensure_default_catalog() -> int:
    """Create missing default categories (with their attributes) and the ladder.

    Returns how many categories and ladder steps were created.
    """
    existing = {category.code: category for category in Category.objects.all()}
    return _ensure(DEFAULT_CATEGORIES, None, existing) + ensure_default_ladder()


def on_post_migrate(sender: Any, **kwargs: Any) -> None:
    """After ``migrate`` (and after a test database flush): the catalog and this year's holidays."""
    if sender.name != "cases":
        return
    with transaction.atomic():  # one commit, not one per row
        grant_app_permissions("cases")  # roles of an installation older than the cases app
        ensure_default_catalog()
        seed_default_years()
