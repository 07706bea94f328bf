"""System checks of the cases app (``manage.py check``, run by every ``migrate`` and at start-up)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility)
def check_public_base_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """In production, links in e-mails and text messages need ``PUBLIC_BASE_URL`` to have a host."""
    if getattr(settings, "PRODUCTION", False) and not getattr(settings, "PUBLIC_BASE_URL", ""):
        return [Warning(
            "PUBLIC_BASE_URL is not set: links in e-mails and text messages to reporters are paths "
            "without a host (/s/track/…), which recipients cannot open.",
            hint="Set PUBLIC_BASE_URL=https://your.host (see docs/configuration.md).", id="cases.W001",
        )]
    return []
