"""The inbox (消息): the signed-in user's notifications, unread first, 25 to a page.

Only the user's own notifications exist here: another user's id answers 404. Opening a
notification (a POST, so that reading is never a side effect of a prefetch) marks it read and
goes to the case page, which applies the case's own scope. "标为已读" marks one in place (htmx
swaps the row and the unread badge); "全部标为已读" marks all.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from cases.inbox import notification_mark_read, notifications_mark_all_read, unread_count, unread_recount
from cases.models import Notification
from cases.notifications import title_of

PAGE_SIZE = 25


def _own(request: HttpRequest) -> QuerySet[Notification]:
    """The signed-in user's notifications (the views are behind ``login_required``)."""
    assert isinstance(request.user, User)
    return Notification.objects.filter(user=request.user)


def _user_id(request: HttpRequest) -> int:
    assert isinstance(request.user, User)
    return request.user.pk


def _get_notification_for_user(request: HttpRequest, pk: int) -> Notification:
    return get_object_or_404(_own(request).select_related("case__category"), pk=pk)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """消息: unread first, then newest first; ``?unread=1`` shows the unread ones only."""
    only_unread = request.GET.get("unread") == "1"
    notifications = _own(request).select_related("case__category").annotate(
        unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    ).order_by("-unread", "-created_at", "-pk")
    if only_unread:
        notifications = notifications.filter(read_at__isnull=True)
    # The page count and the unread count in one scan (on PostgreSQL, one probe of every month).
    counts = _own(request).aggregate(total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    paginator = Paginator(notifications, PAGE_SIZE)
    paginator.count = counts["unread"] if only_unread else counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.display_title = title_of(notification)  # type: ignore[attr-defined]
    # Counted exactly here (it stands in for the navigation's badge: same name, view wins); a stored
    # count that differs (rows deleted with their case, archived months) is put right.
    unread = counts["unread"]
    if unread != unread_count(_user_id(request)):
        unread = unread_recount(_user_id(request))
    return render(request, "cases/inbox/index.html", {
        "page_obj": page, "only_unread": only_unread, "query_string": "unread=1" if only_unread else "",
        "unread_notifications": unread,
    })


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read and go to the case page (or back to the inbox for a message without a case)."""
    notification = _get_notification_for_user(request, pk)
    notification_mark_read(notification)
    if notification.case is None or not notification.case.number:
        return redirect("cases:inbox")
    return redirect("cases:case", number=notification.case.number)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    """标为已读: htmx gets the row and the new unread count; a plain form goes back to the inbox."""
    notification = _get_notification_for_user(request, pk)
    notification_mark_read(notification)
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect("cases:inbox")
    notification.display_title = title_of(notification)  # type: ignore[attr-defined]
    unread = unread_count(_user_id(request))
    return render(request, "cases/inbox/_marked.html", {"notification": notification, "unread": unread})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """全部标为已读."""
    count = notifications_mark_all_read(_user_id(request))
    if count:
        messages.success(request, ngettext("已将 %(count)d 条消息标为已读。", "已将 %(count)d 条消息标为已读。", count)
                         % {"count": count})
    else:
        messages.info(request, _("没有未读消息。"))
    return redirect("cases:inbox")


urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/read-all/", mark_all_read, name="inbox_read_all"),
    path("inbox/<int:pk>/open/", open_notification, name="inbox_open"),
    path("inbox/<int:pk>/read/", mark_read, name="inbox_read"),
]
