"""Template variables of the cases app: the unread count of the user's inbox."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from cases.models import Notification


def inbox(request: HttpRequest) -> dict[str, object]:
    """``unread_notifications`` for the navigation bar: counted (one query) only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(
        lambda: Notification.objects.filter(user=user, read_at__isnull=True).count()
    )}
