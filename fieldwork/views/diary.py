"""民情日志 pages: a worker's month (composed), free entries, the Word export."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from cases.workflow import ActionRefused
from fieldwork.diary import diary_add, diary_docx, diary_rows, may_read_diary, month_bounds
from fieldwork.diary_review import diary_comment, diary_xlsx, month_comments
from fieldwork.forms import DiaryCommentForm, DiaryEntryForm

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _author_for_user(reader: User, pk: int) -> User:
    author = get_object_or_404(User, pk=pk, is_active=True)
    if not may_read_diary(reader, author):
        raise Http404
    return author


def _month(year: int, month: int) -> tuple[int, int]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise Http404
    return year, month


@login_required
def my_diary(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return redirect("fieldwork:diary", pk=_user(request).pk, year=today.year, month=today.month)


@login_required
def diary(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """The month view (printable): every line of the author's diary the reader may see."""
    reader = _user(request)
    author = _author_for_user(reader, pk)
    year, month = _month(year, month)
    first = datetime.date(year, month, 1)
    previous = first - datetime.timedelta(days=1)
    following = first + datetime.timedelta(days=32)
    comments = month_comments(author, year, month)
    return render(request, "fieldwork/diary.html", {
        "author": author, "rows": diary_rows(reader, author, year, month), "year": year, "month": month,
        "previous": previous, "following": following.replace(day=1),
        "form": DiaryEntryForm(user=reader) if reader.pk == author.pk else None,
        "comments": sorted(comments.items()), "may_comment": reader.pk != author.pk,
        "first_day": first, "last_day": month_bounds(year, month)[1],
    })


@login_required
def diary_excel(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    reader = _user(request)
    author = _author_for_user(reader, pk)
    year, month = _month(year, month)
    content = diary_xlsx(author, year, month, diary_rows(reader, author, year, month),
                         month_comments(author, year, month))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="diary-{author.pk}-{year}-{month:02d}.xlsx"'
    return response


@login_required
@require_POST
def diary_comment_add(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """点评 a day of the author's diary (网格长, 督导员 …: readers who are not the author)."""
    reader = _user(request)
    author = _author_for_user(reader, pk)
    year, month = _month(year, month)
    start, end = month_bounds(year, month)
    day = _posted_day(request.POST.get("day"))
    if day is None or not start <= day <= end:
        messages.error(request, _("日期：请选择这个月中的一天。"))
        return redirect("fieldwork:diary", pk=author.pk, year=year, month=month)
    form = DiaryCommentForm(request.POST)
    if not form.is_valid():
        reasons = [str(error) for error in form.errors.get("text", [])]
        messages.error(request, _("点评：%(reason)s") % {"reason": "；".join(reasons)})
        return redirect("fieldwork:diary", pk=author.pk, year=year, month=month)
    try:
        diary_comment(actor=reader, author=author, day=day, text=form.cleaned_data["text"])
    except ActionRefused as refused:
        messages.error(request, refused.message)
    except ValidationError as error:
        messages.error(request, _("点评：%(reason)s") % {"reason": "；".join(error.messages)})
    else:
        messages.success(request, _("已点评。"))
    return redirect("fieldwork:diary", pk=author.pk, year=year, month=month)


def _posted_day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


@login_required
def diary_word(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    reader = _user(request)
    author = _author_for_user(reader, pk)
    year, month = _month(year, month)
    content = diary_docx(author, year, month, diary_rows(reader, author, year, month))
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="diary-{author.pk}-{year}-{month:02d}.docx"'
    return response


@login_required
@require_POST
def diary_entry(request: HttpRequest) -> HttpResponse:
    """A free entry in the user's own diary."""
    user = _user(request)
    form = DiaryEntryForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = diary_add(actor=user, grid=data["grid"], what=data["what"], day=data["day"], place=data["place"],
                              people=data["people"], handling=data["handling"], result=data["result"],
                              tags=data["tags"])
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                messages.error(request, f"{form.fields[name].label}：{'；'.join(errors)}" if name in form.fields
                               else "；".join(errors))
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("已记入民情日志。"))
            return redirect("fieldwork:diary", pk=user.pk, year=entry.day.year, month=entry.day.month)
    else:
        for name, field_errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(str(error) for error in field_errors)}")
    return redirect("fieldwork:my_diary")


urlpatterns: list[URLPattern] = [
    path("diary/", my_diary, name="my_diary"),
    path("diary/add/", diary_entry, name="diary_add"),
    path("diary/<int:pk>/<int:year>/<int:month>/", diary, name="diary"),
    path("diary/<int:pk>/<int:year>/<int:month>/word/", diary_word, name="diary_word"),
    path("diary/<int:pk>/<int:year>/<int:month>/excel/", diary_excel, name="diary_excel"),
    path("diary/<int:pk>/<int:year>/<int:month>/comment/", diary_comment_add, name="diary_comment"),
]
