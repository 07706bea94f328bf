"""The named operations of door-to-door ballots (逐户签字 / 业主表决) and their live result.

``ballot_open`` puts a question to the households or owners of some buildings;
``vote_record`` records (or changes) one unit's vote until ``ballot_close``. One vote per unit is
a database constraint: two workers submitting the same door at once leave one row, the later
one a logged change. ``ballot_result`` feeds the eligible units to ``thresholds.evaluate``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from areas.models import Area
from cases.workflow import ActionRefused, Photo
from participation import thresholds
from participation.models import (
    Ballot,
    BallotState,
    Choice,
    ThresholdRule,
    UnitKind,
    Vote,
    VoteChange,
    VoteChannel,
    VoteLink,
)
from registry.models import Building, Dwelling, Household

__all__ = ["EligibleUnit", "ballot_close", "ballot_open", "ballot_result", "eligible_units", "vote_record"]


def _require(actor: User, permission: str, area: Area) -> None:
    if not actor.has_perm(permission, area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))


@transaction.atomic
def ballot_open(
    *, actor: User, area: Area, question: str, buildings: Sequence[Building], unit_kind: str = UnitKind.HOUSEHOLD,
    rule: str = ThresholdRule.MAJORITY, share: Fraction = thresholds.TWO_THIRDS, description: str = "",
    publish_result: bool = False,
) -> Ballot:
    """Open a ballot over buildings of ``area``."""
    _require(actor, "participation.add_ballot", area)
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": [_("请填写表决事项。")]})
    if not buildings:
        raise ValidationError({"buildings": [_("请至少选择一栋楼。")]})
    if any(not building.grid_code.startswith(area.code) for building in buildings):
        raise ValidationError({"buildings": [_("所选楼栋不在该区域内。")]})
    if rule in (ThresholdRule.CIVIL_CODE_ORDINARY, ThresholdRule.CIVIL_CODE_SPECIAL) and unit_kind != UnitKind.DWELLING:
        raise ValidationError({"unit_kind": [_("业主共同决定事项须按房屋(业主)表决。")]})
    if not 0 < share <= 1:
        raise ValidationError({"share": [_("比例须大于0且不超过1。")]})
    ballot = Ballot.objects.create(
        area=area, question=question, description=description.strip(), unit_kind=unit_kind, rule=rule,
        share_numerator=share.numerator, share_denominator=share.denominator, created_by=actor,
        publish_result=publish_result,
    )
    ballot.buildings.set(buildings)
    return ballot


@transaction.atomic
def ballot_close(*, actor: User, ballot: Ballot, now: datetime.datetime | None = None) -> Ballot:
    """结束表决: no vote may change afterwards."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    _require(actor, "participation.change_ballot", ballot.area)
    if ballot.state != BallotState.OPEN:
        raise ActionRefused(_("表决已结束。"))
    ballot.state = BallotState.CLOSED
    ballot.closed_at = now or timezone.now()
    ballot.save()
    return ballot


@dataclass(frozen=True)
class EligibleUnit:
    """A unit that may vote: its dwelling, household (household ballots) and vote so far."""

    dwelling: Dwelling
    household: Household | None
    vote: Vote | None

    @property
    def key(self) -> str:
        return f"h{self.household.pk}" if self.household else f"d{self.dwelling.pk}"

    @property
    def owner_key(self) -> str:
        if self.dwelling.owner_id:
            return f"r{self.dwelling.owner_id}"
        return f"n{self.dwelling.owner_name.strip()}" if self.dwelling.owner_name.strip() else ""

    @property
    def owner_label(self) -> str:
        return self.dwelling.owner.name if self.dwelling.owner else self.dwelling.owner_name


def eligible_units(ballot: Ballot) -> list[EligibleUnit]:
    """Every unit of the ballot's buildings with its vote, building by building: three queries."""
    buildings = ballot.buildings.all()
    votes = list(Vote.objects.filter(ballot=ballot))
    if ballot.unit_kind == UnitKind.HOUSEHOLD:
        by_household = {vote.household_id: vote for vote in votes}
        households = (Household.objects.filter(dwelling__building__in=buildings)
                      .select_related("dwelling__building", "dwelling__unit", "head")
                      .order_by("dwelling__building__name", "dwelling__unit__number", "dwelling__floor",
                                "dwelling__room", "pk"))
        return [EligibleUnit(h.dwelling, h, by_household.get(h.pk)) for h in households]
    by_dwelling = {vote.dwelling_id: vote for vote in votes}
    dwellings = (Dwelling.objects.filter(building__in=buildings).select_related("building", "unit", "owner")
                 .order_by("building__name", "unit__number", "floor", "room", "pk"))
    return [EligibleUnit(d, None, by_dwelling.get(d.pk)) for d in dwellings]


def ballot_result(ballot: Ballot, units: Sequence[EligibleUnit] | None = None) -> thresholds.Result:
    units = eligible_units(ballot) if units is None else units
    return thresholds.evaluate(
        ballot.rule,
        [thresholds.Unit(key=unit.key, owner=unit.owner_key, area=unit.dwelling.floor_area,
                         choice=unit.vote.choice if unit.vote else None) for unit in units],
        share=Fraction(ballot.share_numerator, ballot.share_denominator),
    )


def vote_record(
    *, actor: User | None, ballot: Ballot, dwelling: Dwelling, household: Household | None = None, choice: str,
    signer_name: str, signer_relation: str = "", signed_on: datetime.date | None = None,
    photo: Photo | None = None, link: VoteLink | None = None,
) -> Vote:
    """入户登记: record a unit's vote, or change it while the ballot is open; every call is logged.

    A worker records at the door (``actor``); a household votes itself through its link
    (``actor`` None and ``link``, already checked by ``participation.votelinks`` with the SMS
    code): the same unit rules, the same one-vote constraint, the same change log."""
    try:
        return _vote_record(actor=actor, ballot=ballot, dwelling=dwelling, household=household, choice=choice,
                            signer_name=signer_name, signer_relation=signer_relation, signed_on=signed_on,
                            photo=photo, link=link)
    except IntegrityError:
        # Another worker recorded this unit in the same instant: theirs is the first vote, ours a change.
        return _vote_record(actor=actor, ballot=ballot, dwelling=dwelling, household=household, choice=choice,
                            signer_name=signer_name, signer_relation=signer_relation, signed_on=signed_on,
                            photo=photo, link=link)


def _check_unit(ballot: Ballot, dwelling: Dwelling, household: Household | None) -> None:
    if not ballot.buildings.filter(pk=dwelling.building_id).exists():
        raise ValidationError({"dwelling": [_("该房屋不在本次表决的楼栋内。")]})
    if ballot.unit_kind == UnitKind.HOUSEHOLD and (household is None or household.dwelling_id != dwelling.pk):
        raise ValidationError({"household": [_("按户表决须选择该房屋的住户。")]})


@transaction.atomic
def _vote_record(
    *, actor: User | None, ballot: Ballot, dwelling: Dwelling, household: Household | None, choice: str,
    signer_name: str, signer_relation: str, signed_on: datetime.date | None, photo: Photo | None,
    link: VoteLink | None = None,
) -> Vote:
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if actor is not None:
        _require(actor, "participation.record_vote", dwelling.grid)  # the worker of the door's grid
        if not Dwelling.objects.visible_to(actor).filter(pk=dwelling.pk).exists():  # a 楼栋长: their buildings only
            raise ActionRefused(_("您没有在该区域办理此操作的权限。"))
    elif link is None or (link.ballot_id, link.dwelling_id, link.household_id) != (
            ballot.pk, dwelling.pk, household.pk if household else None):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))  # by link: that link's own unit only
    if ballot.state != BallotState.OPEN:
        raise ActionRefused(_("表决已结束，不能再登记或修改意见。"))
    if ballot.unit_kind == UnitKind.DWELLING:
        household = None
    _check_unit(ballot, dwelling, household)
    if choice not in Choice.values:
        raise ValidationError({"choice": [_("请选择同意、反对或弃权。")]})
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError({"signer_name": [_("请填写签字人姓名。")]})
    unit = {"household": household} if household else {"dwelling": dwelling, "household": None}
    vote = Vote.objects.filter(ballot=ballot, **unit).first()
    previous = vote.choice if vote else ""
    if vote is None:
        vote = Vote(ballot=ballot, dwelling=dwelling, household=household)
    vote.choice, vote.signer_name, vote.signer_relation = choice, signer_name, signer_relation.strip()
    vote.signed_on = signed_on or timezone.localdate()
    vote.recorded_by = actor
    vote.channel = VoteChannel.LINK if actor is None else VoteChannel.DOOR
    if photo is not None:
        vote.photo.save("photo.jpg", ContentFile(photo.content), save=False)
    with transaction.atomic():  # a savepoint: a concurrent first vote raises here, not in the outer block
        vote.save()
    VoteChange.objects.create(vote=vote, previous_choice=previous, choice=choice, signer_name=signer_name,
                              actor=actor, area_code=ballot.area_code, channel=vote.channel)
    return vote
