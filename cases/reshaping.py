"""合并 and 拆分: the named operations that join a duplicate report to the case it repeats, and
divide a report that holds several problems into child cases.

They run like every operation in ``cases.transitions`` (which offers them with the others): one
transaction, the case locked and its transition checked (``rules.begin``), ``ValidationError``
naming the field or ``ActionRefused``, and nothing saved then.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, Category, Dispute, Status
from cases.rules import begin
from cases.workflow import Actor, actor_user, await_dispatch, end_stage, operation_time, record, save_case


def case_merge(
    *, case: Case, actor: Actor, into: Case, comment: str = "", reply: str = "", now: datetime.datetime | None = None,
) -> Case:
    """合并: a duplicate report joins the case it repeats; its reporter follows that case."""
    with transaction.atomic():
        case = begin(case, actor, "merge")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        user = actor_user(actor)
        target = Case.objects.visible_to(user).filter(pk=into.pk).first()
        if target is None or target.pk == case.pk:
            raise ValidationError({"into": [_("请填写另一个您能查看的事件编号。")]})
        if target.status in (Status.MERGED, Status.CANCELLED, Status.REJECTED, Status.SPLIT):
            raise ValidationError({"into": [_("不能合并到已撤销、已合并、已拆分或不予受理的事件。")]})
        previous = case.status
        end_stage(case, now)
        case.duplicate_of = target
        case.status = Status.MERGED
        save_case(case)
        record(case, "merge", actor, from_status=previous, comment=comment, reply=reply, public=True, now=now,
               data={"into": target.number})
        record(target, "merged_in", actor, from_status=target.status, comment=comment, now=now,
               data={"from": case.number})
    return case


def case_split(
    *, case: Case, actor: Actor, parts: Sequence[tuple[Category, str]], now: datetime.datetime | None = None,
) -> list[Case]:
    """拆分: one report that holds several problems becomes child cases, each accepted at this desk."""
    parts = [(category, (text or "").strip()) for category, text in parts if category is not None]
    if len(parts) < 2 or any(not text for _category, text in parts):
        raise ValidationError({"parts": [_("拆分至少要有两项，每项都要有类别和描述。")]})
    with transaction.atomic():
        case = begin(case, actor, "split")
        now = operation_time(now)  # after the lock: the timeline follows the order of the commits
        children = [_child(case, category, text, actor, now) for category, text in parts]
        end_stage(case, now)
        case.status = Status.SPLIT
        save_case(case)
        record(case, "split", actor, from_status=Status.PENDING_DISPATCH, public=True, now=now,
               data={"children": [child.number for child in children]})
    return children


def _child(parent: Case, category: Category, text: str, actor: Actor, now: datetime.datetime) -> Case:
    child = Case(
        category=category, description=text, channel=parent.channel, priority=category.priority,
        longitude=parent.longitude, latitude=parent.latitude, address=parent.address, grid=parent.grid,
        building=parent.building, household=parent.household, resident=parent.resident, reporter=parent.reporter,
        reporter_name=parent.reporter_name, reporter_phone=parent.reporter_phone, anonymous=parent.anonymous,
        reported_at=parent.reported_at, accept_due_at=parent.accept_due_at, accepted_at=now,
        level=parent.level, desk_area=parent.desk_area, parent=parent, status=Status.PENDING_DISPATCH,
    )
    await_dispatch(child, now)
    child.save()
    if category.is_dispute:
        Dispute.objects.create(case=child)
    record(child, "split_from", actor, from_status="", public=True, now=now, data={"parent": parent.number})
    return child
