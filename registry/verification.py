"""Verification (核实) of registry records: the named operation and the badge that shows it.

Grid workers walk their grid and confirm that what the registry says is true: the building,
the flat, the household and the person. A record's ``verification_state`` (待核实 / 已核实 /
有疑问), ``verified_at`` and ``verified_by`` (on ``GridScoped``) say what the last check found,
when and by whom. Records never checked, or not checked for ``VERIFICATION_STALE_DAYS`` days,
show up as gaps on the coverage pages (``registry.coverage``).

``record_verify`` is the only writer of these fields: pages, imports and commands call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.registry import record as audit_record
from audit.registry import snapshot
from registry.models import Building, Dwelling, GridScoped, Household, Resident, VerificationState

# The record kinds that carry a verification state, by the name used in URLs.
VERIFIABLE_KINDS: dict[str, type[GridScoped]] = {
    "building": Building,
    "dwelling": Dwelling,
    "household": Household,
    "resident": Resident,
}
# What a verification can conclude; 待核实 is where records start, not a finding.
VERIFICATION_RESULTS = (VerificationState.VERIFIED, VerificationState.DOUBTFUL)
NOTE_MAX_LENGTH = 200
# The key under which the verifier's note is kept in the change-log entry of a verification.
NOTE_KEY = "verification_note"


def kind_of(record: GridScoped) -> str:
    """The URL name of a record's kind (``building``, ``dwelling``, ``household``, ``resident``)."""
    for kind, model in VERIFIABLE_KINDS.items():
        if isinstance(record, model):
            return kind
    raise TypeError(f"{type(record).__name__} has no verification state.")


def change_permission(model: type[GridScoped]) -> str:
    """The permission a user needs, in the record's area, to verify it: changing the record."""
    return f"registry.change_{model._meta.model_name}"


def stale_before(now: datetime | None = None) -> datetime:
    """Records last verified before this moment (or never) count as unverified for too long."""
    return (now or timezone.now()) - timedelta(days=settings.VERIFICATION_STALE_DAYS)


def record_verify(*, record: GridScoped, actor: Any, state: str, note: str = "") -> GridScoped:
    """Record the result of checking a building, dwelling, household or resident on the spot.

    ``state`` is 已核实 (``verified``) or 有疑问 (``doubtful``); a doubt needs a ``note`` saying
    what is in doubt. Inside one transaction the record is locked and looked up again through
    ``visible_to(actor)`` (an assignment may have ended since the page was shown; outside the
    scope it raises the model's ``DoesNotExist``), the actor must hold ``registry.change_<kind>``
    in its area (else ``PermissionDenied``), and one change-log entry records the new state
    together with the note. Returns the updated record.
    """
    model = type(record)
    kind_of(record)
    result, cleaned_note = _clean_input(state, note)
    with transaction.atomic():
        current = model.objects.visible_to(actor).select_for_update().get(pk=record.pk)
        if not actor.has_perm(change_permission(model), current):
            raise PermissionDenied(_("您没有核实该记录的权限。"))
        before = snapshot(current)
        now = timezone.now()
        current.verification_state = result
        current.verified_at = now
        current.verified_by = actor
        current.updated_at = now
        # update() skips the audit signals: the entry below carries the note as well.
        model.objects.filter(pk=current.pk).update(
            verification_state=result, verified_at=now, verified_by=actor, updated_at=now
        )
        after = snapshot(current)
        if cleaned_note:
            after[NOTE_KEY] = cleaned_note
        audit_record(current, "update", before, after)
    return current


def _clean_input(state: str, note: str) -> tuple[VerificationState, str]:
    """The verification result and the note, or a ValidationError naming the field."""
    if state not in VERIFICATION_RESULTS:
        raise ValidationError({"state": _("核实结果只能是“已核实”或“有疑问”。")}, code="invalid_state")
    cleaned_note = " ".join((note or "").split())
    if len(cleaned_note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("核实说明不能超过%(n)d个字。") % {"n": NOTE_MAX_LENGTH}}, code="note_too_long"
        )
    if state == VerificationState.DOUBTFUL and not cleaned_note:
        raise ValidationError({"note": _("标记为“有疑问”时请写明疑问。")}, code="note_required")
    return VerificationState(state), cleaned_note


@dataclass(frozen=True)
class VerificationBadge:
    """What the verification badge of one record shows, and whether it offers the buttons."""

    kind: str
    pk: int
    state: str
    state_label: str
    verified_at: datetime | None
    verifier_name: str
    is_stale: bool
    can_verify: bool
    url: str

    @property
    def dom_id(self) -> str:
        return f"verification-{self.kind}-{self.pk}"


def verification_badge(*, record: GridScoped, user: Any, now: datetime | None = None) -> VerificationBadge:
    """The badge for ``record`` as ``user`` sees it (include ``registry/coverage_verification.html``).

    Select ``verified_by`` and ``grid`` with the record to spare two queries per badge.
    """
    kind = kind_of(record)
    verifier = record.verified_by
    return VerificationBadge(
        kind=kind,
        pk=record.pk,
        state=record.verification_state,
        state_label=str(VerificationState(record.verification_state).label),
        verified_at=record.verified_at,
        verifier_name=str(verifier) if verifier else "",
        is_stale=record.verified_at is None or record.verified_at < stale_before(now),
        can_verify=user.has_perm(change_permission(type(record)), record),
        url=reverse("registry:verify", args=[kind, record.pk]),
    )
