"""The supervision worker (自动督办): warns, marks overdue and climbs the ladder 催办 → 黄牌 → 红牌.

For every open case whose running stage has a deadline (not on hold), the elapsed fraction of
the stage is ``(now − stage_started_at) / (stage_due_at − stage_started_at)`` in plain clock
time (deadlines themselves are in working time; after a hold the deadline has moved by the
paused time, so the fraction stays fair). Then:

* at ``CASES_SUPERVISION_WARNING_PERCENT`` (75 %) the case is warned (预警, 即将超期) once per stage;
* the **ladder** is the rung "overdue" at 100 % followed by the ``SupervisionStep`` rows (催办
  100 %, 黄牌 150 %, 红牌 200 % by default; an empty table leaves only warning and overdue),
  ordered by percent. ``Case.supervision_rank`` = r means the first r rungs were issued for the
  running stage. Reaching the overdue rung also sets ``ever_overdue``.

Each issued rung is a ``CaseSupervision`` row (source automatic) and a timeline entry with the
rung's verb (warning, overdue, reminder, yellow, red); one notification goes out per case and
run, about the highest rung reached. A case found past its deadline before it was ever warned
gets no warning (it is overdue already).

**Claims.** Each case is moved from the supervision state the worker read to the new one by a
conditional ``UPDATE … WHERE pk, status, stage, stage_due_at, supervision_rank and warned_at are
as read``; rows are written only when exactly one row changed. A second run finds nothing left
to do; two workers at once never issue the same rung twice; a transition that ends the stage,
holds the case or moves its deadline in between makes the claim miss. The claim also bumps
``Case.version``, so a transition that read the case before the worker changed it is refused
(and retried by its user) rather than overwriting the worker's state.

**Finding candidates.** The query returns exactly the cases with a rung to climb: open, not on
hold, with a running deadline (the ``(status, stage_due_at)`` index), whose next threshold —
the warning percent while unwarned at rank 0, else the next rung's percent — has passed:
``stage_started_at + (stage_due_at − stage_started_at) × percent / 100 ≤ now``, computed by the
database. Cases that climbed the whole ladder are never read again for that stage.
"""

from __future__ import annotations

import datetime
import functools
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from cases.events import announce_event, tell_listeners
from cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseSupervision,
    Stage,
    Status,
    SupervisionSource,
    SupervisionStep,
)

SUPERVISED_STATUSES = sorted(OPEN_STATUSES - {Status.ON_HOLD})
CANDIDATE_FIELDS = ("pk", "status", "stage", "stage_started_at", "stage_due_at", "warned_at",
                    "supervision_rank", "grid_code")


@dataclass(frozen=True)
class Rung:
    """One rung of the ladder: at ``percent`` of the stage's time limit, issue ``kind``."""

    kind: str
    percent: int


@dataclass
class SupervisionReport:
    """What one run did: cases looked at (those with something due) and rungs issued by kind."""

    scanned: int = 0
    claimed: int = 0
    issued: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.issued.items())) or "nothing issued"
        return f"{self.scanned} case(s) due, {self.claimed} claimed: {kinds}"


def warning_percent() -> int:
    return int(getattr(settings, "CASES_SUPERVISION_WARNING_PERCENT", 75))


def ladder() -> list[Rung]:
    """The overdue rung (100 %) and the ``SupervisionStep`` rows, in order of percent (stable)."""
    steps = [Rung(step.kind, step.percent) for step in SupervisionStep.objects.order_by("rank")]
    return sorted([Rung("overdue", 100), *steps], key=lambda rung: rung.percent)


def candidates(now: datetime.datetime, rungs: list[Rung], warning: int) -> QuerySet[Case]:
    """Open, running cases whose next threshold (warning or next rung) has passed at ``now``."""
    next_percent = Choose(
        When(warned_at__isnull=True, supervision_rank=0, then=Value(min(warning, rungs[0].percent))),
        *(When(supervision_rank=rank, then=Value(rung.percent)) for rank, rung in enumerate(rungs)),
        default=None, output_field=IntegerField(),
    )
    span = F("stage_due_at") - F("stage_started_at")
    part = ExpressionWrapper(span * F("next_percent") / 100, output_field=DurationField())
    threshold = ExpressionWrapper(F("stage_started_at") + part, output_field=DateTimeField())
    return (
        Case.objects.filter(status__in=SUPERVISED_STATUSES, stage_due_at__isnull=False,
                            stage_started_at__isnull=False)
        .exclude(stage=Stage.NONE)
        .alias(next_percent=next_percent)
        .filter(next_percent__isnull=False)
        .alias(threshold=threshold)
        .filter(threshold__lte=now)
        .only(*CANDIDATE_FIELDS)
        .order_by("stage_due_at", "pk")
    )


def reached(case: Case, now: datetime.datetime, percent: int) -> bool:
    """Whether ``percent`` of the running stage's time has elapsed at ``now`` (clock time)."""
    assert case.stage_started_at is not None and case.stage_due_at is not None
    return (now - case.stage_started_at) * 100 >= (case.stage_due_at - case.stage_started_at) * percent


def due_rungs(case: Case, now: datetime.datetime, rungs: list[Rung], warning: int) -> tuple[list[Rung], int, bool]:
    """(rungs to issue now, the new rank, whether ``warned_at`` gets set) for a case as read."""
    rank = case.supervision_rank
    new_rank = rank
    while new_rank < len(rungs) and reached(case, now, rungs[new_rank].percent):
        new_rank += 1
    unwarned = case.warned_at is None
    warn = unwarned and new_rank == rank and reached(case, now, warning)
    due = ([Rung("warning", warning)] if warn else []) + rungs[rank:new_rank]
    return due, new_rank, unwarned and bool(due)


def climb(case: Case, *, now: datetime.datetime, rungs: list[Rung], warning: int) -> list[str]:
    """Claim the case as read and issue its due rungs; the kinds issued ([] when the claim missed)."""
    due, new_rank, set_warned = due_rungs(case, now, rungs, warning)
    if not due:
        return []
    kinds = [rung.kind for rung in due]
    changes: dict[str, object] = {"supervision_rank": new_rank, "version": F("version") + 1}
    if set_warned:
        changes["warned_at"] = now
    if "overdue" in kinds:
        changes["ever_overdue"] = True
    with transaction.atomic():
        claimed = Case.objects.filter(
            pk=case.pk, status=case.status, stage=case.stage, stage_due_at=case.stage_due_at,
            supervision_rank=case.supervision_rank, warned_at__isnull=case.warned_at is None,
        ).update(**changes)
        if claimed != 1:
            return []
        issued = _issue(case, due, now)
        for lower in issued[:-1]:  # listeners hear of every rung; people of the highest one only
            transaction.on_commit(functools.partial(tell_listeners, lower.pk))
        last = issued[-1]
        transaction.on_commit(lambda: _announce(last.pk))
    return kinds


def rung_comment(case: Case, rung: Rung) -> str:
    """What the timeline says of a rung, e.g. 处置已超过时限（2026-03-05 09:00）。"""
    assert case.stage_due_at is not None
    return describe_rung(rung.kind, case.stage, rung.percent, case.stage_due_at)


def describe_rung(kind: str, stage: str, percent: int, due: datetime.datetime) -> str:
    """A rung in the active language, from what its timeline entry keeps in ``data`` (the case
    page shows it so, whatever language the worker wrote the stored comment in)."""
    values = {"stage": Stage(stage).label, "percent": percent,
              "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M")}
    if kind == "warning":
        return _("%(stage)s时限将于%(due)s到期。") % values
    if kind == "overdue":
        return _("%(stage)s已超过时限（%(due)s）。") % values
    return _("%(stage)s用时已达时限的%(percent)d%%（时限%(due)s）。") % values


def _issue(case: Case, due: list[Rung], now: datetime.datetime) -> list[CaseEvent]:
    """The supervision rows and timeline entries of the issued rungs, in order."""
    assert case.stage_due_at is not None
    with override(settings.LANGUAGE_CODE):
        label = _("系统")
        comments = [rung_comment(case, rung) for rung in due]
    CaseSupervision.objects.bulk_create([
        CaseSupervision(case_id=case.pk, kind=rung.kind, stage=case.stage, source=SupervisionSource.AUTOMATIC,
                        issued_at=now, comment=comment)
        for rung, comment in zip(due, comments, strict=True)
    ])
    return [
        CaseEvent.objects.create(
            case_id=case.pk, verb=rung.kind, actor_label=label, from_status=case.status, to_status=case.status,
            comment=comment, area_code=case.grid_code, time=now,
            data={"stage": case.stage, "due_at": case.stage_due_at.isoformat(), "percent": rung.percent},
        )
        for rung, comment in zip(due, comments, strict=True)
    ]


def _announce(event_id: int) -> None:
    announce_event(event_id)  # already in the worker: no task of its own


def run_supervision(now: datetime.datetime | None = None, *, batch_size: int = 200) -> SupervisionReport:
    """One pass over the running cases: warn, mark overdue, climb the ladder. Safe to repeat.

    Candidates are read in batches by ``(stage_due_at, pk)`` (keyset pages over the index), so
    a long list never holds a cursor open while the worker writes to the same table.
    """
    now = now or timezone.now()
    rungs, warning = ladder(), warning_percent()
    report = SupervisionReport()
    pending = candidates(now, rungs, warning)
    after: tuple[datetime.datetime, int] | None = None
    while True:
        page = pending if after is None else pending.filter(
            Q(stage_due_at__gt=after[0]) | Q(stage_due_at=after[0], pk__gt=after[1]))
        batch = list(page[:batch_size])
        for case in batch:
            report.scanned += 1
            kinds = climb(case, now=now, rungs=rungs, warning=warning)
            if kinds:
                report.claimed += 1
                report.issued.update(kinds)
        if len(batch) < batch_size:
            return report
        last = batch[-1]
        assert last.stage_due_at is not None
        after = (last.stage_due_at, last.pk)
