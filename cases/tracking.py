"""What a reporter (and the public Open311 feed) may read of a case's timeline.

The tracking page (``cases.views.public``) and the Open311 server (``api.open311``) show the same
things: the public entries (``CaseEvent.public``) with a plain title, a detail from the entry's
data, and only the reply to the reporter (``CaseEvent.reply``), never the internal note; and the
public photos, never those of an internal entry.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, CaseEvent, Outcome, Rating
from cases.workflow import TRANSITIONS

# What the reporter reads for each public timeline entry (plain words, not the desk's verbs).
VERB_TITLES: dict[str, Any] = {
    "report": pgettext_lazy("public timeline", "提交反映"),
    "accept": pgettext_lazy("public timeline", "已受理"),
    "reject": pgettext_lazy("public timeline", "不予受理"),
    "self_handle": pgettext_lazy("public timeline", "网格自行处置"),
    "dispatch": pgettext_lazy("public timeline", "已派单"),
    "sign": pgettext_lazy("public timeline", "处置单位已签收"),
    "feedback": pgettext_lazy("public timeline", "处置单位已反馈"),
    "hold": pgettext_lazy("public timeline", "暂缓办理"),
    "resume": pgettext_lazy("public timeline", "恢复办理"),
    "verify": pgettext_lazy("public timeline", "核查"),
    "close": pgettext_lazy("public timeline", "已办结"),
    "rate": pgettext_lazy("public timeline", "评价"),
    "callback": pgettext_lazy("public timeline", "电话回访"),
    "request_cancel": pgettext_lazy("public timeline", "申请撤销"),
    "decide_cancel": pgettext_lazy("public timeline", "撤销申请已处理"),
    "reopen": pgettext_lazy("public timeline", "重新办理"),
    "decline_reopen": pgettext_lazy("public timeline", "不予重办"),
    "cancel": pgettext_lazy("public timeline", "已撤销"),
    "merge": pgettext_lazy("public timeline", "合并办理"),
    "split": pgettext_lazy("public timeline", "拆分办理"),
    "split_from": pgettext_lazy("public timeline", "由一条反映拆分而来"),
}


def entry_detail(event: CaseEvent) -> str:
    """A short detail of an entry from its data (the unit dispatched to, the outcome, the rating)."""
    data = event.data or {}
    if event.verb == "dispatch" and data.get("lead_name"):
        return _("交由%(unit)s办理。") % {"unit": data["lead_name"]}
    if event.verb == "verify":
        return _("核查通过。") if data.get("passed") else _("核查未通过，重新办理。")
    if event.verb == "close" and data.get("outcome") in Outcome.values:
        return str(Outcome(data["outcome"]).label)
    if event.verb in ("rate", "callback") and data.get("rating") in Rating.values:
        return str(Rating(data["rating"]).label)
    if event.verb == "decide_cancel":
        return _("同意撤销。") if data.get("approved") else _("不同意撤销，继续办理。")
    return ""


# The reporter's own words, shown back to them (entries written with the tracking code).
REPORTER_WORDS = frozenset({"cancel", "request_cancel", "verify"})


def public_text(event: CaseEvent) -> str:
    """What the reporter reads under an entry: the staff's reply to them, never the internal note;
    on entries the reporter wrote, their own words."""
    if event.reply:
        return event.reply
    if event.actor_id is None and event.verb in REPORTER_WORDS:
        return event.comment
    return ""


def entry_title(verb: str) -> str:
    """The plain title of an entry for the reporter."""
    if verb in VERB_TITLES:
        return str(VERB_TITLES[verb])
    return str(TRANSITIONS[verb].label) if verb in TRANSITIONS else verb


def public_photos(case: Case) -> Any:
    """Photos the reporter may see: public ones, not attached to an internal timeline entry."""
    return case.attachments.filter(public=True).filter(Q(event__isnull=True) | Q(event__public=True))
