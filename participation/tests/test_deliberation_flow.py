"""议事: every verb of the five steps, its refusals, the timeline; stage sets as data."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.testing import build_case_cast, report
from participation import deliberation
from participation.deliberation import ActionRefused
from participation.models import Decision, Meeting, Proposal, ProposalSource, ProposalState, Stage, StageKind, StageSet
from participation.selectors import proposal_links_to_case

from .conftest import make_world, meeting_record, photo, proposal_at

pytestmark = pytest.mark.django_db


def _walk_to(world, proposal, kind):
    while proposal.stage.kind != kind:
        deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.PASS, meeting=meeting_record())
        proposal.refresh_from_db()
    return proposal


def test_the_default_stage_set_is_the_five_steps(db):
    default = StageSet.objects.get(is_default=True)
    assert [(s.name, s.deciding_body, s.kind) for s in default.stages.all()] == [
        ("网格党支部审议", "网格党支部", "deliberate"), ("党员服务区初议", "党员服务区", "deliberate"),
        ("社区党委决议", "社区党委", "deliberate"), ("实施", "社区居委会", "implement"),
        ("居民评议", "居民", "evaluate"),
    ]
    assert StageSet.objects.filter(code="four_two").exists()


def test_it_walks_a_proposal_through_the_five_steps(world):
    proposal = proposal_at(world)
    assert proposal.state == ProposalState.DELIBERATING and proposal.stage.name == "网格党支部审议"
    resident = world.grandma
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage, decision=Decision.PASS,
                                 meeting=meeting_record(attendees=[resident], staff=[world.cast.grid_worker_a],
                                                        photos=[photo()]))
    proposal.refresh_from_db()
    assert proposal.stage.name == "党员服务区初议"
    meeting = Meeting.objects.get(proposal=proposal, stage__name="网格党支部审议")
    assert meeting.decision == Decision.PASS and list(meeting.attendees.all()) == [resident]
    assert list(meeting.staff.all()) == [world.cast.grid_worker_a] and meeting.photos.count() == 1
    proposal = _walk_to(world, proposal, StageKind.IMPLEMENT)
    deliberation.proposal_implement(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                    note="安装充电桩8个。", meeting=meeting_record(minutes="验收合格。"))
    proposal.refresh_from_db()
    assert proposal.evaluating and proposal.implemented_at
    deliberation.proposal_close(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="居民满意。",
                                meeting=meeting_record(minutes="评议会。"))
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CLOSED and proposal.stage is None and proposal.closed_at
    assert [e.verb for e in proposal.events.all()] == ["record", "submit", "pass", "pass", "pass", "implement", "close"]
    assert proposal.meetings.count() == 5


def test_return_goes_back_a_stage_and_from_the_first_to_the_proposer(world):
    proposal = proposal_at(world)
    first = proposal.stage
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=first, decision=Decision.PASS,
                                 meeting=meeting_record())
    proposal.refresh_from_db()
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.RETURN, reason="位置需再征求意见。", meeting=meeting_record())
    proposal.refresh_from_db()
    assert proposal.stage == first
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=first, decision=Decision.RETURN,
                                 reason="请补充方案。", meeting=meeting_record())
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED and proposal.stage is None
    deliberation.proposal_submit(actor=world.cast.grid_worker_a, proposal=proposal)  # resubmitted
    proposal.refresh_from_db()
    assert proposal.stage == first


def test_reject_needs_a_reason_and_ends_the_proposal(world):
    proposal = proposal_at(world)
    with pytest.raises(ValidationError) as error:
        deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.REJECT, meeting=meeting_record())
    assert "reason" in error.value.message_dict
    assert not Meeting.objects.exists()  # nothing half-saved
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.REJECT, reason="不在本社区职责范围。", meeting=meeting_record())
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REJECTED and proposal.rejection_reason == "不在本社区职责范围。"
    with pytest.raises(ActionRefused):
        deliberation.proposal_submit(actor=world.cast.grid_worker_a, proposal=proposal)


def test_a_second_decision_on_the_same_stage_is_refused(world):
    proposal = proposal_at(world)
    stage = proposal.stage
    stale = Proposal.objects.get(pk=proposal.pk)
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=stage, decision=Decision.PASS,
                                 meeting=meeting_record())
    with pytest.raises(ActionRefused, match="党员服务区初议"):
        deliberation.proposal_decide(actor=world.reviewer, proposal=stale, stage=stage, decision=Decision.REJECT,
                                     reason="迟到的决定", meeting=meeting_record())
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize("verb", ["implement", "close"])
def test_implement_and_close_are_refused_at_a_deliberating_stage(world, verb):
    proposal = proposal_at(world)
    with pytest.raises(ActionRefused):
        getattr(deliberation, f"proposal_{verb}")(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                                  note="x", meeting=meeting_record())


def test_deciding_needs_the_permission_over_the_area(world):
    proposal = proposal_at(world)
    with pytest.raises(ActionRefused, match="权限"):
        deliberation.proposal_decide(actor=world.cast.grid_worker_a, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.PASS, meeting=meeting_record())
    with pytest.raises(ActionRefused, match="权限"):
        deliberation.proposal_record(actor=world.cast.grid_worker_b, area=world.cast.grid_a, title="x")


def test_the_meeting_needs_a_place_and_minutes(world):
    proposal = proposal_at(world)
    for field, record in (("place", meeting_record(place=" ")), ("minutes", meeting_record(minutes=""))):
        with pytest.raises(ValidationError) as error:
            deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                         decision=Decision.PASS, meeting=record)
        assert field in error.value.message_dict
    proposal.refresh_from_db()
    assert proposal.stage.position == 1


def test_a_custom_stage_set_four_deliberations_two_publications(world):
    custom = StageSet.objects.create(code="street-x", name="四议两公开(试点)")
    for position, (name, kind) in enumerate([("党组织提议", "deliberate"), ("两委会商议", "deliberate"),
                                             ("实施", "implement")], start=1):
        Stage.objects.create(stage_set=custom, position=position, name=name, deciding_body="两委", kind=kind)
    proposal = deliberation.proposal_record(actor=world.cast.grid_worker_a, area=world.cast.grid_a, title="修补道路")
    deliberation.proposal_submit(actor=world.cast.grid_worker_a, proposal=proposal, stage_set=custom)
    proposal.refresh_from_db()
    assert proposal.stage.name == "党组织提议"
    proposal = _walk_to(world, proposal, StageKind.IMPLEMENT)
    assert proposal.stage.name == "实施"
    deliberation.proposal_implement(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="已修补。",
                                    meeting=meeting_record())
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.CLOSED  # the last stage closes it


def test_an_empty_stage_set_is_refused_naming_the_field(world):
    empty = StageSet.objects.create(code="empty", name="空")
    proposal = deliberation.proposal_record(actor=world.cast.grid_worker_a, area=world.cast.grid_a, title="x")
    with pytest.raises(ValidationError) as error:
        deliberation.proposal_submit(actor=world.cast.grid_worker_a, proposal=proposal, stage_set=empty)
    assert "stage_set" in error.value.message_dict


def test_public_proposal_needs_a_phone_and_stores_it_encrypted(world):
    with pytest.raises(ValidationError) as error:
        deliberation.proposal_propose(area=world.cast.grid_a, title="加装电梯", details="", name="李先生", phone="")
    assert "phone" in error.value.message_dict
    proposal = deliberation.proposal_propose(area=world.cast.grid_a, title="加装电梯", details="", name="李先生",
                                             phone="13800138000")
    assert proposal.source == ProposalSource.RESIDENT and proposal.proposer_phone == "13800138000"
    assert proposal.proposer_phone_index and proposal.events.get().actor_label == "李先生"


def test_a_case_converts_to_a_proposal_and_a_proposal_spawns_a_case(world):
    cc = build_case_cast(world.cast)
    case = report(cc)
    proposal = deliberation.proposal_from_case(actor=world.cast.grid_worker_a, case=case)
    assert proposal.source_case == case and proposal.source == ProposalSource.CASE
    with pytest.raises(ActionRefused):
        deliberation.proposal_from_case(actor=world.cast.grid_worker_a, case=case)
    spawned = deliberation.proposal_spawn_case(actor=world.cast.grid_worker_a, proposal=proposal,
                                               category=case.category, description="清理充电桩位置的杂物。")
    assert list(proposal.spawned_cases.all()) == [spawned]
    assert [link[2] for link in proposal_links_to_case(spawned, world.cast.grid_worker_a)] == [
        f"/participation/proposals/{proposal.pk}/"]
    assert proposal_links_to_case(case, world.cast.grid_worker_a)[0][1] == proposal.title


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_decisions_on_one_stage_leave_one_winner(cast):
    world = make_world(cast)
    proposal = proposal_at(world)
    stage = proposal.stage
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(decision: str) -> None:
        try:
            barrier.wait()
            deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=stage, decision=decision,
                                         reason="理由", meeting=meeting_record())
            outcomes.append("won")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(decision,)) for decision in (Decision.PASS, Decision.REJECT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "won"]
    assert Meeting.objects.filter(proposal=proposal).count() == 1
    assert proposal.events.filter(verb__in=["pass", "reject"]).count() == 1
