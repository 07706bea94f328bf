"""Checklists as data (检查清单): typed items, versioned so that editing never rewrites a past record.

A ``Checklist`` (四查四报, 消防安全检查 …) has numbered ``ChecklistVersion``s; each version holds
its ``ChecklistItem``s. A check-in records the version it answered and each answer points at
the item of that version, so a later revision (a new version) leaves every past record reading
exactly as it was answered. A version that has been answered is frozen (``is_frozen``); the
admin shows it read-only and offers "copy as a new version".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.catalog import translated_catalog_text


class Checklist(models.Model):
    """检查清单: what a patrol checks at each target; its items live in versions."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("检查清单")
        verbose_name_plural = pgettext_lazy("plural", "检查清单")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return translated_catalog_text(self.name)

    def current_version(self) -> ChecklistVersion | None:
        """The newest version: what a new check-in answers."""
        return self.versions.order_by("-number").first()


class ChecklistVersion(models.Model):
    """One version of a checklist's items (第N版). Answered versions are never edited."""

    checklist = models.ForeignKey(Checklist, verbose_name=_("检查清单"), on_delete=models.CASCADE,
                                  related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["checklist", "number"]
        verbose_name = _("检查清单版本")
        verbose_name_plural = pgettext_lazy("plural", "检查清单版本")
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="checklist_version_unique")]

    def __str__(self) -> str:
        return _("%(name)s 第%(number)d版") % {"name": self.checklist, "number": self.number}

    @property
    def is_frozen(self) -> bool:
        """Answered at least once: its items are part of past records."""
        return self.checkins.exists()


class ItemKind(models.TextChoices):
    YES_NO = "yes_no", _("是/否")
    NUMBER = "number", _("数字")
    CHOICE = "choice", _("单选")
    TEXT = "text", _("文字")
    PHOTO = "photo", _("照片")


YES, NO = "yes", "no"


class ChecklistItem(models.Model):
    """检查项: one typed question of a checklist version, and which answers mean a problem.

    ``problem_answers`` lists the answers that are a problem (``["no"]`` for "通道是否畅通",
    options for a choice); a number is a problem outside ``min_ok``..``max_ok``. ``category_code``
    names the case category (``cases.Category.code``) a problem is reported under.
    """

    version = models.ForeignKey(ChecklistVersion, verbose_name=_("版本"), on_delete=models.CASCADE,
                                related_name="items")
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    label = models.CharField(_("检查项"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=ItemKind.choices, default=ItemKind.YES_NO)
    required = models.BooleanField(_("必填"), default=True)
    options = models.JSONField(_("选项"), default=list, blank=True, help_text=_("单选题的选项。"))
    problem_answers = models.JSONField(_("视为问题的答案"), default=list, blank=True)
    min_ok = models.DecimalField(_("正常下限"), max_digits=10, decimal_places=2, null=True, blank=True)
    max_ok = models.DecimalField(_("正常上限"), max_digits=10, decimal_places=2, null=True, blank=True)
    category_code = models.CharField(_("上报类别代码"), max_length=40, blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("检查项")
        verbose_name_plural = pgettext_lazy("plural", "检查项")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return translated_catalog_text(self.label)

    def clean(self) -> None:
        if self.kind == ItemKind.CHOICE and len(self.options) < 2:
            raise ValidationError({"options": _("单选题至少需要两个选项。")})
        if self.min_ok is not None and self.max_ok is not None and self.min_ok > self.max_ok:
            raise ValidationError({"max_ok": _("正常上限不能小于下限。")})

    def is_problem(self, value: str) -> bool:
        """Whether this (already validated) answer is a problem."""
        if self.kind in (ItemKind.YES_NO, ItemKind.CHOICE):
            return value in self.problem_answers
        if self.kind == ItemKind.NUMBER and value != "":
            number = Decimal(value)
            return bool((self.min_ok is not None and number < self.min_ok)
                        or (self.max_ok is not None and number > self.max_ok))
        return False

    def copy_to(self, version: ChecklistVersion) -> ChecklistItem:
        fields: dict[str, Any] = {field.name: getattr(self, field.name) for field in self._meta.concrete_fields
                                  if field.name not in ("id", "version")}
        return ChecklistItem(version=version, **fields)
