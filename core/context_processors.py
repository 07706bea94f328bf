"""Template variables every page may use."""

from django.conf import settings
from django.http import HttpRequest


def wangge(request: HttpRequest) -> dict[str, object]:
    """DEBUG for templates (the product name is translated in templates/base.html, not here)."""
    return {"DEBUG": settings.DEBUG}
