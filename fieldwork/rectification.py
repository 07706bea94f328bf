"""Rectification lists (整改清单): compile a patrol's or a campaign's problems per responsible unit,
send each list, have the unit mark its items fixed with an after photo, reopen a fix that is not.

One keyword-only function per verb, each checking the actor and saving in one transaction; the
lists and items are registered with the change log (``audit.registry``), so every save is logged.

Which unit is responsible for a problem (``responsible_unit``): the lead unit of the case the
problem was reported as, if it was dispatched; otherwise the unit the routing rules name for the
item's category in the grid (``cases.routing.route_for``). Problems with neither are left out and
reported back, and problems fixed on the spot (当场解决) are not on any list.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationMember, User
from areas.models import Area
from cases.inbox import notifications_deliver
from cases.models import AssignmentRole, Notification
from cases.routing import route_for
from cases.workflow import ActionRefused, Photo
from fieldwork.models import (
    Answer,
    Handling,
    Patrol,
    PatrolPlan,
    PhotoStage,
    PlanKind,
    RectificationItem,
    RectificationList,
    RectificationPhoto,
)
from fieldwork.patrols import finding_category, finding_description

MANAGE_PERMISSION = "fieldwork.add_rectificationlist"
VERB = "rectification"


@dataclass
class Compiled:
    """What ``rectification_create_*`` made: the draft lists, and the problems no unit answers for."""

    lists: list[RectificationList] = field(default_factory=list)
    unassigned: list[Answer] = field(default_factory=list)


def _may_manage(actor: User, area_code: str) -> bool:
    area = Area.objects.filter(code=area_code).first()
    return area is not None and actor.has_perm(MANAGE_PERMISSION, area)


def responsible_unit(answer: Answer) -> Organisation | None:
    """The case's lead unit when it was dispatched, else the routing rules' unit for the item's category."""
    if answer.case is not None:
        lead = answer.case.assignments.filter(role=AssignmentRole.LEAD).select_related("organisation").first()
        if lead is not None:
            return lead.organisation
    category = finding_category(answer)
    return route_for(category, answer.checkin.patrol.grid) if category is not None else None


def open_problems(patrols: QuerySet[Patrol]) -> QuerySet[Answer]:
    """Problems of these patrols still to be fixed: not fixed on the spot, not on a list yet."""
    return (
        Answer.objects.filter(
            checkin__patrol__in=patrols.values("pk"), is_problem=True, rectification_item__isnull=True
        )
        .exclude(handling=Handling.RESOLVED)
        .select_related("item", "case", "checkin__patrol__plan", "checkin__patrol__grid")
        .order_by("checkin__at", "item__position", "pk")
    )


def _copy_before_photos(item: RectificationItem, answer: Answer) -> None:
    """The problem as found: the answer's own photos, else the photos taken at the check-in."""
    photos = list(answer.photos.all()) or list(answer.checkin.photos.all())
    for photo in photos:
        copy = RectificationPhoto(item=item, stage=PhotoStage.BEFORE, width=photo.width, height=photo.height)
        with photo.image.open("rb") as handle:
            copy.image.save(f"{copy.token}.jpg", ContentFile(handle.read()), save=False)
        copy.save()


def _compile(
    answers: Sequence[Answer],
    *,
    actor: User,
    title: str,
    area_code: str,
    deadline: datetime.date,
    patrol: Patrol | None,
    plan: PatrolPlan | None,
    now: datetime.datetime,
) -> Compiled:
    if deadline < timezone.localdate(now):
        raise ValidationError({"deadline": [_("整改期限不能早于今天。")]})
    result = Compiled()
    grouped: dict[int, tuple[Organisation, list[Answer]]] = {}
    for answer in answers:
        unit = responsible_unit(answer)
        if unit is None:
            result.unassigned.append(answer)
        else:
            grouped.setdefault(unit.pk, (unit, []))[1].append(answer)
    if not grouped:
        raise ValidationError({"__all__": [_("没有可以列入整改清单的问题（未处理且能确定整改单位的问题）。")]})
    with transaction.atomic():
        for unit, unit_answers in grouped.values():
            rectification = RectificationList.objects.create(
                organisation=unit,
                title=f"{title} · {unit}"[:200],
                area_code=area_code,
                patrol=patrol,
                plan=plan,
                deadline=deadline,
                created_by=actor,
                created_at=now,
            )
            for position, answer in enumerate(unit_answers, start=1):
                item = RectificationItem.objects.create(
                    rectification=rectification,
                    answer=answer,
                    case=answer.case,
                    grid_code=answer.checkin.patrol.grid_code,
                    place=answer.checkin.label[:100],
                    problem=finding_description(answer)[:500],
                    position=position,
                )
                if answer.case is None:
                    _copy_before_photos(item, answer)
            result.lists.append(rectification)
    return result


def rectification_create_from_patrol(
    *,
    patrol: Patrol,
    actor: User,
    deadline: datetime.date,
    now: datetime.datetime | None = None,
) -> Compiled:
    """编制整改清单 from one patrol: one draft list per responsible unit."""
    now = now or timezone.now()
    if not _may_manage(actor, patrol.grid_code):
        raise ActionRefused(_("您没有权限编制整改清单。"))
    answers = list(open_problems(Patrol.objects.filter(pk=patrol.pk)))
    title = _("%(plan)s %(day)s 整改清单") % {"plan": patrol.plan, "day": patrol.day.strftime("%Y-%m-%d")}
    return _compile(
        answers,
        actor=actor,
        title=title,
        area_code=patrol.grid_code,
        deadline=deadline,
        patrol=patrol,
        plan=patrol.plan,
        now=now,
    )


def rectification_create_from_campaign(
    *,
    plan: PatrolPlan,
    actor: User,
    deadline: datetime.date,
    now: datetime.datetime | None = None,
) -> Compiled:
    """编制整改清单 from a whole 专项巡查 campaign: its patrols' open problems in the plan's area."""
    now = now or timezone.now()
    if plan.kind != PlanKind.SPECIAL:
        raise ActionRefused(_("只有专项巡查可以按整个专项编制整改清单。"))
    if not _may_manage(actor, plan.area.code):
        raise ActionRefused(_("您没有权限编制整改清单。"))
    patrols = Patrol.objects.visible_to(actor).filter(plan=plan, grid_code__startswith=plan.area.code)
    title = _("%(plan)s 整改清单") % {"plan": plan}
    return _compile(
        list(open_problems(patrols)),
        actor=actor,
        title=title,
        area_code=plan.area.code,
        deadline=deadline,
        patrol=None,
        plan=plan,
        now=now,
    )


def _locked_list(rectification: RectificationList) -> RectificationList:
    return RectificationList.objects.select_for_update().select_related("organisation").get(pk=rectification.pk)


def rectification_send(
    *,
    rectification: RectificationList,
    actor: User,
    now: datetime.datetime | None = None,
) -> RectificationList:
    """发送: the unit's handlers see the list from now on, and each is told in their inbox."""
    with transaction.atomic():
        rectification = _locked_list(rectification)
        if not _may_manage(actor, rectification.area_code):
            raise ActionRefused(_("您没有权限发送整改清单。"))
        if rectification.is_sent:
            raise ActionRefused(_("这份整改清单已经发送过了。"))
        rectification.sent_at, rectification.sent_by = now or timezone.now(), actor
        rectification.save(update_fields=["sent_at", "sent_by"])
        members = (
            OrganisationMember.objects.acting()
            .filter(organisation=rectification.organisation)
            .values_list("user_id", flat=True)
            .distinct()
        )
        body = _("请在 %(deadline)s 前逐项整改并上传整改后照片。") % {
            "deadline": rectification.deadline.strftime("%Y-%m-%d")
        }
        notifications_deliver(
            Notification(user_id=user_id, case=None, verb=VERB, title=rectification.title[:200], body=body)
            for user_id in sorted(set(members))
        )
    return rectification


def _locked_item(item: RectificationItem) -> RectificationItem:
    return (
        RectificationItem.objects.select_for_update(of=("self",))
        .select_related("rectification", "case")
        .get(pk=item.pk)
    )


def rectification_item_done(
    *,
    item: RectificationItem,
    actor: User,
    note: str,
    after_photos: Sequence[Photo],
    now: datetime.datetime | None = None,
) -> RectificationItem:
    """整改完成: the unit's handler marks a lightweight item fixed, with an after photo and a note."""
    with transaction.atomic():
        item = _locked_item(item)
        rectification = item.rectification
        acting = OrganisationMember.objects.acting().filter(user=actor, organisation_id=rectification.organisation_id)
        if not rectification.is_sent or not acting.exists():
            raise ActionRefused(_("只有整改单位的处置人员可以标记整改完成。"))
        if item.case_id is not None:
            raise ActionRefused(_("这一项是事件，请在事件中办理和反馈。"))
        if item.done_at is not None:
            raise ActionRefused(_("这一项已经整改完成。"))
        errors: dict[str, list[str]] = {}
        if not note.strip():
            errors["note"] = [_("请填写整改情况。")]
        if not after_photos:
            errors["after_photos"] = [_("请上传整改后照片。")]
        if errors:
            raise ValidationError(errors)
        item.done_at, item.done_by, item.done_note = now or timezone.now(), actor, note.strip()[:2000]
        item.reopen_note = ""
        item.save(update_fields=["done_at", "done_by", "done_note", "reopen_note"])
        item.photos.filter(stage=PhotoStage.AFTER).delete()
        for photo in after_photos:
            row = RectificationPhoto(item=item, stage=PhotoStage.AFTER, width=photo.width, height=photo.height)
            row.image.save(f"{row.token}.jpg", ContentFile(photo.content), save=False)
            row.save()
    return item


def rectification_item_reopen(*, item: RectificationItem, actor: User, reason: str) -> RectificationItem:
    """退回: the community finds the fix wanting; the item is open again, with the reason."""
    with transaction.atomic():
        item = _locked_item(item)
        if not _may_manage(actor, item.rectification.area_code):
            raise ActionRefused(_("您没有权限退回整改事项。"))
        if item.case_id is not None:
            raise ActionRefused(_("这一项是事件，请在事件中核查或重新办理。"))
        if item.done_at is None:
            raise ActionRefused(_("这一项还没有整改完成。"))
        if not reason.strip():
            raise ValidationError({"reason": [_("请填写退回原因。")]})
        item.done_at, item.done_by, item.reopen_note = None, None, reason.strip()[:1000]
        item.save(update_fields=["done_at", "done_by", "reopen_note"])
    return item
