"""The default case catalog: seeded after migrate, idempotent, never overwriting an administrator's edits."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from audit.models import ChangeLogEntry
from cases.catalog import (
    DEFAULT_CATEGORIES,
    DEFAULT_LADDER,
    EVENT_CLASSES,
    _all_specs,
    ensure_default_catalog,
)
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
from cases.models.catalog import translated_catalog_text
from registry.models import FacilityCategory

pytestmark = pytest.mark.django_db

DEFAULT_CODES = {spec.code for spec in _all_specs()}


def test_it_is_seeded_after_migrate():
    # The test database was migrated: the default tree and ladder are already there.
    assert set(Category.objects.values_list("code", flat=True)) >= DEFAULT_CODES
    assert list(SupervisionStep.objects.values_list("rank", "kind", "percent")) == [
        (1, SupervisionKind.REMINDER, 100), (2, SupervisionKind.YELLOW, 150), (3, SupervisionKind.RED, 200)]


def test_it_covers_the_issue_tree():
    names = dict(Category.objects.filter(parent=None, code__in=DEFAULT_CODES).values_list("code", "name"))
    assert set(names.values()) == {
        "违章搭建", "飞线充电/电动车楼道停放", "消防通道堵塞", "楼道堆物", "高空抛物", "设施损坏", "房屋漏水",
        "有害生物", "环境卫生/垃圾", "噪音扰民", "僵尸车/乱停车", "快递点扰民", "食品安全", "邻里纠纷", "物业纠纷",
        "养老帮扶/困难救助", "政策咨询与代办", "治安隐患",
    }
    facility = Category.objects.get(code="facility-damage")
    assert list(facility.children.values_list("name", flat=True)) == ["路灯", "路面", "凉亭", "健身器材"]
    assert list(Category.objects.get(code="pests").children.values_list("name", flat=True)) == ["蜂窝"]
    assert {"退休认证", "团关系转接", "独生子女奖励"} <= set(
        Category.objects.get(code="policy-services").children.values_list("name", flat=True))


def test_it_sets_levels_priorities_and_deadlines():
    fire_exit = Category.objects.get(code="fire-exit-blocked")
    assert (fire_exit.priority, fire_exit.skip_to_level) == (Priority.URGENT, HandlingLevel.STREET)
    limits = (fire_exit.accept_hours, fire_exit.handle_amount, fire_exit.handle_unit)
    assert limits == (1, 24, DeadlineUnit.CALENDAR_HOURS)
    assert Category.objects.get(code="thrown-objects").skip_to_level == HandlingLevel.STREET
    assert Category.objects.get(code="illegal-construction").default_level == HandlingLevel.STREET
    assert Category.objects.get(code="stairwell-clutter").default_level == HandlingLevel.GRID
    disputes = set(Category.objects.filter(is_dispute=True, code__in=DEFAULT_CODES).values_list("code", flat=True))
    assert disputes == {"neighbour-dispute", "property-dispute"}
    assert not Category.objects.filter(is_dispute=True, public=True, code__in=DEFAULT_CODES).exists()


def test_it_asks_typed_questions():
    def kinds(code: str) -> dict[str, str]:
        return dict(CategoryAttribute.objects.filter(category__code=code).values_list("label", "kind"))

    assert kinds("illegal-construction") == {"搭建面积（平方米）": AttributeKind.NUMBER, "结构": AttributeKind.CHOICE}
    assert kinds("water-leak") == {"楼层": AttributeKind.NUMBER}
    assert kinds("noise")["时段"] == AttributeKind.MULTIPLE
    assert kinds("food-safety")["发现日期"] == AttributeKind.DATE
    structure = CategoryAttribute.objects.get(category__code="illegal-construction", code="structure")
    assert structure.option_list == ["砖混", "彩钢板", "木结构", "其他"]


def test_every_default_row_passes_validation():
    for category in Category.objects.filter(code__in=DEFAULT_CODES):
        category.full_clean()
    for attribute in CategoryAttribute.objects.filter(category__code__in=DEFAULT_CODES):
        attribute.full_clean()


def test_every_cross_walk_code_is_an_event_class_or_a_registry_component_class():
    component_classes = set(FacilityCategory.objects.values_list("code", flat=True))
    codes = set(Category.objects.filter(code__in=DEFAULT_CODES).exclude(gbt_code="").values_list("gbt_code", flat=True))
    assert codes
    assert codes <= set(EVENT_CLASSES) | component_classes
    assert Category.objects.get(code="street-lamp").gbt_code == "0112"
    assert FacilityCategory.objects.get(code="0112").name == "路灯"
    assert Category.objects.get(code="neighbour-dispute").gbt_code == ""


def test_it_is_idempotent():
    counts = (Category.objects.count(), CategoryAttribute.objects.count(), SupervisionStep.objects.count())
    assert ensure_default_catalog() == 0
    assert ensure_default_catalog() == 0
    assert (Category.objects.count(), CategoryAttribute.objects.count(), SupervisionStep.objects.count()) == counts


def test_it_never_overwrites_an_administrators_edits():
    Category.objects.filter(code="noise").update(name="噪声污染", accept_hours=2, public=False, is_active=False)
    CategoryAttribute.objects.filter(category__code="noise", code="source").delete()
    SupervisionStep.objects.filter(rank=3).delete()
    SupervisionStep.objects.filter(rank=2).update(percent=175)

    assert ensure_default_catalog() == 0

    noise = Category.objects.get(code="noise")
    assert (noise.name, noise.accept_hours, noise.public, noise.is_active) == ("噪声污染", 2, False, False)
    assert list(noise.attributes.values_list("code", flat=True)) == ["period"]
    assert list(SupervisionStep.objects.values_list("rank", "percent")) == [(1, 100), (2, 175)]


def test_it_brings_back_a_deleted_category_with_its_attributes_and_logs_it():
    Category.objects.get(code="water-leak").delete()
    assert ensure_default_catalog() == 1
    leak = Category.objects.get(code="water-leak")
    assert list(leak.attributes.values_list("label", flat=True)) == ["楼层"]
    entry = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Category), object_id=str(leak.pk)).get()
    assert entry.action == "create"
    assert entry.after["name"] == "房屋漏水"


def test_it_adds_a_missing_child_under_the_existing_parent():
    parent = Category.objects.get(code="facility-damage")
    Category.objects.filter(code="pavilion").delete()
    assert ensure_default_catalog() == 1
    assert Category.objects.get(code="pavilion").parent == parent


def test_it_seeds_the_ladder_into_an_empty_table():
    SupervisionStep.objects.all().delete()
    assert ensure_default_catalog() == len(DEFAULT_LADDER)
    assert SupervisionStep.objects.count() == 3


def test_codes_are_unique_slugs():
    codes = [spec.code for spec in _all_specs()]
    assert len(codes) == len(set(codes))
    assert all(code.replace("-", "").isascii() and code == code.lower() for code in codes)
    assert len(DEFAULT_CATEGORIES) == 18


def test_it_keeps_the_words_of_categories_administrators_named():
    assert translated_catalog_text("我们自己的类别") == "我们自己的类别"
    assert translated_catalog_text("违章搭建") == "违章搭建"  # zh-hans: the source text itself
