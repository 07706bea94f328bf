"""Ballots: opening, one vote per unit, changes logged, closing, the live result."""

import threading
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.testing import make_user
from participation import ballots
from participation.models import Ballot, BallotState, ThresholdRule, UnitKind, Vote, VoteChange
from participation.wishes import ActionRefused
from registry.models import Dwelling, Household

from .conftest import photo

pytestmark = pytest.mark.django_db


def household_ballot(world, **extra):  # type: ignore[no-untyped-def]
    fields = {"actor": world.reviewer, "area": world.cast.community1, "question": "3号楼安装电动车充电桩",
              "buildings": [world.building], "rule": ThresholdRule.SHARE, "share": Fraction(2, 3), **extra}
    return ballots.ballot_open(**fields)


def vote(world, ballot, index, choice, actor=None):  # type: ignore[no-untyped-def]
    return ballots.vote_record(actor=actor or world.cast.grid_worker_a, ballot=ballot,
                               dwelling=world.dwellings[index], household=world.households[index], choice=choice,
                               signer_name=f"户主{index}", signer_relation="本人")


def test_it_reaches_the_share_door_by_door(world):
    ballot = household_ballot(world)
    vote(world, ballot, 0, "agree")
    vote(world, ballot, 1, "agree")
    assert not ballots.ballot_result(ballot).passed  # 2 of 4
    vote(world, ballot, 2, "agree")
    result = ballots.ballot_result(ballot)
    assert result.passed and result.figures[0].share == Fraction(3, 4)


def test_one_vote_per_unit_and_every_change_logged(world):
    ballot = household_ballot(world)
    vote(world, ballot, 0, "agree")
    vote(world, ballot, 0, "against")
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert Vote.objects.get(ballot=ballot).choice == "against"
    changes = list(VoteChange.objects.filter(vote__ballot=ballot).values_list("previous_choice", "choice"))
    assert changes == [("", "agree"), ("agree", "against")]


def test_a_closed_ballot_refuses_votes(world):
    ballot = household_ballot(world)
    vote(world, ballot, 0, "agree")
    ballots.ballot_close(actor=world.reviewer, ballot=ballot)
    with pytest.raises(ActionRefused):
        vote(world, ballot, 0, "against")
    assert Vote.objects.get(ballot=ballot).choice == "agree"
    assert Ballot.objects.get(pk=ballot.pk).state == BallotState.CLOSED


def test_a_unit_outside_the_buildings_is_refused(world):
    ballot = household_ballot(world)
    stranger = Dwelling.objects.create(grid=world.cast.grid_a, building=world.other_building, floor=1, room="101")
    with pytest.raises(ValidationError) as error:
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=stranger, choice="agree",
                            signer_name="x")
    assert "dwelling" in error.value.message_dict or "household" in error.value.message_dict


def test_bad_votes_name_the_field(world):
    ballot = household_ballot(world)
    with pytest.raises(ValidationError) as error:
        vote(world, ballot, 0, "maybe")
    assert "choice" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[0],
                            household=world.households[0], choice="agree", signer_name=" ")
    assert "signer_name" in error.value.message_dict
    assert not Vote.objects.exists()


def test_a_worker_of_another_grid_may_not_record_votes(world):
    ballot = household_ballot(world)
    with pytest.raises(ActionRefused):
        vote(world, ballot, 0, "agree", actor=world.cast.grid_worker_b)


def test_an_owners_vote_needs_dwellings(world):
    with pytest.raises(ValidationError) as error:
        household_ballot(world, rule=ThresholdRule.CIVIL_CODE_SPECIAL)
    assert "unit_kind" in error.value.message_dict


def test_the_owners_double_test_on_dwellings(world):
    Dwelling.objects.filter(pk=world.dwellings[3].pk).update(floor_area=Decimal("300"))
    ballot = household_ballot(world, unit_kind=UnitKind.DWELLING, rule=ThresholdRule.CIVIL_CODE_ORDINARY)
    for index, choice in enumerate(["agree", "agree", "agree", "against"]):
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[index],
                            choice=choice, signer_name="业主", photo=photo())
    result = {figure.name: figure for figure in ballots.ballot_result(ballot).figures}
    assert result["approval_owners"].met  # 3 of 4 owners
    assert not result["approval_area"].met  # 270 of 570 m²
    assert Vote.objects.filter(ballot=ballot).exclude(photo="").count() == 4


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_for_one_door_leave_one_vote(world):
    ballot = household_ballot(world)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(choice: str) -> None:
        try:
            barrier.wait()
            vote(world, ballot, 0, choice)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(choice,)) for choice in ("agree", "against")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vote.objects.filter(ballot=ballot).count() == 1
    assert VoteChange.objects.filter(vote__ballot=ballot).count() == 2


def test_a_building_head_collects_signatures_in_their_buildings_only(world):
    head = make_user("head", "building_head", world.cast.grid_a)
    world.building.heads.add(head)
    ballot = household_ballot(world, buildings=[world.building, world.other_building])
    assert Ballot.objects.visible_to(head).filter(pk=ballot.pk).exists()
    vote(world, ballot, 0, "agree", actor=head)
    stranger = Dwelling.objects.create(grid=world.cast.grid_a, building=world.other_building, floor=1, room="101")
    household = Household.objects.create(grid=world.cast.grid_a, dwelling=stranger)
    with pytest.raises(ActionRefused):
        ballots.vote_record(actor=head, ballot=ballot, dwelling=stranger, household=household, choice="agree",
                            signer_name="x")
    assert Vote.objects.filter(ballot=ballot).count() == 1
