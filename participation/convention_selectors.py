"""The reads behind the 公约 pages: scoped lists, breaches by month, the public grid page's list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from areas.models import Area
from fieldwork.models import Answer, Patrol
from participation.models import Convention, ConventionBreach, ConventionState

MONTHS_SHOWN = 12
FINDING_DAYS = 120


def conventions_for(user: Any, state: str = "") -> QuerySet[Convention]:
    conventions = Convention.objects.visible_to(user).select_related("area")
    return conventions.filter(state=state) if state else conventions


def public_conventions(area: Area) -> QuerySet[Convention]:
    """Conventions anyone may read that cover a building of ``area`` (the public grid page)."""
    covering = Convention.objects.public().filter(buildings__grid_code__startswith=area.code).values("pk")
    return (Convention.objects.filter(pk__in=covering).only("token", "title", "kind", "state", "adopted_on")
            .order_by("-adopted_on", "-pk"))


@dataclass(frozen=True)
class Month:
    start: datetime.date
    breaches: int
    busiest: int  # the most breaches of any month shown: the scale of the bars


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _previous(month: datetime.date) -> datetime.date:
    return _month_start(month - datetime.timedelta(days=1))


def breaches_by_month(convention: Convention, today: datetime.date | None = None) -> list[Month]:
    """Breaches per month since adoption (at most the last twelve months), zeros included: one
    grouped query. Fewer breaches month after month means the convention works."""
    today = today or timezone.localdate()
    months = [_month_start(today)]
    while len(months) < MONTHS_SHOWN:
        previous = _previous(months[-1])
        if convention.adopted_on and previous < _month_start(convention.adopted_on):
            break
        months.append(previous)
    months.reverse()
    rows = (ConventionBreach.objects.filter(convention=convention, occurred_on__gte=months[0])
            .annotate(month=TruncMonth("occurred_on")).values("month").annotate(n=Count("pk")))
    counts = {_as_date(row["month"]): row["n"] for row in rows}
    busiest = max(counts.values(), default=0)
    return [Month(month, counts.get(month, 0), max(busiest, 1)) for month in months]


def _as_date(value: Any) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def breach_findings(user: Any, convention: Convention) -> list[tuple[int, str]]:
    """Problems found on patrols of the convention's area the user sees, recent first: the
    choices of the breach form."""
    if convention.state != ConventionState.ADOPTED:
        return []
    since = timezone.localdate() - datetime.timedelta(days=FINDING_DAYS)
    answers = (Answer.objects.filter(is_problem=True, checkin__patrol__in=Patrol.objects.visible_to(user),
                                     checkin__patrol__grid_code__startswith=convention.area_code,
                                     checkin__patrol__day__gte=since)
               .select_related("checkin__patrol", "item").order_by("-checkin__at", "-pk")[:50])
    return [(answer.pk, f"{answer.checkin.patrol.day:%Y-%m-%d} {answer.checkin.label} · {answer.item}")
            for answer in answers]


def convention_links_to_case(case: Any, user: Any) -> list[tuple[str, str, str | None]]:
    """公约 on the case page: the conventions this case was noted as a breach of (registered with
    ``cases.links`` in ``ParticipationConfig.ready``)."""
    if not user.has_perm("participation.view_convention"):
        return []
    breached = ConventionBreach.objects.filter(case=case).values("convention_id")
    return [(gettext("违反公约"), convention.title, reverse("conventions:detail", args=[convention.pk]))
            for convention in Convention.objects.visible_to(user).filter(pk__in=breached)]
