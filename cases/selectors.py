"""Reads behind the workbench (办件工作台) and the case page (事件详情).

Every read starts from ``Case.objects.visible_to(user)``. On top of scope, the workbench's
queues ask *where the user may act*: the code prefixes of the areas where they hold each case
permission (``Desk``), and the units they work for. The queues mirror ``cases.rules``: a case
is in 待受理 for a user who may accept it at its desk, in 待签收 for the members of a unit with
an unsigned assignment, and so on. All queue counts come from one query: an aggregate for the
home page, and on the workbench one statement of per-queue counts capped at ``COUNT_CAP`` (a
count stops at the cap, so its cost follows the cap, not the table).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation, OrganisationMember
from accounts.scope import permission_prefixes
from areas.models import PREFIX_LENGTH, Area, Level
from cases import queue_counts
from cases.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    AssignmentState,
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseSupervision,
    ExtensionRequest,
    ExtensionState,
    HandlingLevel,
    Outcome,
    Rating,
    Stage,
    Status,
)
from cases.models.catalog import translated_catalog_text
from cases.paging import SortKey
from cases.routing import based_or_serving, covering_codes
from cases.supervision import describe_rung, warning_percent
from cases.workflow import TRANSITIONS

PAGE_SIZE = 50
COUNT_CAP = 1000

GRID_CODE_LENGTH = PREFIX_LENGTH[Level.GRID]
CASE_PERMISSIONS = ("accept_case", "self_handle_case", "verify_case", "supervise_case", "handle_case",
                    "report_case")


# --- where the user may act ----------------------------------------------------------------------


@dataclass(frozen=True)
class Desk:
    """Where a user may act on cases: area-code prefixes per case permission, and their units.

    ``None`` for a permission means everywhere (a superuser); an empty list means nowhere.
    """

    user: Any
    prefixes: dict[str, list[str] | None]
    organisations: tuple[int, ...] = ()

    def holds(self, perm: str) -> bool:
        found = self.prefixes.get(perm, [])
        return found is None or bool(found)

    def under(self, perm: str, code_field: str, *, max_length: int | None = None) -> Q:
        """Cases whose ``code_field`` lies where the user holds ``perm`` (a never-true Q if nowhere)."""
        found = self.prefixes.get(perm, [])
        if found is None:
            return Q()
        condition = Q(pk__in=[])
        for prefix in found:
            if max_length is None or len(prefix) <= max_length:
                condition |= Q(**{f"{code_field}__startswith": prefix})
        return condition

    def at_desk(self, perm: str) -> Q:
        return self.under(perm, "desk_area__code")

    def on_grid(self, perm: str) -> Q:
        # Grid permissions are checked on the grid (a micro-grid's parent): prefixes finer than
        # a grid never cover one.
        return self.under(perm, "grid_code", max_length=GRID_CODE_LENGTH)

    def assigned(self, *states: str) -> Q:
        """Cases with an assignment of one of the user's units in one of ``states``."""
        if not self.organisations:
            return Q(pk__in=[])
        rows = CaseAssignment.objects.filter(case_id=OuterRef("pk"), organisation_id__in=self.organisations,
                                             state__in=states)
        return Q(Exists(rows))


def works_on_cases(user: Any) -> bool:
    """Whether the user may open the workbench and case pages: they view the cases of some area
    (``view_case``) or handle those assigned to their unit (``handle_case``)."""
    return bool(user.has_perm("cases.view_case") or user.has_perm("cases.handle_case"))


def desk_of(user: Any) -> Desk:
    """The user's ``Desk``: two cheap queries (the role permissions are cached on the user)."""
    if user.is_superuser:
        prefixes: dict[str, list[str] | None] = dict.fromkeys(CASE_PERMISSIONS)
    else:
        held = permission_prefixes(user, "cases")
        prefixes = {perm: held.get(perm, []) for perm in CASE_PERMISSIONS}
    organisations: tuple[int, ...] = ()
    if prefixes.get("handle_case", []) != []:
        organisations = tuple(OrganisationMember.objects.acting().filter(user=user, organisation__is_active=True)
                              .values_list("organisation_id", flat=True))
    return Desk(user=user, prefixes=prefixes, organisations=organisations)


# --- the workbench queues ------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """One tab of the workbench: a named condition over the cases in scope."""

    key: str
    label: Promise
    condition: Q
    count: int = 0
    capped: bool = False  # more than ``count`` (the cap) cases: shown as "1000+"


def _responsible(desk: Desk) -> Q:
    """Cases the user answers for: at their desks, on their grids, or with their units."""
    return (desk.at_desk("accept_case") | desk.at_desk("self_handle_case") | desk.on_grid("verify_case")
            | desk.on_grid("supervise_case") | desk.assigned(AssignmentState.DISPATCHED, AssignmentState.SIGNED)
            | Q(handler=desk.user))


def _running() -> Q:
    return Q(status__in=OPEN_STATUSES - {Status.ON_HOLD}, stage_due_at__isnull=False)


QUEUE_LABELS: dict[str, Promise] = {
    "reported": pgettext_lazy("workbench queue", "待受理"),
    "pending_dispatch": pgettext_lazy("workbench queue", "待派遣"),
    "to_sign": pgettext_lazy("workbench queue", "待签收"),
    "handling": pgettext_lazy("workbench queue", "处置中"),
    "to_verify": pgettext_lazy("workbench queue", "待核查"),
    "to_close": pgettext_lazy("workbench queue", "待结案"),
    "warning": pgettext_lazy("workbench queue", "即将超期"),
    "overdue": pgettext_lazy("workbench queue", "已超期"),
    "supervised": pgettext_lazy("workbench queue", "我督办的"),
    "my_reports": pgettext_lazy("workbench queue", "我上报的"),
    "extensions": pgettext_lazy("workbench queue", "延期待批"),
    "reopen": pgettext_lazy("workbench queue", "重办待定"),
    "cancel_requests": pgettext_lazy("workbench queue", "撤销待批"),
    "all": pgettext_lazy("workbench queue", "全部事件"),
}


def _queue_definitions(desk: Desk, now: datetime.datetime) -> list[tuple[str, Q, bool]]:
    """(key, condition, shown) for every queue, in tab order."""
    accept, self_handle, units = desk.holds("accept_case"), desk.holds("self_handle_case"), bool(desk.organisations)
    grid_desk_self = Q(level__in=(HandlingLevel.GRID, HandlingLevel.COMMUNITY)) & desk.at_desk("self_handle_case")
    own_handling = (desk.assigned(AssignmentState.SIGNED)
                    | (Q(self_handled=True) & (Q(handler=desk.user) | desk.at_desk("self_handle_case"))))
    pending_extension = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).values("case_id")
    supervised = CaseSupervision.objects.filter(issued_by=desk.user).values("case_id")
    dispatcher = desk.at_desk("accept_case")
    return [
        ("reported", Q(status=Status.REPORTED) & dispatcher, accept),
        ("pending_dispatch", Q(status=Status.PENDING_DISPATCH) & (dispatcher | grid_desk_self), accept or self_handle),
        # An assisting unit that never signed keeps its assignment after the case moved on.
        ("to_sign", Q(status__in=(Status.DISPATCHED, Status.HANDLING)) & desk.assigned(AssignmentState.DISPATCHED),
         units),
        ("handling", (Q(status=Status.HANDLING) & own_handling)
         | (Q(status__in=(Status.DISPATCHED, Status.HANDLING)) & dispatcher), accept or self_handle or units),
        ("to_verify", Q(status=Status.PENDING_VERIFY) & desk.on_grid("verify_case"), desk.holds("verify_case")),
        ("to_close", Q(status=Status.VERIFIED) & dispatcher, accept),
        ("warning", _running() & Q(warned_at__isnull=False, stage_due_at__gte=now) & _responsible(desk), True),
        ("overdue", _running() & Q(stage_due_at__lt=now) & _responsible(desk), True),
        ("supervised", Q(pk__in=supervised), desk.holds("supervise_case")),
        # The user's own reports still open: waiting for the desk, the handlers or the check.
        ("my_reports", Q(reporter=desk.user, status__in=OPEN_STATUSES), desk.holds("report_case")),
        ("extensions", Q(status=Status.HANDLING, pk__in=pending_extension) & dispatcher, accept),
        ("reopen", Q(status=Status.CLOSED, reopen_requested=True) & dispatcher, accept),
        ("cancel_requests", Q(status__in=OPEN_STATUSES, cancel_requested_at__isnull=False) & dispatcher, accept),
        ("all", Q(), True),
    ]


def workbench_queues(
    user: Any, now: datetime.datetime | None = None, *, desk: Desk | None = None,
    cases: QuerySet[Case] | None = None, leave_out: frozenset[str] = frozenset(), cap: int | None = None,
) -> list[Queue]:
    """The queues shown to this user, with their counts (one query).

    ``cases`` (default: every case in scope) is what is counted, e.g. the cases a filter leaves;
    ``leave_out`` names queues not to count (the home page needs no 全部事件). With ``cap`` each
    count stops there (``capped_counts``); without, one aggregate counts every queue exactly.
    """
    now = now or timezone.now()
    desk = desk or desk_of(user)
    shown = [(key, QUEUE_LABELS[key], condition) for key, condition, visible in _queue_definitions(desk, now)
             if visible and key not in leave_out]
    counted = Case.objects.visible_to(user) if cases is None else cases
    kind = ",".join(key for key, _label, _condition in shown) + f"|{cap}"
    if cap is not None:
        capped = queue_counts.remembered(user, counted, kind, lambda: capped_counts(
            {key: counted.filter(condition) for key, _label, condition in shown}, cap))
        return [Queue(key, label, condition, min(capped[key], cap), capped[key] > cap)
                for key, label, condition in shown]
    counts = queue_counts.remembered(user, counted, kind, lambda: counted.aggregate(**{
        key: Count("pk", filter=condition) if condition else Count("pk") for key, _label, condition in shown
    }))
    return [Queue(key, label, condition, counts[key] or 0) for key, label, condition in shown]


def capped_counts(querysets: dict[str, QuerySet[Case]], cap: int) -> dict[str, int]:
    """How many rows each queryset has, counting at most ``cap + 1`` (more than the cap shows as
    "1000+"): one statement of scalar subqueries, each ``COUNT(*)`` over a ``LIMIT`` subquery that
    PostgreSQL answers from the index that suits that queue, stopping at the cap."""
    if not querysets:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    database = "default"
    for index, queryset in enumerate(querysets.values()):
        sql, found = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})")
        params.extend(found)
        database = queryset.db
    with connections[database].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return dict(zip(querysets, (int(value) for value in row), strict=True))


# The tab a workbench opens on: the user's first queue of work. 即将超期 is a warning, never where
# one starts (a leader opens on 已超期); the choice follows permissions only, never the counts, so
# the same user always lands on the same tab.
NOT_A_START = frozenset({"warning"})


def default_queue(queues: list[Queue]) -> Queue:
    """The queue the workbench shows when none is asked for (``queues`` as from ``workbench_queues``)."""
    return next((queue for queue in queues if queue.key not in NOT_A_START), queues[0])


# Every case a queue other than 全部事件 can hold is open, a closed case waiting for a reopen
# decision, or one the user supervised: counting over these keeps the home page's count query on
# the status index instead of every case ever reported in the user's areas.
def _work_cases(user: Any) -> QuerySet[Case]:
    supervised = CaseSupervision.objects.filter(issued_by=user).values("case_id")
    in_work = Q(status__in=OPEN_STATUSES) | Q(status=Status.CLOSED, reopen_requested=True) | Q(pk__in=supervised)
    return Case.objects.visible_to(user).filter(in_work)


def work_queues(user: Any, now: datetime.datetime | None = None, *, desk: Desk | None = None) -> list[Queue]:
    """The user's queues of work with their counts, for the home page: every tab of the workbench
    but 全部事件, each count equal to the tab's (one aggregate query)."""
    return workbench_queues(user, now, desk=desk, cases=_work_cases(user), leave_out=frozenset({"all"}))


SORTS: dict[str, SortKey] = {
    # Due first; then the cases without a running clock (挂账, finished), longest waiting first.
    # Each order is a column and the id, so that pages go by cursor (``cases.paging``).
    "deadline": SortKey("stage_due_at", nullable=True),
    "newest": SortKey("reported_at", descending=True),
    "oldest": SortKey("reported_at"),
}


# What a workbench row reads of a case (``queue_rows``, ``running_lamp``, ``cases.queue_markup``)
# and what its cursor reads (``SORTS``); a column left out would be read again per row.
ROW_FIELDS = (
    "number", "status", "priority", "channel", "level", "address", "description", "self_handled",
    "reported_at", "stage_started_at", "stage_due_at", "warned_at",
)
def queue_cases(user: Any, queue: Queue, sort: str = "deadline", *, cases: QuerySet[Case] | None = None,
                ) -> QuerySet[Case]:
    """The cases of one queue, sorted (by the running deadline by default);
    ``queue_rows.with_row_names`` adds what a row shows of other tables to the page's rows."""
    cases = Case.objects.visible_to(user) if cases is None else cases
    if queue.condition:
        cases = cases.filter(queue.condition)
    # Only the columns a row shows (``queue_rows``, ``cases.queue_markup``) and the sort keys: a
    # case has some sixty.
    return cases.only(*ROW_FIELDS).order_by(*SORTS.get(sort, SORTS["deadline"]).ordering())


# --- deadline lamps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lamp:
    """A deadline lamp: green (in time), yellow (past the warning point), red (overdue), grey (no clock)."""

    colour: str
    label: Promise


GREEN = Lamp("green", pgettext_lazy("deadline lamp", "正常"))
YELLOW = Lamp("yellow", pgettext_lazy("deadline lamp", "即将超期"))
RED = Lamp("red", pgettext_lazy("deadline lamp", "已超期"))
PAUSED = Lamp("grey", pgettext_lazy("deadline lamp", "已挂账，计时暂停"))
NO_CLOCK = Lamp("grey", pgettext_lazy("deadline lamp", "不计时"))
ON_TIME = Lamp("green", pgettext_lazy("deadline lamp", "按期"))
LATE = Lamp("red", pgettext_lazy("deadline lamp", "超期"))


def running_lamp(case: Case, now: datetime.datetime | None = None) -> Lamp:
    """The lamp of the running stage: red past the deadline, yellow past the warning point (or warned)."""
    if case.status == Status.ON_HOLD:
        return PAUSED
    if case.status in FINAL_STATUSES or not case.stage_due_at:
        return NO_CLOCK
    now = now or timezone.now()
    if now > case.stage_due_at:
        return RED
    if case.warned_at or _fraction(case.stage_started_at, case.stage_due_at, now) >= warning_percent() / 100:
        return YELLOW
    return GREEN


def _fraction(start: datetime.datetime | None, due: datetime.datetime, now: datetime.datetime) -> float:
    if start is None or due <= start:
        return 0.0
    return (now - start) / (due - start)


def overdue_days(case: Case, now: datetime.datetime) -> int:
    """How many days the running stage is past its deadline: clock days, a started day counting
    as one (two hours late is 1, 25 hours late is 2), like the supervision worker's plain clock
    time; 0 when the running stage is not overdue."""
    if running_lamp(case, now) is not RED or case.stage_due_at is None:
        return 0
    return math.ceil((now - case.stage_due_at) / datetime.timedelta(days=1))


@dataclass(frozen=True)
class StageClock:
    """One stage's deadline on the case page: when it started, was due and ended, and its lamp."""

    stage: str
    label: Promise
    started_at: datetime.datetime | None
    due_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    lamp: Lamp
    running: bool


def stage_clocks(case: Case, now: datetime.datetime | None = None) -> list[StageClock]:
    """受理, 派遣, 处置, 核查, 结案: the running stage's lamp is live; ended stages show their frozen flag."""
    rows = [
        (Stage.ACCEPT, case.reported_at, case.accept_due_at, case.accepted_at, case.accept_overdue),
        (Stage.DISPATCH, case.accepted_at, case.dispatch_due_at, case.handle_started_at, case.dispatch_overdue),
        (Stage.HANDLE, case.handle_started_at, case.handle_due_at, case.handled_at, case.handle_overdue),
        (Stage.VERIFY, case.handled_at, case.verify_due_at, case.verified_at, case.verify_overdue),
        (Stage.CLOSE, case.verified_at, case.close_due_at, case.closed_at, case.close_overdue),
    ]
    clocks = []
    for stage, started, due, ended, overdue in rows:
        running = case.stage == stage
        if running:
            lamp = running_lamp(case, now)
            started, due = case.stage_started_at or started, case.stage_due_at or due
        elif overdue is None:
            lamp = NO_CLOCK
        else:
            lamp = LATE if overdue else ON_TIME
        clocks.append(StageClock(stage, Stage(stage).label, started, due, ended, lamp, running))
    return clocks


def unit_lamp(case: Case, assignment: CaseAssignment, now: datetime.datetime | None = None) -> Lamp:
    """A unit's own deadline lamp: live while its part runs (paused on hold), else its frozen flag."""
    if assignment.is_current and case.is_open and assignment.due_at:
        if case.status == Status.ON_HOLD:
            return PAUSED
        now = now or timezone.now()
        if now > assignment.due_at:
            return RED
        started = case.handle_started_at or assignment.created_at
        return YELLOW if _fraction(started, assignment.due_at, now) >= warning_percent() / 100 else GREEN
    if assignment.overdue is None:
        return NO_CLOCK
    return LATE if assignment.overdue else ON_TIME


def unit_clocks(case: Case, now: datetime.datetime | None = None) -> list[tuple[CaseAssignment, Lamp]]:
    """Each unit's part (主办, 协办) with the lamp of its own deadline (prefetched assignments)."""
    now = now or timezone.now()
    return [(assignment, unit_lamp(case, assignment, now)) for assignment in case.assignments.all()]


# --- units to dispatch to ----------------------------------------------------------------------


def dispatch_units(desk: Desk) -> QuerySet[Organisation]:
    """Active units that serve (or belong to) an area where the user dispatches, or above it."""
    units = Organisation.objects.filter(is_active=True)
    prefixes = desk.prefixes.get("accept_case", [])
    if prefixes is None:
        return units.order_by("kind", "name")
    ancestors = {code for prefix in prefixes for code in covering_codes(prefix)}
    condition = Q(code__in=ancestors)
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    return units.filter(based_or_serving(Area.objects.filter(condition))).order_by("kind", "name")


# --- the case page -------------------------------------------------------------------------------


def page_cases(user: Any) -> QuerySet[Case]:
    """The cases whose pages the user may open: those in scope (``Case.objects.visible_to``) for a
    user who works on cases (``works_on_cases``), none otherwise. The case page and the photo view
    both ask this, so a photo is never shown to someone who may not open its case."""
    if not works_on_cases(user):
        return Case.objects.none()
    return Case.objects.visible_to(user)


def case_for_page(user: Any, number: str) -> Case | None:
    """The case with everything its page shows, or None when unknown or outside the user's scope."""
    attachments = CaseAttachment.objects.order_by("uploaded_at", "pk")
    # No join of the actor: the timeline shows the stored ``actor_label``, and a join of the users
    # made PostgreSQL hash the whole user table (18,000 rows on 1 M cases) for a few events.
    events = CaseEvent.objects.prefetch_related(Prefetch("attachments", queryset=attachments)).order_by("time", "pk")
    # Only the relations every case has (and its dispute record, which a prefetch would always ask
    # for) are joined. The optional ones are prefetched: a join of some fifteen tables cost
    # PostgreSQL ~50 ms of planning for 2 ms of execution, and a prefetch of an empty relation (no
    # household, no parent…) sends no query at all.
    return (
        page_cases(user)
        .select_related("category", "grid", "desk_area", "lead_organisation", "handler", "dispute")
        .prefetch_related(
            "reporter", "building", "household__dwelling__building", "household__dwelling__unit", "resident",
            "duplicate_of", "parent", "rating_caller", "spot_checked_by",
            "category__attributes",
            Prefetch("assignments", queryset=CaseAssignment.objects.select_related("organisation", "signed_by")),
            Prefetch("extensions", queryset=ExtensionRequest.objects.select_related(
                "requested_by", "decided_by", "assignment__organisation")),
            Prefetch("supervisions", queryset=CaseSupervision.objects.select_related("issued_by")),
            Prefetch("events", queryset=events),
            Prefetch("attachments", queryset=attachments),
            Prefetch("children", queryset=Case.objects.visible_to(user).select_related("category")),
            Prefetch("duplicates", queryset=Case.objects.visible_to(user).select_related("category")),
        )
        .filter(number=number)
        .first()
    )


def attribute_rows(case: Case) -> list[tuple[str, str]]:
    """(label, value) of the category's extra questions answered on this case, in catalog order."""
    labels: dict[str, str] = {attribute.code: attribute.display_label for attribute in case.category.attributes.all()}
    answered: dict[str, Any] = case.attributes or {}
    codes = [code for code in labels if code in answered] + [code for code in answered if code not in labels]
    return [(labels.get(code, code), _shown(answered[code])) for code in codes]


def _shown(value: Any) -> str:
    """An answer as shown: a default option (or options) in the active language."""
    items = value if isinstance(value, list) else [value]
    return "、".join(translated_catalog_text(str(item)) for item in items)


# Timeline verbs that are not transitions (the transitions take their label from the table).
EVENT_LABELS: dict[str, Promise] = {
    "report": pgettext_lazy("timeline", "上报"),
    "merged_in": pgettext_lazy("timeline", "合并了重复事件"),
    "split_from": pgettext_lazy("timeline", "拆分生成"),
    "warning": pgettext_lazy("timeline", "即将超期预警"),
    "overdue": pgettext_lazy("timeline", "超期"),
    "reminder": pgettext_lazy("timeline", "催办"),
    "yellow": pgettext_lazy("timeline", "黄牌"),
    "red": pgettext_lazy("timeline", "红牌"),
    "upstream_update": pgettext_lazy("timeline", "市平台进展"),  # api.handoff: the city platform's updates
}


def event_label(verb: str) -> Any:
    if verb in TRANSITIONS:
        return TRANSITIONS[verb].label
    return EVENT_LABELS.get(verb, verb)


@dataclass
class TimelineEntry:
    """A timeline row as the page shows it."""

    event: CaseEvent
    label: Any
    details: list[str] = field(default_factory=list)
    actor: str = ""
    comment: str = ""


# Entries the supervision worker writes (no actor): shown from their data in the reader's language.
AUTOMATIC_RUNGS = frozenset({"warning", "overdue", "reminder", "yellow", "red"})


def timeline(case: Case) -> list[TimelineEntry]:
    """The case's events (prefetched) with their labels and a few facts from their data."""
    return [TimelineEntry(event, event_label(event.verb), _event_details(event), _event_actor(event),
                          _event_comment(event)) for event in case.events.all()]


def _event_actor(event: CaseEvent) -> str:
    """Who acted: the stored name of a user; the system or the reporter named in the reader's language."""
    if event.actor_id is not None:
        return event.actor_label
    return str(_("系统")) if event.verb in AUTOMATIC_RUNGS else str(_("反映人"))


def _event_comment(event: CaseEvent) -> str:
    data = event.data or {}
    if event.actor_id is None and event.verb in AUTOMATIC_RUNGS and data.get("due_at") and data.get("stage"):
        due = datetime.datetime.fromisoformat(data["due_at"])
        return describe_rung(event.verb, data["stage"], int(data.get("percent") or 0), due)
    return event.comment


def _event_details(event: CaseEvent) -> list[str]:
    data, details = event.data or {}, []
    if event.data.get("lead_name"):
        details.append(str(_("主办：%(unit)s")) % {"unit": data["lead_name"]})
    if data.get("assist_names"):
        details.append(str(_("协办：%(units)s")) % {"units": "、".join(data["assist_names"])})
    if "passed" in data:
        details.append(str(_("核查通过") if data["passed"] else _("核查不通过，退回重办")))
    if data.get("outcome") in Outcome.values:
        details.append(str(Outcome(data["outcome"]).label))
    if data.get("rating") in Rating.values:
        details.append(str(Rating(data["rating"]).label))
    if "approved" in data and event.verb == "decide_cancel":
        details.append(str(_("同意撤销") if data["approved"] else _("不同意撤销")))
    elif "approved" in data:
        details.append(str(_("批准延期") if data["approved"] else _("驳回延期")))
    if data.get("called_at"):
        called = timezone.localtime(datetime.datetime.fromisoformat(data["called_at"]))
        details.append(str(_("回访时间 %(time)s")) % {"time": f"{called:%Y-%m-%d %H:%M}"})
    if data.get("replaces") in Rating.values:
        details.append(str(_("取代回访评价“%(rating)s”")) % {"rating": Rating(data["replaces"]).label})
    if "flagged" in data:
        details.append(str(_("抽查有问题") if data["flagged"] else _("抽查无问题")))
    if data.get("extra_days"):
        details.append(str(_("申请延长%(days)s个工作日")) % {"days": data["extra_days"]})
    if data.get("into"):
        details.append(str(_("合并到 %(number)s")) % {"number": data["into"]})
    if data.get("children"):
        details.append(str(_("拆分为 %(numbers)s")) % {"numbers": "、".join(data["children"])})
    if event.verb == "supervise" and data.get("kind") in EVENT_LABELS:
        details.append(str(EVENT_LABELS[data["kind"]]))  # 催办, 黄牌 or 红牌
    return details


# --- spot checks of self-handled cases (抽查) ------------------------------------------------------

SPOT_CHECK_DAYS = 30
SPOT_CHECK_SAMPLE = 10


def spot_check_sample(user: Any, now: datetime.datetime | None = None, *, size: int = SPOT_CHECK_SAMPLE,
                      ) -> list[Case]:
    """A random sample of recent cases the grid handled itself (小事不出网格), verified in the last
    ``SPOT_CHECK_DAYS`` days and not checked yet, on the grids where the user may spot-check
    (``cases.rules._spot_checker``: a 网格长 holds ``accept_case`` and ``self_handle_case`` there),
    leaving out cases the user handled or verified."""
    desk = desk_of(user)
    if not desk.holds("accept_case"):
        return []
    since = (now or timezone.now()) - datetime.timedelta(days=SPOT_CHECK_DAYS)
    own_work = CaseEvent.objects.filter(actor=user, verb__in=("self_handle", "feedback", "verify")).values("case_id")
    cases = (Case.objects.visible_to(user)
             .filter(desk.on_grid("accept_case"))
             .filter(self_handled=True, spot_checked_at__isnull=True, verified_at__gte=since,
                     status__in=(Status.VERIFIED, Status.CLOSED))
             .exclude(handler=user).exclude(pk__in=own_work))
    return list(cases.select_related("category", "grid", "handler").order_by("?")[:size])


def recent_spot_checks(user: Any, *, size: int = 20) -> list[Case]:
    """The last cases the user's grids spot-checked, flagged ones first."""
    desk = desk_of(user)
    return list(Case.objects.visible_to(user).filter(desk.on_grid("accept_case"), spot_checked_at__isnull=False)
                .select_related("category", "grid", "handler", "spot_checked_by")
                .order_by("-spot_check_flagged", "-spot_checked_at")[:size])
