"""The case page's panel 上报市平台 (``cases.panels``): the case's hand-offs, their state, the
platform's request id, the last error and the platform's last word.

The case page shows it only to users who see the case; the hand-offs are read through
``UpstreamHandoff.objects.visible_to`` all the same.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from api.models import UpstreamHandoff
from cases.models import Case


def handoff_panel(case: Case, user: Any) -> SafeString | str:
    handoffs = list(
        UpstreamHandoff.objects.visible_to(user).filter(case=case).select_related("platform").order_by("pk")
    )
    if not handoffs:
        return ""
    return render_to_string("api/handoff/panel.html", {"handoffs": handoffs})
