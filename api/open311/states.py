"""Wangge's case states on Open311's two (``open``/``closed``) and on mySociety's detailed states.

Open311 knows only ``open`` (reported, being dealt with) and ``closed`` (resolved, or ended for
another reason). ``status_notes`` carries the reply to the reporter, and ``extensions=true`` adds
Wangge's own state. mySociety's ``servicerequestupdates`` extension (FixMyStreet) uses finer
states; ``detailed_state`` gives the nearest one for each Wangge state (and, for a closed case,
its outcome). The table is in docs/open311.md.
"""

from __future__ import annotations

from cases.models import FINAL_STATUSES, Outcome, Status

OPEN, CLOSED = "open", "closed"

DETAILED: dict[str, str] = {
    Status.REPORTED: "open",
    Status.PENDING_DISPATCH: "investigating",
    Status.DISPATCHED: "action_scheduled",
    Status.HANDLING: "in_progress",
    Status.ON_HOLD: "in_progress",
    Status.PENDING_VERIFY: "in_progress",
    Status.VERIFIED: "fixed",
    Status.CLOSED: "fixed",
    Status.REJECTED: "not_councils_responsibility",
    Status.CANCELLED: "closed",
    Status.MERGED: "duplicate",
    Status.SPLIT: "closed",
}

# A closed case says more through its outcome (办理结果).
CLOSED_BY_OUTCOME: dict[str, str] = {
    Outcome.RESOLVED: "fixed",
    Outcome.PARTLY: "fixed",
    Outcome.EXPLAINED: "no_further_action",
    Outcome.UNTRUE: "no_further_action",
    Outcome.DUPLICATE: "duplicate",
}


def open311_status(status: str) -> str:
    """``closed`` for the states a case ends in (结案, 不予受理, 撤销, 合并, 拆分), else ``open``."""
    return CLOSED if status in FINAL_STATUSES else OPEN


def detailed_state(status: str, outcome: str = "") -> str:
    """mySociety's state for a Wangge state (a closed case by its outcome)."""
    if status == Status.CLOSED and outcome in CLOSED_BY_OUTCOME:
        return CLOSED_BY_OUTCOME[outcome]
    return DETAILED.get(status, OPEN)
