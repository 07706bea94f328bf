"""居民评议: one rating per household, by a one-time code or at the door; results by building."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from participation import deliberation, evaluations
from participation.evaluations import ActionRefused
from participation.models import Decision, Evaluation, EvaluationCode, Rating, StageKind
from registry.models import Dwelling, Household

from .conftest import make_world, meeting_record, proposal_at

pytestmark = pytest.mark.django_db


def evaluating(world):
    proposal = proposal_at(world)
    while proposal.stage.kind == StageKind.DELIBERATE:
        deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.PASS, meeting=meeting_record())
        proposal.refresh_from_db()
    deliberation.proposal_implement(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                    note="安装充电桩8个。", meeting=meeting_record())
    proposal.refresh_from_db()
    return proposal


def test_a_household_rates_once_with_its_code(world):
    proposal = evaluating(world)
    issued = evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                               household=world.households[0])
    assert len(issued.code) == 8
    again = evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                              household=world.households[0])
    assert again.code == issued.code  # the same code until it is used
    with pytest.raises(ValidationError) as error:
        evaluations.evaluation_by_code(proposal=proposal, code="WRONG123", rating=Rating.SATISFIED)
    assert "code" in error.value.message_dict
    evaluations.evaluation_by_code(proposal=proposal, code=issued.code.lower(), rating=Rating.BASIC, comment="还行")
    with pytest.raises(ActionRefused, match="用过"):
        evaluations.evaluation_by_code(proposal=proposal, code=issued.code, rating=Rating.DISSATISFIED)
    evaluation = Evaluation.objects.get()
    assert (evaluation.household, evaluation.rating, evaluation.by_code) == (world.households[0], Rating.BASIC, True)
    with pytest.raises(ActionRefused, match="已经评议"):
        evaluations.evaluation_record(actor=world.cast.grid_worker_a, proposal=proposal,
                                      household=world.households[0], rating=Rating.SATISFIED)
    with pytest.raises(ActionRefused, match="已经评议"):
        evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                          household=world.households[0])


def test_door_to_door_ratings_and_results_by_building(world):
    proposal = evaluating(world)
    other = Dwelling.objects.create(grid=world.cast.grid_a, building=world.other_building, floor=1, room="101")
    Household.objects.create(grid=world.cast.grid_a, dwelling=other)
    for household, rating in zip(world.households, [Rating.SATISFIED, Rating.SATISFIED, Rating.DISSATISFIED],
                                 strict=False):
        evaluations.evaluation_record(actor=world.cast.grid_worker_a, proposal=proposal, household=household,
                                      rating=rating)
    results = {row.building: row for row in evaluations.results_by_building(proposal)}
    three = results["3号楼"]
    assert (three.households, three.rated, three.counts[Rating.SATISFIED], three.counts[Rating.DISSATISFIED]) == (
        4, 3, 2, 1)
    assert three.satisfied_share == "66.7%"
    assert results["4号楼"].rated == 0 and results["4号楼"].satisfied_share == "—"


def test_evaluation_is_refused_outside_the_evaluation_stage_and_area(world):
    proposal = proposal_at(world)
    with pytest.raises(ActionRefused, match="评议阶段"):
        evaluations.evaluation_record(actor=world.cast.grid_worker_a, proposal=proposal,
                                      household=world.households[0], rating=Rating.SATISFIED)
    proposal = evaluating(world)
    with pytest.raises(ActionRefused, match="权限"):
        evaluations.evaluation_record(actor=world.cast.grid_worker_b, proposal=proposal,
                                      household=world.households[0], rating=Rating.SATISFIED)
    with pytest.raises(ValidationError) as error:
        evaluations.evaluation_record(actor=world.cast.grid_worker_a, proposal=proposal,
                                      household=world.households[0], rating="great")
    assert "rating" in error.value.message_dict
    deliberation.proposal_close(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="办结",
                                meeting=meeting_record())
    proposal.refresh_from_db()
    with pytest.raises(ActionRefused):
        evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                          household=world.households[1])


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_evaluations_of_one_household_leave_one(cast):
    world = make_world(cast)
    proposal = evaluating(world)
    code = evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                             household=world.households[0]).code
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def at_the_door() -> None:
        try:
            barrier.wait()
            evaluations.evaluation_record(actor=world.cast.grid_worker_a, proposal=proposal,
                                          household=world.households[0], rating=Rating.SATISFIED)
            outcomes.append("saved")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    def by_link() -> None:
        try:
            barrier.wait()
            evaluations.evaluation_by_code(proposal=proposal, code=code, rating=Rating.DISSATISFIED)
            outcomes.append("saved")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=at_the_door), threading.Thread(target=by_link)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert Evaluation.objects.filter(proposal=proposal, household=world.households[0]).count() == 1
    code_row = EvaluationCode.objects.get(proposal=proposal)
    # the code is spent only if the link won
    assert bool(code_row.used_at) == Evaluation.objects.get(proposal=proposal).by_code
