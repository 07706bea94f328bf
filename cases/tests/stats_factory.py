"""Hand-built cases for the statistics, ledger and filter tests.

Statistics need exact known answers, so these rows are written directly with their stage
fields set (the one documented exception to "only transitions change a case's state"): each
row says what happened to it, and the tests know what every figure must be. Like a bulk load,
each row is then booked into the statistics rollups (``cases.rollups.book_new``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from accounts.testing import Cast
from areas.models import Area
from cases import rollups
from cases.models import Case, Category, Channel, Dispute, HandlingLevel, Status

TZ = timezone.get_default_timezone()


def at(text: str) -> datetime.datetime:
    """A local time like "2026-03-02 10:00" as an aware datetime."""
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)


def make_category(code: str, name: str, parent: Category | None = None, **extra: Any) -> Category:
    return Category.objects.create(code=code, name=name, parent=parent, **extra)


def make_unit(name: str, area: Area) -> Organisation:
    return Organisation.objects.create(name=name, kind=OrganisationKind.PROPERTY, home_area=area)


def make_row(
    cast: Cast, category: Category, *, grid: Area | None = None, reported: str = "2026-03-02 09:00",
    status: str = Status.CLOSED, accepted: bool = True, hours: float | None = None, **fields: Any,
) -> Case:
    """A case reported at ``reported``; accepted an hour later unless ``accepted`` is false; closed
    ``hours`` after the report when ``status`` is closed (default 10 hours)."""
    reported_at = at(reported)
    values: dict[str, Any] = {
        "category": category, "description": "测试事件", "channel": Channel.GRID_WORKER,
        "grid": grid or cast.grid_a, "desk_area": grid or cast.grid_a, "level": HandlingLevel.GRID,
        "reported_at": reported_at, "status": status,
    }
    if accepted:
        values["accepted_at"] = reported_at + datetime.timedelta(hours=1)
    if status == Status.CLOSED:
        values["closed_at"] = reported_at + datetime.timedelta(hours=10 if hours is None else hours)
        values.setdefault("outcome", "resolved")
    values.update(fields)
    case = Case(**values)
    case.save()
    if category.is_dispute:
        Dispute.objects.create(case=case)
    rollups.book_new(case)
    return case
