"""The working-day calendar page (工作日历): a year of months showing working days, holidays and 调休.

Every signed-in user may look (the State Council's schedule is public). The calendar is one for
the whole installation, so only those who may edit global settings (``cases.change_calendarday``
on a top-level area, or a superuser: ``accounts.installation.may_edit_global``) pick a day and
make it a working day or a day off, with a name; anyone else posting gets 403.
The edit goes through ``cases.holidays.set_calendar_day`` (audited in the change log). With
htmx the page swaps its calendar section in place; without it, plain links and forms work.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.installation import may_edit_global
from cases.holidays import is_default_workday, set_calendar_day
from cases.models import CalendarDay

FIRST_YEAR, LAST_YEAR = 2000, 2100
CHANGE_PERMISSION = "cases.change_calendarday"


@dataclass(frozen=True)
class DayCell:
    """One day of the month grid: its kind (workday, rest, holiday, makeup) and name."""

    date: datetime.date
    in_month: bool
    is_workday: bool
    kind: str
    name: str
    is_today: bool

    @property
    def dom_id(self) -> str:
        return f"day-{self.date:%Y-%m-%d}"


@dataclass(frozen=True)
class Month:
    first: datetime.date
    weeks: list[list[DayCell]]

    @property
    def named(self) -> list[DayCell]:
        """The month's days that have a name (holidays, make-up working days), in order."""
        return [cell for week in self.weeks for cell in week if cell.in_month and cell.name]


def day_kind(day: datetime.date, row: tuple[bool, str] | None) -> tuple[bool, str]:
    """(is_workday, kind): 'workday', 'rest', 'holiday' (a named or weekday day off) or 'makeup' (调休上班)."""
    if row is None:
        return (True, "workday") if is_default_workday(day) else (False, "rest")
    is_workday, name = row
    if is_workday:
        return True, "workday" if is_default_workday(day) else "makeup"
    return False, "holiday" if (is_default_workday(day) or name) else "rest"


def year_exceptions(year: int) -> dict[datetime.date, tuple[bool, str]]:
    """The stored exceptions touching this year's grid (one query)."""
    rows = CalendarDay.objects.filter(
        date__gte=datetime.date(year - 1, 12, 20), date__lte=datetime.date(year + 1, 1, 10)
    ).values_list("date", "is_workday", "name")
    return {day: (is_workday, name) for day, is_workday, name in rows}


def year_months(year: int, exceptions: dict[datetime.date, tuple[bool, str]]) -> list[Month]:
    """Twelve month grids, weeks starting on Monday."""
    today = timezone.localdate()
    weeks_of = month_calendar.Calendar(firstweekday=0).monthdatescalendar
    months = []
    for number in range(1, 13):
        weeks = [
            [_cell(day, number, exceptions.get(day), today) for day in week] for week in weeks_of(year, number)
        ]
        months.append(Month(first=datetime.date(year, number, 1), weeks=weeks))
    return months


def _cell(day: datetime.date, month: int, row: tuple[bool, str] | None, today: datetime.date) -> DayCell:
    is_workday, kind = day_kind(day, row)
    return DayCell(date=day, in_month=day.month == month, is_workday=is_workday, kind=kind,
                   name=row[1] if row else "", is_today=day == today)


def year_totals(months: list[Month]) -> dict[str, int]:
    """How many working days, days off, holidays and make-up working days the year has."""
    days = [cell for month in months for week in month.weeks for cell in week if cell.in_month]
    return {
        "workdays": sum(cell.is_workday for cell in days),
        "rest_days": sum(not cell.is_workday for cell in days),
        "holidays": sum(cell.kind == "holiday" and cell.date.weekday() < 5 for cell in days),
        "makeup_days": sum(cell.kind == "makeup" for cell in days),
    }


class CalendarDayForm(forms.Form):
    """上班 or 放假 for one day, and the day's name (国庆节, 国庆节调休上班…)."""

    is_workday = forms.TypedChoiceField(
        label=_("这一天"), choices=[("1", _("上班")), ("0", _("放假"))], coerce=lambda value: value == "1",
        error_messages={"required": _("请选择上班或放假。"), "invalid_choice": _("请选择上班或放假。")},
    )
    name = forms.CharField(label=_("名称"), max_length=60, required=False,
                           error_messages={"max_length": _("名称最多 %(limit_value)d 个字。")})


def may_edit_calendar(user: Any) -> bool:
    """The calendar is a global setting: ``cases.change_calendarday`` on a top-level area, or a superuser."""
    return may_edit_global(user, CHANGE_PERMISSION)


def _year_or_404(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    return year


def _parse_day(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _selected(day: datetime.date, exceptions: dict[datetime.date, tuple[bool, str]]) -> dict[str, Any]:
    is_workday, kind = day_kind(day, exceptions.get(day))
    name = exceptions[day][1] if day in exceptions else ""
    return {"date": day, "is_workday": is_workday, "kind": kind, "name": name,
            "is_default": day not in exceptions}


def _calendar_context(
    request: HttpRequest, year: int, day: datetime.date | None, form: CalendarDayForm | None = None,
) -> dict[str, Any]:
    exceptions = year_exceptions(year)
    months = year_months(year, exceptions)
    may_edit = may_edit_calendar(request.user)
    context: dict[str, Any] = {
        "year": year, "months": months, "totals": year_totals(months), "may_edit": may_edit,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
    }
    if may_edit and day is not None and day.year == year:
        selected = _selected(day, exceptions)
        context["selected"] = selected
        context["form"] = form or CalendarDayForm(initial={"name": selected["name"]})
    return context


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """The whole page, or only its calendar section when htmx asks for it."""
    template = "cases/calendar/_calendar.html" if request.htmx else "cases/calendar/year.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


@login_required
@require_GET
def calendar_current(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("cases:calendar", args=[timezone.localdate().year]))


@login_required
@require_GET
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    """A year of months; ``?day=YYYY-MM-DD`` opens that day's edit panel for editors."""
    year = _year_or_404(year)
    day = _parse_day(request.GET.get("day", ""))
    return _render(request, _calendar_context(request, year, day))


@login_required
@require_POST
def calendar_day(request: HttpRequest, day: str) -> HttpResponse:
    """Set one day to 上班 or 放假 (and its name); answers with the calendar section (htmx) or a redirect."""
    if not may_edit_calendar(request.user):
        raise PermissionDenied(_("您没有修改工作日历的权限。"))
    date = _parse_day(day)
    if date is None:
        raise Http404
    _year_or_404(date.year)
    form = CalendarDayForm(request.POST)
    if not form.is_valid():
        return _render(request, _calendar_context(request, date.year, date, form), status=400)
    set_calendar_day(date, is_workday=form.cleaned_data["is_workday"], name=form.cleaned_data["name"])
    message = _("已把 %(day)s 设为上班。") if form.cleaned_data["is_workday"] else _("已把 %(day)s 设为放假。")
    notice = message % {"day": f"{date:%Y-%m-%d}"}
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, notice)
        return HttpResponseRedirect(f"{reverse('cases:calendar', args=[date.year])}?day={date:%Y-%m-%d}")
    return _render(request, {**_calendar_context(request, date.year, date), "notice": notice})


urlpatterns: list[URLPattern | URLResolver] = [
    path("calendar/", calendar_current, name="calendar_current"),
    path("calendar/<int:year>/", calendar_year, name="calendar"),
    path("calendar/day/<str:day>/", calendar_day, name="calendar_day"),
]
