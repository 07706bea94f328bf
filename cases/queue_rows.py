"""The workbench's rows: what a row shows of a case, worked out once per row for both its phone
card and its desk table row (``cases.queue_markup`` writes them), from a page of
``selectors.queue_cases`` read with ``with_row_names``."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import ngettext

from cases.models import Case, Channel, HandlingLevel, Priority, Status
from cases.models.catalog import translated_catalog_text
from cases.selectors import Lamp, overdue_days, running_lamp

# The names a row shows of the rows a case points to, as columns of the case's own row: a model
# instance for each (four per case) was most of a page's reading.
ROW_NAMES = {
    "category_name": F("category__name"), "grid_name": F("grid__name"), "desk_area_name": F("desk_area__name"),
    "lead_unit_name": F("lead_organisation__name"),
}


def with_row_names(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` with the names a workbench row shows (``ROW_NAMES``), joined in the same query."""
    return cases.annotate(**ROW_NAMES)


def short_time(moment: datetime.datetime | None, now: datetime.datetime) -> str:
    """A time as a list shows it, in local time: ``12-05 09:30``, with the year when it is not
    this year's (``2025-12-05 09:30``)."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    # strftime, not dateformat.format: the same text for these patterns, at a fraction of the cost
    # (two per workbench row).
    pattern = "%m-%d %H:%M" if local.year == timezone.localtime(now).year else "%Y-%m-%d %H:%M"
    return local.strftime(pattern)


def _cut(text: str, length: int) -> str:
    """``truncatechars``: the text cut at ``length`` characters; short texts (most) without the
    per-character walk of ``Truncator``."""
    normal = unicodedata.normalize("NFC", text)
    return normal if len(normal) <= length else Truncator(normal).chars(length)


NUMBER_STANDIN = "00000000"  # a case number, to find the case pages' common prefix


@dataclass(frozen=True)
class QueueRow:
    """One case of a workbench list, as its table row and its phone card show it. The texts both
    show are computed here once per row, not in template tags and includes per rendering."""

    case: Case  # from ``queue_cases`` with ``with_row_names``
    lamp: Lamp
    overdue_days: int
    reported: str
    due: str
    labels: dict[str, str] = field(default_factory=dict)  # status, channel, priority, level as shown
    place: str = ""  # the grid's name
    lead_unit: str | None = None  # the lead unit's name, None when no unit leads
    desk_area: str = ""  # the name of the area whose desk holds the case
    url: str = ""  # the case page
    lamp_label: str = ""  # the lamp's label, translated
    overdue: str = ""  # "超期 N 天" when overdue_days
    category: str = ""  # the category's name in the active language
    summary: str = ""  # the description cut at 80 characters (the row and the card)
    summary_title: str = ""  # the description cut at 200 characters (the row's tooltip)


def queue_rows(cases: Iterable[Case], now: datetime.datetime) -> list[QueueRow]:
    """The rows of a page of ``queue_cases`` with ``with_row_names`` (no query of its own).

    The labels of the rows' choices are translated once per page: ``get_status_display`` and
    its kin translate every label of the field on each call, a good part of a 50-row page's time.
    The lamps' labels likewise (seven lamps), and the case page's address is built once per row.
    """
    kinds: dict[str, Any] = {"status": Status, "channel": Channel, "priority": Priority, "level": HandlingLevel}
    choices = {name: {str(value): str(label) for value, label in kind.choices} for name, kind in kinds.items()}
    lamp_labels: dict[int, str] = {}  # by id: a lamp's hash would translate its label
    # Case numbers are digits (the URL pattern says so): one reverse for the page, not one a row.
    case_page = reverse("cases:case", args=[NUMBER_STANDIN]).removesuffix(f"{NUMBER_STANDIN}/")
    rows = []
    for case in cases:
        lamp, days = running_lamp(case, now), overdue_days(case, now)
        if id(lamp) not in lamp_labels:
            lamp_labels[id(lamp)] = str(lamp.label)
        rows.append(QueueRow(
            case, lamp, days, short_time(case.reported_at, now), short_time(case.stage_due_at, now),
            {name: labels.get(str(getattr(case, name)), "") for name, labels in choices.items()},
            url=f"{case_page}{case.number}/",
            lamp_label=lamp_labels[id(lamp)],
            overdue=ngettext("超期 %(days)s 天", "超期 %(days)s 天", days) % {"days": days} if days else "",
            place=case.grid_name,  # type: ignore[attr-defined]
            lead_unit=case.lead_unit_name,  # type: ignore[attr-defined]
            desk_area=case.desk_area_name,  # type: ignore[attr-defined]
            category=translated_catalog_text(case.category_name),  # type: ignore[attr-defined]
            summary=_cut(case.description, 80),
            summary_title=_cut(case.description, 200),
        ))
    return rows
