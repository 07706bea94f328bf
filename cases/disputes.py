"""Operations on the mediation record (调解档案) of a dispute case (矛盾纠纷).

Who may edit: ``cases.accept_case`` or ``cases.self_handle_case`` on the case's desk or grid
area (the desk that holds it, the grid worker and grid leader who mediate on the spot). Every
operation re-reads the case through ``Case.objects.visible_to(actor)`` inside its transaction
and checks the permission again. ``Dispute`` is audited by the change log; parties and sessions
are logged as updates of their dispute (a list before and after, without phone numbers), the
way many-to-many changes are.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.registry import record
from cases.models import Case, Dispute, DisputeParty, DisputeResult, MediationSession
from cases.workflow import ActionRefused, grid_area

EDIT_PERMISSIONS = ("cases.accept_case", "cases.self_handle_case")
DISPUTE_FIELDS = ("kind", "other_mediators", "agreement", "result", "concluded_on", "follow_up_on",
                  "follow_up_notes")


def may_edit(user: Any, case: Case) -> bool:
    """Whether ``user`` may edit the dispute of ``case`` (see the module docstring)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    areas = (case.desk_area, grid_area(case))
    return any(user.has_perm(perm, area) for perm in EDIT_PERMISSIONS for area in areas)


def _locked(dispute: Dispute, actor: User) -> Dispute:
    """The dispute re-read in the transaction (its case locked), if the actor may still edit it."""
    case = (Case.objects.visible_to(actor).select_for_update(of=("self",)).select_related("desk_area", "grid")
            .filter(pk=dispute.case_id).first())
    if case is None or not may_edit(actor, case):
        raise ActionRefused(_("您没有权限编辑这个矛盾纠纷的调解档案。"))
    locked = Dispute.objects.get(pk=dispute.pk)
    locked.case = case
    return locked


def _today() -> datetime.date:
    return timezone.localdate()


def check_dispute(values: dict[str, Any], case: Case) -> None:
    """The rules of a mediation record; raises ``ValidationError`` naming the fields."""
    errors: dict[str, str] = {}
    result, concluded = values.get("result") or "", values.get("concluded_on")
    reported = timezone.localdate(case.reported_at)
    if result and not concluded:
        errors["concluded_on"] = _("调解已有结果，请填写调解结束日期。")
    if not result and concluded:
        errors["concluded_on"] = _("调解尚未结束，不能填写调解结束日期。")
    if concluded and concluded > _today():
        errors["concluded_on"] = _("调解结束日期不能晚于今天。")
    elif concluded and concluded < reported:
        errors["concluded_on"] = _("调解结束日期不能早于事件上报日期。")
    if result == DisputeResult.SUCCESS and not (values.get("agreement") or "").strip():
        errors["agreement"] = _("调解成功时请填写调解协议内容。")
    follow_up = values.get("follow_up_on")
    if follow_up and not result:
        errors["follow_up_on"] = _("调解结束后才能安排回访。")
    elif follow_up and concluded and follow_up < concluded:
        errors["follow_up_on"] = _("回访日期不能早于调解结束日期。")
    if (values.get("follow_up_notes") or "").strip() and not follow_up:
        errors["follow_up_on"] = _("填写回访情况时请填写回访日期。")
    if errors:
        raise ValidationError(errors)


def dispute_update(*, dispute: Dispute, actor: User, mediators: list[User], **values: Any) -> Dispute:
    """Save the record's fields (kind, mediators, agreement, result, dates, follow-up)."""
    unknown = set(values) - set(DISPUTE_FIELDS)
    if unknown:
        raise TypeError(f"unknown dispute fields: {sorted(unknown)}")
    with transaction.atomic():
        dispute = _locked(dispute, actor)
        merged = {name: getattr(dispute, name) for name in DISPUTE_FIELDS} | values
        check_dispute(merged, dispute.case)
        for name, value in values.items():
            setattr(dispute, name, value)
        dispute.save()
        dispute.mediators.set(mediators)
    return dispute


def _party_labels(dispute: Dispute) -> list[str]:
    return [f"{party.get_role_display()}：{party.name}" for party in dispute.parties.order_by("role", "pk")]


def _session_labels(dispute: Dispute) -> list[str]:
    return [f"{session.held_on.isoformat()} {session.place}" for session in dispute.sessions.order_by("held_on", "pk")]


def dispute_add_party(
    *, dispute: Dispute, actor: User, role: str, name: str, phone: str = "", address: str = "",
) -> DisputeParty:
    """Add a party (当事人); the phone is stored encrypted."""
    with transaction.atomic():
        dispute = _locked(dispute, actor)
        before = _party_labels(dispute)
        party = DisputeParty(dispute=dispute, role=role, name=name.strip(), phone=phone, address=address.strip())
        party.full_clean()
        party.save()
        record(dispute, "update", {"parties": before}, {"parties": _party_labels(dispute)})
    return party


def dispute_remove_party(*, dispute: Dispute, actor: User, party_id: int) -> None:
    """Remove a party entered by mistake."""
    with transaction.atomic():
        dispute = _locked(dispute, actor)
        party = dispute.parties.filter(pk=party_id).first()
        if party is None:
            raise ActionRefused(_("这位当事人已不在档案中。"))
        before = _party_labels(dispute)
        party.delete()
        record(dispute, "update", {"parties": before}, {"parties": _party_labels(dispute)})


def check_session(held_on: datetime.date | None, case: Case) -> None:
    if held_on is None:
        raise ValidationError({"held_on": _("请填写调解日期。")})
    if held_on > _today():
        raise ValidationError({"held_on": _("调解日期不能晚于今天。")})
    if held_on < timezone.localdate(case.reported_at):
        raise ValidationError({"held_on": _("调解日期不能早于事件上报日期。")})


def dispute_add_session(
    *, dispute: Dispute, actor: User, held_on: datetime.date, place: str, notes: str,
) -> MediationSession:
    """Record a mediation session (调解记录): date, place and what was said."""
    with transaction.atomic():
        dispute = _locked(dispute, actor)
        check_session(held_on, dispute.case)
        before = _session_labels(dispute)
        session = MediationSession(dispute=dispute, held_on=held_on, place=place.strip(), notes=notes.strip(),
                                   recorded_by=actor)
        session.full_clean()
        session.save()
        record(dispute, "update", {"sessions": before}, {"sessions": _session_labels(dispute)})
    return session
