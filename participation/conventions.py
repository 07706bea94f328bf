"""The named operations of 公约 (conventions): one function per verb.

起草 ``convention_draft`` → (修改 ``convention_revise``, each a new text version) → 征求意见
``convention_open_comments`` (``convention_comment`` by a worker or on the public page) → 提交表决
``convention_put_to_vote`` (a ``Ballot`` over the convention's buildings, ``participation.ballots``)
→ 计票 ``convention_settle`` (通过 or 未通过 follows the ballot's result once it is closed;
``convention_close_vote`` closes the ballot and settles in one step) → 公布 ``convention_publish``
→ 签署 ``convention_open_signatures`` (a second ballot where 同意 means signed) → 废止
``convention_repeal``. While in force, ``convention_breach_record`` notes a breach against a case
or a patrol finding.

Each verb locks the convention (``select_for_update``), checks its state and the actor's
permission over its area, and writes a ``ConventionEvent`` (the timeline) in one transaction. A
refusal is an ``ActionRefused``, bad input a ``ValidationError`` naming the field; nothing is saved.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area
from cases.models import Case
from cases.workflow import ActionRefused
from fieldwork.models import Answer, Patrol
from participation import ballots, thresholds
from participation.models import (
    Ballot,
    BallotState,
    Choice,
    CommentSource,
    Convention,
    ConventionBreach,
    ConventionComment,
    ConventionEvent,
    ConventionKind,
    ConventionState,
    ConventionVersion,
    ThresholdRule,
    UnitKind,
)
from registry.models import Building

__all__ = [
    "ActionRefused", "BuildingSignatures", "convention_breach_record", "convention_close_vote",
    "convention_comment", "convention_draft", "convention_open_comments", "convention_open_signatures",
    "convention_publish", "convention_put_to_vote", "convention_repeal", "convention_revise", "convention_settle",
    "signature_figures",
]

MANAGE = "participation.add_convention"
RECORD = "participation.record_convention"
REVISABLE = (ConventionState.DRAFT, ConventionState.COMMENTING, ConventionState.REJECTED)


def _label(actor: User | None) -> str:
    return (actor.full_name or actor.get_username()) if actor else ""


def _require(actor: User, permission: str, area: Area) -> None:
    if not actor.has_perm(permission, area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))


def _require_reach(actor: User, permission: str, convention: Convention) -> None:
    """The permission over the convention's area, or over the grid of one of its buildings the
    actor sees (the grid worker of a building that a community's 楼道公约 covers)."""
    if actor.has_perm(permission, convention.area):
        return
    for building in Building.objects.visible_to(actor).filter(pk__in=convention.buildings.values("pk")) \
            .select_related("grid"):
        if actor.has_perm(permission, building.grid):
            return
    raise ActionRefused(_("您没有在该区域办理此操作的权限。"))


def _lock(convention: Convention, *expected: str) -> Convention:
    locked = Convention.objects.select_for_update().select_related("area").get(pk=convention.pk)
    if expected and locked.state not in expected:
        raise ActionRefused(_("该公约当前状态为“%(state)s”，不能办理此操作。") % {"state": locked.get_state_display()})
    return locked


def _log(convention: Convention, verb: str, before: str, actor: User | None, note: str = "", *,
         now: datetime.datetime | None = None) -> None:
    ConventionEvent.objects.create(
        convention=convention, verb=verb, from_state=before, to_state=convention.state, actor=actor,
        actor_label=_label(actor), note=note, area_code=convention.area_code, time=now or timezone.now(),
    )


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写公约正文。")]})
    return text


def _new_version(convention: Convention, text: str, note: str, actor: User,
                 now: datetime.datetime | None) -> ConventionVersion:
    current = convention.current_version()
    return ConventionVersion.objects.create(
        convention=convention, number=(current.number + 1) if current else 1, text=text, note=note.strip()[:200],
        author=actor, created_at=now or timezone.now(),
    )


@transaction.atomic
def convention_draft(
    *, actor: User, area: Area, title: str, kind: str, buildings: Sequence[Building], text: str,
    now: datetime.datetime | None = None,
) -> Convention:
    """起草: a convention of ``area`` covering ``buildings``, with its first text."""
    _require(actor, MANAGE, area)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("请填写公约名称。")]})
    text = _text(text)
    if kind not in ConventionKind.values:
        raise ValidationError({"kind": [_("请选择公约类别。")]})
    if not buildings:
        raise ValidationError({"buildings": [_("请至少选择一栋楼。")]})
    if any(not building.grid_code.startswith(area.code) for building in buildings):
        raise ValidationError({"buildings": [_("所选楼栋不在该区域内。")]})
    convention = Convention.objects.create(area=area, title=title, kind=kind, created_by=actor)
    if now:
        Convention.objects.filter(pk=convention.pk).update(created_at=now)
    convention.buildings.set(buildings)
    _new_version(convention, text, "", actor, now)
    _log(convention, "draft", "", actor, now=now)
    return convention


@transaction.atomic
def convention_revise(*, actor: User, convention: Convention, text: str, note: str = "",
                      now: datetime.datetime | None = None) -> ConventionVersion:
    """修改: a new text version (the earlier ones stay); a rejected convention returns to drafting."""
    convention = _lock(convention, *REVISABLE)
    _require(actor, MANAGE, convention.area)
    text = _text(text)
    current = convention.current_version()
    if current and current.text == text:
        raise ValidationError({"text": [_("正文没有修改。")]})
    version = _new_version(convention, text, note, actor, now)
    before = convention.state
    if before == ConventionState.REJECTED:
        convention.state = ConventionState.DRAFT
        convention.save()
    _log(convention, "revise", before, actor, _("第%(number)d版：%(note)s") % {"number": version.number,
                                                                           "note": version.note}, now=now)
    return version


@transaction.atomic
def convention_open_comments(*, actor: User, convention: Convention,
                             now: datetime.datetime | None = None) -> Convention:
    """征求意见: the draft goes to the residents (on the public page, and door to door)."""
    convention = _lock(convention, ConventionState.DRAFT)
    _require(actor, MANAGE, convention.area)
    convention.state = ConventionState.COMMENTING
    convention.save()
    _log(convention, "open_comments", ConventionState.DRAFT, actor, now=now)
    return convention


def convention_comment(
    *, actor: User | None, convention: Convention, text: str, commenter: str = "", source_key: str = "",
    now: datetime.datetime | None = None,
) -> ConventionComment:
    """A resident's comment on the current text: recorded by a worker (``actor``), or from the
    public page (``actor`` None, ``source_key`` the address's keyed hash for the rate limit)."""
    with transaction.atomic():
        convention = _lock(convention)
        if convention.state != ConventionState.COMMENTING:
            raise ActionRefused(_("该公约未在征求意见，不能提交意见。"))
        if actor is not None:
            _require_reach(actor, RECORD, convention)
        text = (text or "").strip()
        if not text:
            raise ValidationError({"text": [_("请填写意见。")]})
        version = convention.current_version()
        assert version is not None  # a convention is drafted with its first text
        return ConventionComment.objects.create(
            convention=convention, version=version, text=text[:2000], commenter=(commenter or "").strip()[:50],
            source=CommentSource.WORKER if actor else CommentSource.PUBLIC, source_key=source_key,
            recorded_by=actor, created_at=now or timezone.now(),
        )


@transaction.atomic
def convention_put_to_vote(
    *, actor: User, convention: Convention, rule: str = ThresholdRule.MAJORITY, share: Fraction = thresholds.TWO_THIRDS,
    unit_kind: str = UnitKind.HOUSEHOLD, now: datetime.datetime | None = None,
) -> Ballot:
    """提交表决: a ballot over the convention's buildings whose question is adopting its current text."""
    convention = _lock(convention, ConventionState.COMMENTING)
    _require(actor, MANAGE, convention.area)
    _require(actor, "participation.add_ballot", convention.area)
    version = convention.current_version()
    assert version is not None
    ballot = ballots.ballot_open(
        actor=actor, area=convention.area, question=_("通过《%(title)s》") % {"title": convention.title},
        buildings=list(convention.buildings.all()), unit_kind=unit_kind, rule=rule, share=share,
        description=version.text,
    )
    convention.ballot, convention.voted_version = ballot, version
    convention.state = ConventionState.VOTING
    convention.save()
    _log(convention, "put_to_vote", ConventionState.COMMENTING, actor,
         _("第%(number)d版，%(rule)s") % {"number": version.number, "rule": ballot.get_rule_display()}, now=now)
    return ballot


@transaction.atomic
def convention_settle(*, actor: User, convention: Convention, now: datetime.datetime | None = None) -> Convention:
    """计票: once the ballot is closed, the convention is adopted if it passed, else not."""
    convention = _lock(convention, ConventionState.VOTING)
    _require(actor, MANAGE, convention.area)
    ballot = convention.ballot
    if ballot is None or ballot.state != BallotState.CLOSED:
        raise ActionRefused(_("表决尚未结束，不能确定公约是否通过。"))
    passed = ballots.ballot_result(ballot).passed
    convention.state = ConventionState.ADOPTED if passed else ConventionState.REJECTED
    if passed:
        convention.adopted_on = timezone.localdate(ballot.closed_at)
    convention.save()
    _log(convention, "adopt" if passed else "reject", ConventionState.VOTING, actor, now=now)
    return convention


@transaction.atomic
def convention_close_vote(*, actor: User, convention: Convention, now: datetime.datetime | None = None) -> Convention:
    """结束表决并计票: close the convention's ballot, then settle the convention by its result."""
    locked = _lock(convention, ConventionState.VOTING)
    _require(actor, MANAGE, locked.area)
    ballot = locked.ballot
    if ballot is not None and ballot.state == BallotState.OPEN:
        ballots.ballot_close(actor=actor, ballot=ballot, now=now)
    return convention_settle(actor=actor, convention=locked, now=now)


@transaction.atomic
def convention_publish(*, actor: User, convention: Convention, now: datetime.datetime | None = None) -> Convention:
    """公布: an adopted convention goes on the public grid page and may be printed."""
    convention = _lock(convention)
    _require(actor, MANAGE, convention.area)
    if convention.state != ConventionState.ADOPTED:
        raise ActionRefused(_("公约经表决通过后才能公布。"))
    if convention.published_at:
        raise ActionRefused(_("公约已公布。"))
    convention.published_at = now or timezone.now()
    convention.save()
    _log(convention, "publish", convention.state, actor, now=now)
    return convention


@transaction.atomic
def convention_open_signatures(*, actor: User, convention: Convention,
                               now: datetime.datetime | None = None) -> Ballot:
    """签署: a household ballot over the convention's buildings where 同意 means signed; workers
    collect the signatures door to door on the ballot's pages (and its printed 签字表)."""
    convention = _lock(convention)
    _require(actor, MANAGE, convention.area)
    if convention.state != ConventionState.ADOPTED:
        raise ActionRefused(_("公约经表决通过后才能组织签署。"))
    if convention.signature_ballot_id:
        raise ActionRefused(_("已在组织签署。"))
    version = convention.voted_version or convention.current_version()
    ballot = ballots.ballot_open(
        actor=actor, area=convention.area, question=_("签署《%(title)s》") % {"title": convention.title},
        buildings=list(convention.buildings.all()), unit_kind=UnitKind.HOUSEHOLD, rule=ThresholdRule.MAJORITY,
        description=version.text if version else "",
    )
    convention.signature_ballot = ballot
    convention.save()
    _log(convention, "open_signatures", convention.state, actor, now=now)
    return ballot


@transaction.atomic
def convention_repeal(*, actor: User, convention: Convention, reason: str,
                      now: datetime.datetime | None = None) -> Convention:
    """废止: the convention is no longer in force; the signing ends."""
    convention = _lock(convention, ConventionState.ADOPTED)
    _require(actor, MANAGE, convention.area)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写废止原因。")]})
    signing = convention.signature_ballot
    if signing is not None and signing.state == BallotState.OPEN:
        ballots.ballot_close(actor=actor, ballot=signing, now=now)
    convention.state = ConventionState.REPEALED
    convention.repealed_at, convention.repeal_reason = now or timezone.now(), reason
    convention.save()
    _log(convention, "repeal", ConventionState.ADOPTED, actor, reason, now=now)
    return convention


def _in_area(code: str, convention: Convention) -> bool:
    return bool(code) and code.startswith(convention.area_code)


@transaction.atomic
def convention_breach_record(
    *, actor: User, convention: Convention, occurred_on: datetime.date, note: str = "", case: Case | None = None,
    finding: Answer | None = None,
) -> ConventionBreach:
    """违约登记: a breach of a convention in force, linked to a case or a patrol finding the
    actor sees, inside the convention's area."""
    convention = _lock(convention, ConventionState.ADOPTED)
    _require_reach(actor, RECORD, convention)
    if case is None and finding is None:
        raise ValidationError({"case": [_("请关联一个事件或一条巡查发现。")]})
    if case is not None and not (Case.objects.visible_to(actor).filter(pk=case.pk).exists()
                                 and _in_area(case.grid_code, convention)):
        raise ValidationError({"case": [_("该事件不在本公约的范围内。")]})
    if finding is not None:
        patrols = Patrol.objects.visible_to(actor)
        found = Answer.objects.filter(pk=finding.pk, is_problem=True, checkin__patrol__in=patrols).select_related(
            "checkin__patrol").first()
        if found is None or not _in_area(found.checkin.patrol.grid_code, convention):
            raise ValidationError({"finding": [_("该巡查发现不在本公约的范围内。")]})
    if occurred_on > timezone.localdate():
        raise ValidationError({"occurred_on": [_("发生日期不能晚于今天。")]})
    if convention.adopted_on and occurred_on < convention.adopted_on:
        raise ValidationError({"occurred_on": [_("发生日期早于公约通过日期。")]})
    duplicate = ConventionBreach.objects.filter(convention=convention)
    if (case and duplicate.filter(case=case).exists()) or (finding and duplicate.filter(finding=finding).exists()):
        raise ValidationError({"case": [_("该事件或巡查发现已登记为违约。")]})
    breach = ConventionBreach.objects.create(convention=convention, occurred_on=occurred_on, note=note.strip()[:200],
                                             case=case, finding=finding, recorded_by=actor)
    _log(convention, "breach", convention.state, actor, breach.note)
    return breach


@dataclass(frozen=True)
class BuildingSignatures:
    """Signed households of one building of the convention, out of all its households."""

    building: str
    signed: int
    total: int

    @property
    def percent(self) -> int:
        return round(self.signed * 100 / self.total) if self.total else 0


def signature_figures(convention: Convention) -> list[BuildingSignatures]:
    """Per building: households that signed (同意 on the signature ballot) of all households.
    Figures only, never a household: what the public page may show."""
    signing = convention.signature_ballot
    if signing is None:
        return []
    rows: dict[str, list[int]] = {}
    for unit in ballots.eligible_units(signing):
        row = rows.setdefault(str(unit.dwelling.building), [0, 0])
        row[1] += 1
        if unit.vote and unit.vote.choice == Choice.AGREE:
            row[0] += 1
    return [BuildingSignatures(name, signed, total) for name, (signed, total) in rows.items()]
