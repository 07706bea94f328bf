"""The cases app's lines of the home page's work list (``accounts.worklist``): the user's queues.

Every workbench tab but 全部事件, counted as the tab counts them (``selectors.work_queues``:
``desk_of`` and one aggregate query over the cases that can be in a queue), each linking to its
tab. A user who does not work on cases gets no line.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.worklist import WorkItem
from cases import selectors

# The order of the lines: what to act on first; late and supervised cases after the queues.
HOME_ORDER = ("reported", "to_sign", "to_verify", "to_close", "pending_dispatch", "handling", "my_reports",
              "extensions", "reopen", "cancel_requests", "overdue", "warning", "supervised")


def case_work(user: Any) -> list[WorkItem]:
    """One line per workbench queue of the user (leaders: 已超期, 即将超期, 我督办的)."""
    if not selectors.works_on_cases(user):
        return []
    queues = {queue.key: queue for queue in selectors.work_queues(user)}
    keys = [key for key in HOME_ORDER if key in queues] + [key for key in queues if key not in HOME_ORDER]
    workbench = reverse("cases:workbench")
    return [
        WorkItem(key=f"cases:{key}", label=str(queues[key].label), count=queues[key].count,
                 url=f"{workbench}?queue={key}", urgent=key == "overdue")
        for key in keys
    ]
