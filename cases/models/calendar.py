"""The working-day calendar: the exceptions to "Monday to Friday are working days"."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarDay(models.Model):
    """A public holiday (法定节假日) or a make-up working day (调休上班) on a weekend.

    Only exceptions are stored: a weekday not listed is a working day, a weekend day not listed
    is a rest day. Seeded from the ``holidays`` package; administrators add next year's
    schedule when the State Council publishes it.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选表示调休上班；不勾选表示放假。"))
    name = models.CharField(_("名称"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日与调休")
        verbose_name_plural = pgettext_lazy("plural", "节假日与调休")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"
