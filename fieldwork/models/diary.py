"""The grid diary (民情日志): a worker's free entries; the rest of a day is composed from their work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from areas.models import Area
from registry.models import Household


class DiaryTag(models.TextChoices):
    NEED = "need", _("需求")
    SUGGESTION = "suggestion", _("建议")
    DISPUTE = "dispute", _("矛盾")
    HAZARD = "hazard", _("隐患")
    GOOD_DEED = "good_deed", _("好人好事")


class DiaryEntry(models.Model):
    """民情日志 entry written by hand: 社情民意 heard in passing, a meeting, an errand (代办) done.

    Laid out like the paper 民情日志本: date, place, people, what happened, how it was handled and
    the result. Patrols, visits and cases join these in the month view (``fieldwork.diary``).
    """

    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT,
                               related_name="diary_entries")
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    grid_code = models.CharField(_("网格编码"), max_length=18, editable=False)
    day = models.DateField(_("日期"), default=timezone.localdate)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    people = models.CharField(_("人员"), max_length=100, blank=True)
    what = models.TextField(_("事由"))
    handling = models.TextField(_("处理情况"), blank=True)
    result = models.TextField(_("结果"), blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    household = models.ForeignKey(Household, verbose_name=_("户"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["day", "created_at", "pk"]
        verbose_name = _("民情日志")
        verbose_name_plural = pgettext_lazy("plural", "民情日志")
        indexes = [models.Index(fields=["author", "day"], name="diary_author_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.what[:20]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.grid_id:
            self.grid_code = self.grid.code
        super().save(*args, **kwargs)

    def tag_labels(self) -> list[str]:
        return [str(DiaryTag(tag).label) for tag in self.tags if tag in DiaryTag.values]


class DiaryComment(models.Model):
    """点评: a reviewer's (网格长, 督导员) comment on one day of a worker's 民情日志."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("日志记录人"), on_delete=models.CASCADE,
                               related_name="diary_comments")
    day = models.DateField(_("日期"))
    commenter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("点评人"), on_delete=models.PROTECT,
                                  related_name="+")
    text = models.TextField(_("点评"))
    created_at = models.DateTimeField(_("点评时间"), default=timezone.now)

    class Meta:
        ordering = ["day", "created_at", "pk"]
        verbose_name = _("日志点评")
        verbose_name_plural = pgettext_lazy("plural", "日志点评")
        indexes = [models.Index(fields=["author", "day"], name="diary_comment_author_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.text[:20]}"
