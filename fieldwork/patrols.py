"""Patrol operations (巡查): start, check in at a target, report or resolve a finding, finish, route.

One keyword-only function per verb, each validating first and saving in one transaction. A
finding becomes a case only through ``cases.transitions`` (``case_report``, or
``case_report_resolved`` for 当场解决); the answer keeps the case (``Answer.case``), and the
case reaches the patrol back through ``Case.patrol_answers``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area
from cases.models import Case, Category, Channel
from cases.transitions import case_report, case_report_resolved
from cases.workflow import ActionRefused, Photo
from core.validators import without_control_characters
from fieldwork.checklists import clean_answers, field_name
from fieldwork.models import (
    Answer,
    CheckIn,
    CheckInMethod,
    FieldPhoto,
    Handling,
    Patrol,
    PatrolPlan,
    PatrolWindow,
    PlanKind,
    PlanTarget,
    RoutePoint,
)
from fieldwork.schedule import covers, zone
from registry.models import Building

GENERAL_PHOTOS = "photos"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _check_worker(patrol: Patrol, actor: User) -> Patrol:
    """Re-read the patrol locked; only its worker acts on it, and only while it is active."""
    locked = Patrol.objects.select_for_update(of=("self",)).select_related("plan", "grid").get(pk=patrol.pk)
    if locked.worker_id != actor.pk:
        raise ActionRefused(_("只有巡查人本人可以操作这次巡查。"))
    if not locked.is_active:
        raise ActionRefused(_("这次巡查已经结束。"))
    return locked


def patrol_start(
    *, actor: User, plan: PatrolPlan, grid: Area, window: PatrolWindow | None = None, consent: bool = False,
    now: datetime.datetime | None = None,
) -> Patrol:
    """开始巡查: a patrol of ``grid`` under ``plan`` (in ``window`` for a daily plan), active until finished."""
    now = _now(now)
    day = now.astimezone(zone()).date()
    if not actor.has_perm("fieldwork.add_patrol", grid) or not grid.is_grid:
        raise ActionRefused(_("您没有权限在这个网格巡查。"))
    if not covers(plan, grid) or not plan.runs_on(day):
        raise ValidationError({"plan": [_("这个巡查计划今天不在这个网格执行。")]})
    if plan.kind == PlanKind.DAILY and (window is None or window.plan_id != plan.pk):
        raise ValidationError({"window": [_("请选择巡查时段。")]})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()  # one start at a time per worker
        if Patrol.objects.active().filter(worker=actor).exists():
            raise ActionRefused(_("您还有一次巡查没有结束，请先结束它。"))
        return Patrol.objects.create(
            plan=plan, window=window if plan.kind == PlanKind.DAILY else None, grid=grid, worker=actor, day=day,
            started_at=now, location_consent=consent and settings.FIELDWORK_ROUTE_TRACKING,
        )


def _target_fields(patrol: Patrol, target: PlanTarget | None, building: Building | None) -> dict[str, Any]:
    if target is not None:
        if target.plan_id != patrol.plan_id or not target.grid_code.startswith(patrol.grid_code):
            raise ValidationError({"target": [_("这个目标不属于本次巡查。")]})
        return {"target": target, "building": target.building, "establishment": target.establishment,
                "facility": target.facility, "label": target.name}
    if building is not None:
        if not building.grid_code.startswith(patrol.grid_code):  # the grid, or one of its micro-grids
            raise ValidationError({"target": [_("这个楼栋不在本次巡查的网格。")]})
        matching = patrol.plan.targets.filter(building=building).first()
        return {"target": matching, "building": building, "label": str(building)}
    raise ValidationError({"target": [_("请选择签到的目标。")]})


def _store_photos(checkin: CheckIn, photos: Sequence[Photo], answer: Answer | None = None) -> None:
    for photo in photos:
        row = FieldPhoto(checkin=checkin, answer=answer, width=photo.width, height=photo.height)
        row.image.save(f"{row.token}.jpg", ContentFile(photo.content), save=False)
        row.save()


def patrol_check_in(
    *, patrol: Patrol, actor: User, target: PlanTarget | None = None, building: Building | None = None,
    method: str = CheckInMethod.TAP, answers: Mapping[str, str] | None = None,
    photos: Mapping[str, Sequence[Photo]] | None = None, note: str = "", longitude: float | None = None,
    latitude: float | None = None, now: datetime.datetime | None = None,
) -> CheckIn:
    """签到: the worker at a target (a plan target, or a building of the grid), with the checklist answered.

    ``answers`` and ``photos`` are keyed by ``checklists.field_name(item)``; ``photos["photos"]``
    are photos of the place itself. The check-in records the checklist version it answered.
    """
    now = _now(now)
    photos = photos or {}
    with transaction.atomic():
        _check_worker(patrol, actor)  # says why before any answer is looked at (checked again below)
    if method not in CheckInMethod.values:
        raise ValidationError({"method": [_("签到方式无效。")]})
    version = patrol.plan.checklist.current_version() if patrol.plan.checklist else None
    items = list(version.items.all()) if version else []
    values = clean_answers(items, answers or {}, photos)
    with transaction.atomic():
        patrol = _check_worker(patrol, actor)
        fields = _target_fields(patrol, target, building)
        checkin = CheckIn.objects.create(
            patrol=patrol, method=method, at=now, checklist_version=version, note=note.strip()[:1000],
            **fields,
        )
        for item in items:
            answer = Answer.objects.create(checkin=checkin, item=item, value=values[item.pk],
                                           is_problem=item.is_problem(values[item.pk]))
            _store_photos(checkin, photos.get(field_name(item), ()), answer)
        _store_photos(checkin, photos.get(GENERAL_PHOTOS, ()))
        if longitude is not None and latitude is not None and patrol.location_consent:
            RoutePoint.objects.create(patrol=patrol, at=now, lng=longitude, lat=latitude)
    return checkin


def patrol_finish(*, patrol: Patrol, actor: User, note: str = "", now: datetime.datetime | None = None) -> Patrol:
    """结束巡查: the patrol is done; its window counts as kept."""
    with transaction.atomic():
        patrol = _check_worker(patrol, actor)
        patrol.finished_at = _now(now)
        patrol.note = without_control_characters(note).strip()[:2000]  # raw POST: no NUL reaches the row
        patrol.save(update_fields=["finished_at", "note"])
    return patrol


def patrol_record_location(
    *, patrol: Patrol, actor: User, longitude: float, latitude: float, accuracy: float | None = None,
    now: datetime.datetime | None = None,
) -> RoutePoint:
    """A point of the route: only while the patrol is active, only with consent, only where enabled."""
    if not (-180 <= longitude <= 180 and -90 <= latitude <= 90):
        raise ValidationError({"longitude": [_("位置无效。")]})
    with transaction.atomic():
        patrol = _check_worker(patrol, actor)
        if not (settings.FIELDWORK_ROUTE_TRACKING and patrol.location_consent):
            raise ActionRefused(_("本次巡查不记录轨迹。"))
        return RoutePoint.objects.create(patrol=patrol, at=_now(now), lng=longitude, lat=latitude, accuracy=accuracy)


def finding_category(answer: Answer) -> Category | None:
    """The case category the item names for its problems, if it exists and is active."""
    code = answer.item.category_code
    return Category.objects.filter(code=code, is_active=True).first() if code else None


def finding_description(answer: Answer) -> str:
    checkin = answer.checkin
    shown = answer.value if answer.item.kind != "yes_no" else (_("是") if answer.value == "yes" else _("否"))
    text = _("巡查发现（%(plan)s · %(place)s）：%(item)s — %(answer)s") % {
        "plan": checkin.patrol.plan, "place": checkin.label, "item": answer.item.display_label, "answer": shown,
    }
    return f"{text}\n{checkin.note}".strip()


def _open_finding(answer: Answer) -> Answer:
    locked = (Answer.objects.select_for_update(of=("self",))
              .select_related("checkin__patrol__plan", "checkin__patrol__grid", "item").get(pk=answer.pk))
    if not locked.is_problem:
        raise ActionRefused(_("这个检查项没有发现问题。"))
    if locked.handling:
        raise ActionRefused(_("这个问题已经处理过了。"))
    return locked


def _stored_photo(row: FieldPhoto) -> Photo:
    with row.image.open("rb") as handle:
        return Photo(content=handle.read(), width=row.width, height=row.height)


def _report_fields(answer: Answer, category: Category | None) -> dict[str, Any]:
    category = category or finding_category(answer)
    if category is None:
        raise ValidationError({"category": [_("请选择事件类别。")]})
    checkin = answer.checkin
    return {"category": category, "description": finding_description(answer), "grid": checkin.patrol.grid,
            "building": checkin.building, "address": checkin.label, "channel": Channel.GRID_WORKER}


def finding_report(
    *, answer: Answer, actor: User, category: Category | None = None, now: datetime.datetime | None = None,
) -> Case:
    """上报事件: the problem becomes a case (``case_report``), linked to the answer, check-in and patrol."""
    with transaction.atomic():
        answer = _open_finding(answer)
        photos = [_stored_photo(row) for row in answer.photos.all()]
        case = case_report(actor=actor, photos=photos, now=now, **_report_fields(answer, category))
        answer.case, answer.handling = case, Handling.REPORTED
        answer.save(update_fields=["case", "handling"])
    return case


def finding_resolve(
    *, answer: Answer, actor: User, note: str, category: Category | None = None,
    after_photos: Sequence[Photo] = (), now: datetime.datetime | None = None,
) -> Case:
    """当场解决: the problem was fixed on the spot; recorded as a case self-handled and fed
    back at once (``case_report_resolved``), which then waits in 待核查 for someone else to verify it."""
    with transaction.atomic():
        answer = _open_finding(answer)
        fields = _report_fields(answer, category)
        fields.pop("channel")
        case = case_report_resolved(actor=actor, note=note, after_photos=after_photos, now=now, **fields)
        answer.case, answer.handling = case, Handling.RESOLVED
        answer.save(update_fields=["case", "handling"])
    return case
