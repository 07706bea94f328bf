"""Reviewing the 民情日志: the 网格长's and 督导员's comments on a worker's day, and the Excel export.

``diary_comment`` is for readers of the diary other than its author (``diary.may_read_diary``:
``fieldwork.view_compliance`` over one of the author's areas); comments are in the change log.
``diary_xlsx`` writes the month as one sheet, columns as the paper 民情日志本 plus 点评, every cell
text (``registry.exports.text_cell``: nothing typed by a user becomes a formula).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from accounts.models import RoleAssignment, User
from cases.workflow import ActionRefused
from fieldwork.diary import HEADERS, DiaryRow, may_read_diary, month_bounds
from fieldwork.models import DiaryComment
from registry.exports import text_cell


def diary_comment(
    *,
    actor: User,
    author: User,
    day: datetime.date,
    text: str,
    now: datetime.datetime | None = None,
) -> DiaryComment:
    """点评 one day of ``author``'s diary."""
    if actor.pk == author.pk or not may_read_diary(actor, author):
        raise ActionRefused(_("只有网格长、督导员等审阅人可以点评民情日志。"))
    if not text.strip():
        raise ValidationError({"text": [_("请填写点评内容。")]})
    return DiaryComment.objects.create(
        author=author, day=day, commenter=actor, text=text.strip()[:2000], created_at=now or timezone.now()
    )


def comment_area_code(comment: DiaryComment) -> str:
    """A comment is logged in the area of the diary's author (their first assignment's area)."""
    codes = RoleAssignment.objects.active().filter(user_id=comment.author_id).values_list("area__code", flat=True)
    return min(codes, default="")


def month_comments(author: User, year: int, month: int) -> dict[datetime.date, list[DiaryComment]]:
    """The comments on each day of the month (one query)."""
    start, end = month_bounds(year, month)
    found: dict[datetime.date, list[DiaryComment]] = {}
    for comment in DiaryComment.objects.filter(author=author, day__range=(start, end)).select_related("commenter"):
        found.setdefault(comment.day, []).append(comment)
    return found


COMMENT_HEADER = gettext_noop("点评")


def _comment_text(comments: Sequence[DiaryComment]) -> str:
    return "\n".join(
        f"{comment.commenter.full_name or comment.commenter.username}：{comment.text}" for comment in comments
    )


def diary_xlsx(
    author: User, year: int, month: int, rows: Sequence[DiaryRow], comments: dict[datetime.date, list[DiaryComment]]
) -> bytes:
    """The month as an Excel sheet: 日期, 地点, 人员, 事由, 处理情况, 结果, 点评 (on a day's first line)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{year}-{month:02d}")
    title = _("民情日志 · %(name)s · %(year)d年%(month)d月") % {
        "name": author.full_name or author.get_username(),
        "year": year,
        "month": month,
    }
    sheet.append([text_cell(sheet, title, bold=True)])
    sheet.append([text_cell(sheet, _(header), bold=True) for header in (*HEADERS, COMMENT_HEADER)])
    commented: set[datetime.date] = set()
    for row in rows:
        note = "" if row.day in commented else _comment_text(comments.get(row.day, []))
        commented.add(row.day)
        values = (row.day.strftime("%Y-%m-%d"), row.place, row.people, row.what, row.handling, row.result, note)
        sheet.append([text_cell(sheet, value) for value in values])
    for day in sorted(set(comments) - commented):  # a comment on a day without lines still shows
        sheet.append(
            [
                text_cell(sheet, value)
                for value in (day.strftime("%Y-%m-%d"), "", "", "", "", "", _comment_text(comments[day]))
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
