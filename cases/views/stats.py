"""The statistics page (事件统计): headline figures, tables per grouping and charts.

Open to users who may export ledgers or supervise (``cases.export_case`` or
``cases.supervise_case`` somewhere); the figures cover ``Case.objects.visible_to(user)`` narrowed
by the shared filter (``cases.filters``). ``cases.statistics`` holds the definitions; the figures
are sums over the statistics rollups (``cases.rollup_statistics``, a constant number of queries;
monthly slices as the page opens), or live for a user who sees cases through a unit outside
their areas.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.scope import scope_prefixes
from areas.models import PREFIX_LENGTH, Level
from cases import rollup_statistics, statistics
from cases.filters import SELECT, CaseFilterForm
from cases.models import Case, Category
from cases.statistics import Figures, Table
from core.dbrouter import replica_reads

STATISTICS_PERMISSIONS = ("cases.export_case", "cases.supervise_case")
# The unit table lists this many units (the busiest) and sums the rest, unless asked for all: a
# district of a generated city of 1 M cases has 2,400 units (58,000 monthly slices to sum).
UNIT_ROWS = 100


class StatisticsForm(CaseFilterForm):
    """The shared filter plus the period of the time table (month, week or day)."""

    period = forms.ChoiceField(label=gettext_lazy("统计周期"), required=False,
                               choices=list(statistics.PERIODS.items()), widget=forms.Select(attrs=SELECT))

    def chosen_category(self) -> int | None:
        """The filtered category, when valid: the category table then breaks it down."""
        if not self.is_bound:
            return None
        self.is_valid()
        value = getattr(self, "cleaned_data", {}).get("category")
        return int(value) if value else None

    def chosen_period(self) -> str:
        if self.is_bound:
            self.is_valid()
        return getattr(self, "cleaned_data", {}).get("period") or "month"


def _require_statistics(request: HttpRequest) -> None:
    if not any(request.user.has_perm(perm) for perm in STATISTICS_PERMISSIONS):
        raise PermissionDenied(_("您没有查看事件统计的权限。"))


def area_length(form: CaseFilterForm, user: Any) -> int:
    """The code length of the rows of the area table: the children of the chosen area, else of
    the user's widest area (districts for a superuser)."""
    selected = form.selected_area()
    if selected is not None:
        return statistics.child_prefix_length(PREFIX_LENGTH[Level(selected[1])])
    prefixes = scope_prefixes(user)
    if prefixes is None:
        return statistics.child_prefix_length(None)
    if not prefixes:
        return PREFIX_LENGTH[Level.STREET]
    return statistics.child_prefix_length(min(len(prefix) for prefix in prefixes))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    """Hours as calendar days, for a reader who thinks in days."""
    return "—" if value is None else f"{value / 24:.1f}"


def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def median(figures: Figures) -> str:
    """The median handling time; "≈" when read from the rollups' histogram (within 19 %)."""
    shown = hours(figures.median_hours)
    return f"≈{shown}" if figures.median_estimated and figures.median_hours is not None else shown


def columns() -> list[str]:
    return [
        _("上报数"), _("受理数"), _("办结数"), _("办结率"), _("按期办结率"), _("超期数"), _("满意率"), _("自评满意率"),
        _("回访满意率"), _("未评价"), _("平均办理时长（小时）"), _("中位办理时长（小时）"), _("重复诉求率"),
    ]


def cells(figures: Figures) -> list[str]:
    """One table row, in the order of ``columns()``."""
    return [
        str(figures.reported), str(figures.accepted), str(figures.closed), percent(figures.completion_rate),
        percent(figures.on_time_rate), str(figures.overdue), percent(figures.satisfaction_rate),
        percent(figures.self_satisfaction_rate), percent(figures.callback_satisfaction_rate), str(figures.unrated),
        hours(figures.mean_hours), median(figures), percent(figures.duplicate_rate),
    ]


def headline_cards(figures: Figures) -> list[tuple[str, str, str]]:
    """(label, value, how it is computed) of each headline figure, denominators spelled out."""
    f = figures
    return [
        (_("受理数"), str(f.accepted), _("上报 %(n)d 件") % {"n": f.reported}),
        (_("办结率"), percent(f.completion_rate), _("办结 %(closed)d ÷ 受理 %(accepted)d") % {
            "closed": f.closed, "accepted": f.accepted}),
        (_("按期办结率"), percent(f.on_time_rate), _("按期办结 %(on_time)d ÷ 办结 %(closed)d") % {
            "on_time": f.on_time, "closed": f.closed}),
        (_("超期数"), str(f.overdue), _("曾超期或正在超期")),
        (_("满意率"), percent(f.satisfaction_rate),
         _("满意与基本满意 %(good)d ÷ 已评价 %(rated)d；未评价 %(unrated)d 件不计入") % {
             "good": f.satisfied, "rated": f.rated, "unrated": f.unrated}),
        (_("自评满意率"), percent(f.self_satisfaction_rate), _("反映人自评：满意与基本满意 %(good)d ÷ %(rated)d") % {
            "good": f.self_satisfied, "rated": f.self_rated}),
        (_("回访满意率"), percent(f.callback_satisfaction_rate), _("电话回访：满意与基本满意 %(good)d ÷ %(rated)d") % {
            "good": f.callback_satisfied, "rated": f.callback_rated}),
        (_("平均办理时长"), hours(f.mean_hours), _("小时（约 %(days)s 天）；中位 %(median)s 小时") % {
            "days": days(f.mean_hours), "median": median(f)}),
        (_("重复诉求率"), percent(f.duplicate_rate),
         _("重复 %(dup)d ÷（受理 %(accepted)d + 受理前合并 %(merged)d）") % {
             "dup": f.duplicates, "accepted": f.accepted, "merged": f.merged_unaccepted}),
    ]


def _display(table: Table, form: StatisticsForm, parents: set[str]) -> dict[str, Any]:
    """A table for the template; area rows, and category rows with subcategories, link to their
    own breakdown (``parents``: ids of categories that have children)."""
    query = form.querystring()
    chosen = form.chosen_category()
    rows = []
    for row in table.rows:
        link = None
        if table.key == "area":
            code = statistics.area_code_of(row.key)
            if form.offers_area(code):
                link = "?" + _with(query, "area", code)
        elif table.key == "category" and row.key in parents and row.key != str(chosen):
            link = "?" + _with(query, "category", row.key)
        # The cells as markup here: a district's unit table has thousands of rows, and a template
        # loop over their cells was most of the page's time.
        markup = "".join(f'<td class="text-end">{escape(cell)}</td>' for cell in cells(row.figures))
        rows.append({"label": row.label, "link": link, "cells": mark_safe(markup), "rest": row.rest})
    return {"key": table.key, "title": table.title, "rows": rows, "hidden": table.hidden}


def _with(query: str, name: str, value: str) -> str:
    values = QueryDict(query, mutable=True)
    values[name] = value
    return values.urlencode()


def chart_labels() -> dict[str, str]:
    """The charts' words, translated here so the script stays language-free."""
    return {
        "accepted": _("受理数"), "closed": _("办结数"), "count": _("件数"), "series": _("指标"),
        "period": _("时间"), "area": _("区域"), "category": _("类别"), "empty": _("没有数据。"),
        "failed": _("图表无法显示。"),
    }


def page_figures(
    user: Any, form: StatisticsForm, now: datetime.datetime, *, units: int | None = None
) -> tuple[Figures, list[Table]]:
    """The headline figures and the tables of the statistics page (also the API's): from the
    rollups, or live for a user who sees cases through a unit outside their areas. ``units``:
    list at most that many units (the busiest) and sum the rest in one row (rollups only: the
    live figures serve a unit's own few cases)."""
    length, period, category = area_length(form, user), form.chosen_period(), form.chosen_category()
    if rollup_statistics.covers(user):
        figures = rollup_statistics.RollupStatistics(user, form, now, area_length=length, period=period)
        return figures.headline(), figures.tables(category=category, units=units)
    cases = form.apply(Case.objects.visible_to(user), now)
    return (statistics.headline(cases, now),
            statistics.tables(cases, area_length=length, period=period, now=now, category=category))


@login_required
@require_GET
@replica_reads
def statistics_page(request: HttpRequest) -> HttpResponse:
    """事件统计: figures of the cases in scope and in the filter, by area, category, channel, unit, period."""
    _require_statistics(request)
    form = StatisticsForm(request.GET or None, user=request.user)
    all_units = request.GET.get("units") == "all"
    overall, tables = page_figures(request.user, form, timezone.now(), units=None if all_units else UNIT_ROWS)
    parents = {str(pk) for pk in Category.objects.exclude(parent=None).values_list("parent_id", flat=True)}
    context = {
        "form": form,
        "overall": overall,
        "headline": headline_cards(overall),
        "columns": columns(),
        "tables": [_display(table, form, parents) for table in tables],
        "chart_data": statistics.chart_data(overall, tables),
        "chart_labels": chart_labels(),
        "query_string": form.querystring(),
        "unit_rows": UNIT_ROWS,
        "all_units_query": _with(form.querystring(), "units", "all"),
    }
    return render(request, "cases/stats/index.html", context)


urlpatterns: list[URLPattern | URLResolver] = [path("stats/", statistics_page, name="stats")]
