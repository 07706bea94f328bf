"""The 民情日志 (grid diary): a worker's month composed from patrols, visits, cases and free entries.

Every source is read through ``visible_to`` of the reader, so a 网格长 or 督导员 reading a worker's
diary sees only what they may see anyway. Who may read whose diary: the author, and users who
hold ``fieldwork.view_compliance`` over one of the author's areas (``may_read_diary``).
The month is laid out like the paper 民情日志本: date, place, people, what happened, how it was
handled, result; ``diary_docx`` writes it as a Word document.
"""

from __future__ import annotations

import calendar
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from docx import Document
from docx.shared import Pt

from accounts.models import RoleAssignment, User
from areas.models import Area
from cases.models import Case
from cases.workflow import ActionRefused
from fieldwork.models import DiaryEntry, DiaryTag, Patrol, Visit
from fieldwork.schedule import zone


@dataclass
class DiaryRow:
    """One line of the diary, whatever it came from (``source``: patrol, visit, case, entry)."""

    day: datetime.date
    at: datetime.datetime | None
    place: str
    people: str
    what: str
    handling: str
    result: str
    source: str
    tags: Sequence[str] = ()


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def may_read_diary(reader: User, author: User) -> bool:
    """The author, or someone who reviews the author's work (``fieldwork.view_compliance`` over their area)."""
    if reader.pk == author.pk:
        return reader.has_perm("fieldwork.view_patrol") or reader.has_perm("fieldwork.view_visit")
    areas = Area.objects.filter(pk__in=RoleAssignment.objects.active().filter(user=author).values("area"))
    return any(reader.has_perm("fieldwork.view_compliance", area) for area in areas)


def _patrol_rows(reader: User, author: User, start: datetime.date, end: datetime.date) -> list[DiaryRow]:
    patrols = (Patrol.objects.visible_to(reader).filter(worker=author, day__range=(start, end))
               .select_related("plan", "grid", "window")
               .annotate(stops=Count("checkins", distinct=True),
                         problems=Count("checkins__answers", filter=Q(checkins__answers__is_problem=True)),
                         cases=Count("checkins__answers__case")))
    rows = []
    for patrol in patrols:
        what = f"{patrol.plan}" + (f" · {patrol.window.name}" if patrol.window else "")
        found = _("签到%(stops)d处，发现问题%(problems)d个") % {"stops": patrol.stops, "problems": patrol.problems}
        handled = _("上报或当场解决%(cases)d件") % {"cases": patrol.cases}
        result = patrol.note or (_("已完成") if patrol.finished_at else _("进行中"))
        rows.append(DiaryRow(patrol.day, patrol.started_at, patrol.grid.name, "", f"{what}：{found}", handled,
                             result, "patrol"))
    return rows


def _visit_rows(reader: User, author: User, start: datetime.date, end: datetime.date) -> list[DiaryRow]:
    zone_start = datetime.datetime.combine(start, datetime.time.min, zone())
    zone_end = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone())
    visits = (Visit.objects.visible_to(reader).filter(workers=author, visited_at__gte=zone_start,
                                                        visited_at__lt=zone_end)
              .select_related("resident", "household__dwelling", "case", "grid"))
    rows = []
    for visit in visits:
        moment = visit.visited_at.astimezone(zone())
        what = f"{visit.get_purpose_display()}（{visit.get_method_display()}）" + (
            f"：{visit.findings}" if visit.findings else "")
        if visit.opinions:
            what += f"\n{_('社情民意')}：{visit.opinions}"
        result = _("见到本人") if visit.met else _("未见到，%(day)s再访") % {"day": visit.retry_on}
        if visit.case:
            result += f" · {visit.case.number}"
        place = str(visit.household.dwelling) if visit.household else visit.grid.name
        rows.append(DiaryRow(moment.date(), visit.visited_at, place, str(visit.resident or ""), what,
                             visit.follow_up, result, "visit"))
    return rows


def _case_rows(reader: User, author: User, start: datetime.date, end: datetime.date) -> list[DiaryRow]:
    zone_start = datetime.datetime.combine(start, datetime.time.min, zone())
    zone_end = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, zone())
    cases = (Case.objects.visible_to(reader).filter(reporter=author, reported_at__gte=zone_start,
                                                      reported_at__lt=zone_end).select_related("category", "grid"))
    return [
        DiaryRow(case.reported_at.astimezone(zone()).date(), case.reported_at, case.address or case.grid.name, "",
                 f"{case.category.display_name}：{case.description}",
                 _("上报事件 %(number)s") % {"number": case.number}, case.get_status_display(), "case")
        for case in cases
    ]


def diary_rows(reader: User, author: User, year: int, month: int) -> list[DiaryRow]:
    """The author's month as the reader may see it, in time order (a fixed number of queries)."""
    start, end = month_bounds(year, month)
    entries = [
        DiaryRow(entry.day, None, entry.place, entry.people, entry.what, entry.handling, entry.result, "entry",
                 entry.tag_labels())
        for entry in DiaryEntry.objects.filter(author=author, day__range=(start, end),
                                               grid_code__in=Area.objects.visible_to(reader).values("code"))
    ]
    rows = [*_patrol_rows(reader, author, start, end), *_visit_rows(reader, author, start, end),
            *_case_rows(reader, author, start, end), *entries]
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(rows, key=lambda row: (row.day, row.at or far))


def diary_add(
    *, actor: User, grid: Area, what: str, day: datetime.date, place: str = "", people: str = "",
    handling: str = "", result: str = "", tags: Sequence[str] = (),
) -> DiaryEntry:
    """A free entry in the actor's own diary, in one of their grids."""
    errors: dict[str, list[str]] = {}
    if not what.strip():
        errors["what"] = [_("请填写事由。")]
    if any(tag not in DiaryTag.values for tag in tags):
        errors["tags"] = [_("请选择有效的标签。")]
    if errors:
        raise ValidationError(errors)
    if not actor.has_perm("fieldwork.add_visit", grid) and not actor.has_perm("fieldwork.add_patrol", grid):
        raise ActionRefused(_("您没有权限在这个网格记录民情日志。"))
    return DiaryEntry.objects.create(
        author=actor, grid=grid, day=day, place=place.strip()[:100], people=people.strip()[:100], what=what.strip(),
        handling=handling.strip(), result=result.strip(), tags=list(dict.fromkeys(tags)),
    )


HEADERS = (gettext_noop("日期"), gettext_noop("地点"), gettext_noop("人员"), gettext_noop("事由"),
           gettext_noop("处理情况"), gettext_noop("结果"))


def diary_docx(author: User, year: int, month: int, rows: Sequence[DiaryRow]) -> bytes:
    """The month as a Word document shaped like the paper 民情日志本 (one table, one row per line)."""
    document = Document()
    title = _("民情日志 · %(name)s · %(year)d年%(month)d月") % {
        "name": author.full_name or author.get_username(), "year": year, "month": month}
    document.add_heading(title, level=1)
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = _(header)
    for row in rows:
        cells = table.add_row().cells
        values = (row.day.strftime("%m-%d"), row.place, row.people, row.what, row.handling, row.result)
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
