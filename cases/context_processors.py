"""Template variables of the cases app: the unread count of the user's inbox, and whether the
navigation offers the working-day calendar (to those who may edit it)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cases.inbox import unread_count
from cases.views.calendar_admin import may_edit_calendar


def inbox(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications`` for the navigation bar: read (one primary-key query, ``cases.inbox``)
    only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(
        lambda: unread_count(user.pk)
    )}


def global_settings(request: HttpRequest) -> dict[str, object]:
    """``may_edit_calendar`` for the navigation bar: asked only if a page shows it (from the cached role rows)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may_edit_calendar": False}
    return {"may_edit_calendar": SimpleLazyObject(lambda: may_edit_calendar(user))}
