"""The case catalog: categories with their deadlines and attributes, routing rules, the ladder.

All of it is data, seeded with defaults (``cases.catalog``) and edited by administrators,
because every city publishes its own lists and time limits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.scope import restrict
from core.models import TimeStampedModel

# The texts of the default catalog (names, descriptions, attribute labels and options), which
# ``CasesConfig.ready`` registers from ``cases.catalog``: only these are shown translated.
_DEFAULT_TEXTS: set[str] = set()


def register_default_texts(texts: Iterable[str]) -> None:
    """Mark catalog texts as defaults, to be shown in the active language."""
    _DEFAULT_TEXTS.update(texts)


def translated_catalog_text(text: str) -> str:
    """A default category's name (or description, attribute label, option) in the active language.

    Only default texts are looked up, so a category an administrator added or renamed keeps
    the words it was given.
    """
    return gettext(text) if text in _DEFAULT_TEXTS else text


class HandlingLevel(models.IntegerChoices):
    """Where a case sits: the desk that decides it. Values follow ``areas.Level`` (lower = higher)."""

    DISTRICT = 3, _("区/市平台")
    STREET = 4, _("街道")
    COMMUNITY = 5, _("社区")
    GRID = 6, _("网格")


class Priority(models.IntegerChoices):
    NORMAL = 1, _("一般")
    URGENT = 2, _("紧急")
    CRITICAL = 3, _("特急")


class DeadlineUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_HOURS = "calendar_hours", _("自然小时")


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(is_active=True)

    def public(self) -> CategoryQuerySet:
        return self.active().filter(public=True)


class Category(TimeStampedModel):
    """A kind of case (事件类别) with its handling level, priority and time limits per stage.

    ``gbt_code`` cross-walks to the event/component classes of GB/T 30428.2 where one applies.
    Stage limits: accept (受理) in working hours; dispatch (待派遣: accepted, not yet dispatched or
    self-handled) in working hours; handle (处置) in ``handle_unit``; verify (核查) in working hours;
    close (待结案: verified, not yet closed) in working hours.
    """

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("说明"), blank=True)
    gbt_code = models.CharField(_("GB/T 30428.2 分类"), max_length=20, blank=True)
    default_level = models.PositiveSmallIntegerField(
        _("默认处置层级"), choices=HandlingLevel.choices, default=HandlingLevel.COMMUNITY
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), choices=Priority.choices, default=Priority.NORMAL)
    public = models.BooleanField(_("居民可随手拍"), default=False)
    is_dispute = models.BooleanField(_("矛盾纠纷"), default=False)
    skip_to_level = models.PositiveSmallIntegerField(
        _("越级上报至"), choices=HandlingLevel.choices, null=True, blank=True,
        help_text=_("紧急类别上报时可越过中间层级，直接到这一层级。"),
    )
    accept_hours = models.PositiveSmallIntegerField(_("受理时限（工作小时）"), default=4)
    dispatch_hours = models.PositiveSmallIntegerField(_("派遣时限（工作小时）"), default=8)
    handle_amount = models.PositiveSmallIntegerField(_("处置时限"), default=5)
    handle_unit = models.CharField(
        _("处置时限单位"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS
    )
    verify_hours = models.PositiveSmallIntegerField(_("核查时限（工作小时）"), default=16)
    close_hours = models.PositiveSmallIntegerField(_("结案时限（工作小时）"), default=8)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("事件类别")
        verbose_name_plural = pgettext_lazy("plural", "事件类别")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (default categories are translated, others as stored)."""
        return translated_catalog_text(self.name)

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("类别不能是自己的上级。")})
        if self.handle_amount == 0:
            raise ValidationError({"handle_amount": _("处置时限必须大于零。")})
        for name in ("accept_hours", "dispatch_hours", "verify_hours", "close_hours"):
            if getattr(self, name) == 0:
                raise ValidationError({name: _("时限必须大于零。")})

    def lineage_ids(self) -> list[int]:
        """This category's id and its ancestors' ids, nearest first."""
        ids: list[int] = []
        node: Category | None = self
        while node is not None and node.pk not in ids:
            ids.append(node.pk)
            node = node.parent
        return ids


class AttributeKind(models.TextChoices):
    TEXT = "text", _("文本")
    NUMBER = "number", _("数字")
    DATE = "date", _("日期")
    CHOICE = "choice", _("单选")
    MULTIPLE = "multiple", _("多选")


class CategoryAttribute(models.Model):
    """An extra question a category asks when a case is reported (e.g. 搭建面积, 楼层)."""

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("代码"), max_length=40)
    label = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=10, choices=AttributeKind.choices, default=AttributeKind.TEXT)
    options = models.TextField(_("选项"), blank=True, help_text=_("单选或多选的选项，每行一个。"))
    required = models.BooleanField(_("必填"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("类别属性")
        verbose_name_plural = pgettext_lazy("plural", "类别属性")
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_attribute_unique_code")]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label in the active language, like ``Category.display_name``."""
        return translated_catalog_text(self.label)

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        if self.kind in (AttributeKind.CHOICE, AttributeKind.MULTIPLE) and not self.option_list:
            raise ValidationError({"options": _("单选或多选属性至少要有一个选项。")})


class RoutingRuleQuerySet(models.QuerySet["RoutingRule"]):
    def visible_to(self, user: Any) -> RoutingRuleQuerySet:
        return restrict(self, user, "area__code")


class RoutingRule(TimeStampedModel):
    """(category, area subtree) → the organisation that handles such cases there (派单规则).

    The most specific rule wins: the deepest area first, then the nearest category (a rule for
    a parent category covers its children).
    """

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="routes")
    area = models.ForeignKey("areas.Area", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("主办单位"), on_delete=models.CASCADE, related_name="routes"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("派单规则")
        verbose_name_plural = pgettext_lazy("plural", "派单规则")
        constraints = [models.UniqueConstraint(fields=["category", "area"], name="routing_rule_unique")]

    def __str__(self) -> str:
        return f"{self.category} · {self.area} → {self.organisation}"


class SupervisionKind(models.TextChoices):
    REMINDER = "reminder", _("催办")
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class SupervisionStep(models.Model):
    """One rung of the supervision ladder: at ``percent`` of a stage's time limit, issue ``kind``.

    The worker also warns at 75 % (即将超期) and marks overdue at 100 %; the ladder starts from
    there (催办 at 100 %, 黄牌 at 150 %, 红牌 at 200 % by default).
    """

    rank = models.PositiveSmallIntegerField(_("级次"), unique=True)
    kind = models.CharField(_("督办方式"), max_length=10, choices=SupervisionKind.choices)
    percent = models.PositiveSmallIntegerField(_("时限百分比"), help_text=_("达到本阶段时限的这一百分比时触发。"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("督办阶梯")
        verbose_name_plural = pgettext_lazy("plural", "督办阶梯")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≥ {self.percent}%"
