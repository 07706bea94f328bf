"""The staff pages of 议事: scope per role, recording, deciding a stage by its meeting form,
converting a case, meetings with their QR and sign-ins, evaluation by page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.testing import make_user
from cases.testing import build_case_cast, report
from participation import deliberation, evaluations, meetings
from participation.models import (
    Decision,
    Evaluation,
    Invitation,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalSource,
    ProposalState,
    Rating,
)
from registry.models import HouseholdMember, Relation

from .conftest import jpeg, meeting_record, proposal_at

pytestmark = pytest.mark.django_db


def _page(client, proposal):
    return client.get(reverse("participation:proposal_detail", args=[proposal.pk]))


def test_the_list_and_the_page_keep_to_scope(world, login):
    proposal = proposal_at(world)
    assert "3号楼旁安装电动车充电桩" in login(world.cast.grid_worker_a).get(
        reverse("participation:proposal_list")).content.decode()
    assert "充电桩" not in login(world.cast.grid_worker_b).get(reverse("participation:proposal_list")).content.decode()
    assert _page(login(world.cast.grid_worker_b), proposal).status_code == 404
    assert _page(login(world.cast.street_leader), proposal).status_code == 200
    assert login(world.cast.outsider).get(reverse("participation:proposal_list")).status_code == 403


def test_a_worker_records_a_proposal_and_submits_it(world, login):
    client = login(world.cast.grid_worker_a)
    response = client.post(reverse("participation:proposal_new"), {
        "area": world.cast.grid_a.pk, "source": ProposalSource.VISIT, "title": "修补3号楼前道路",
        "proposer": world.grandma.pk})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.proposer_name == "王秀兰"
    response = client.post(reverse("participation:proposal_act", args=[proposal.pk, "submit"]), {"stage_set": ""})
    assert response.status_code == 302
    page = _page(client, proposal).content.decode()
    assert 'id="proposal-state">网格党支部审议' in page
    assert 'id="action-decide"' not in page  # the worker records; the community decides


def test_an_empty_title_is_refused_naming_the_field(world, login):
    response = login(world.cast.grid_worker_a).post(reverse("participation:proposal_new"), {
        "area": world.cast.grid_a.pk, "source": ProposalSource.DESK, "title": ""})
    assert response.status_code == 400 and "议题：" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_community_decides_a_stage_with_its_meeting(world, login):
    proposal = proposal_at(world)
    client = login(world.reviewer)
    assert 'id="action-decide"' in _page(client, proposal).content.decode()
    form = {"stage": proposal.stage_id, "held_on": "2026-12-01", "place": "网格党支部活动室",
            "minutes": "支部审议同意提交。", "decision": Decision.PASS, "attendees": [world.grandma.pk],
            "photos": [jpeg_file()]}
    response = client.post(reverse("participation:proposal_act", args=[proposal.pk, "decide"]), form)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage.name == "党员服务区初议"
    meeting = Meeting.objects.get()
    assert meeting.photos.count() == 1 and list(meeting.attendees.all()) == [world.grandma]
    photo_url = reverse("participation:meeting_photo", args=[meeting.pk, meeting.photos.get().pk])
    assert client.get(photo_url).status_code == 200
    assert login(world.cast.grid_worker_b).get(photo_url).status_code == 404
    # the same form again (a second decider with the old page): refused, nothing recorded
    form.pop("photos")
    client = login(world.reviewer)
    again = client.post(reverse("participation:proposal_act", args=[proposal.pk, "decide"]), form, follow=True)
    assert "不能在此阶段办理" in again.content.decode() and Meeting.objects.count() == 1


def test_a_missing_minutes_is_refused_naming_the_field(world, login):
    proposal = proposal_at(world)
    response = login(world.reviewer).post(reverse("participation:proposal_act", args=[proposal.pk, "decide"]), {
        "stage": proposal.stage_id, "held_on": "2026-12-01", "place": "x", "minutes": "", "decision": "pass"})
    assert response.status_code == 400 and "会议纪要：" in response.content.decode()
    assert not Meeting.objects.exists()


def jpeg_file():
    return SimpleUploadedFile("m.jpg", jpeg(), content_type="image/jpeg")


def test_a_case_converts_to_a_proposal_from_the_case_page(world, login):
    cc = build_case_cast(world.cast)
    case = report(cc)
    client = login(world.cast.grid_worker_a)
    case_page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    convert = reverse("participation:proposal_from_case", args=[case.number])
    assert convert in case_page
    assert client.get(convert).status_code == 200
    response = client.post(convert, {"title": "楼道堆物需议定清理办法"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.source_case == case
    assert reverse("participation:proposal_detail", args=[proposal.pk]) in client.get(
        reverse("cases:case", args=[case.number])).content.decode()
    assert login(world.cast.grid_worker_b).get(convert).status_code == 404


def test_evaluation_on_the_page_codes_and_results(world, login):
    proposal = proposal_at(world)
    while proposal.stage.kind == "deliberate":
        deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.PASS, meeting=meeting_record())
        proposal.refresh_from_db()
    deliberation.proposal_implement(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="已安装。",
                                    meeting=meeting_record())
    client = login(world.cast.grid_worker_a)
    page = _page(client, proposal).content.decode()
    assert str(proposal.token) in page and "<svg" in page  # the evaluation link and its QR
    response = client.post(reverse("participation:proposal_act", args=[proposal.pk, "issue_code"]),
                           {"household": world.households[1].pk}, follow=True)
    code = evaluations.EvaluationCode.objects.get().code
    assert code in response.content.decode()
    client.post(reverse("participation:proposal_act", args=[proposal.pk, "evaluate"]),
                {"household": world.households[0].pk, "rating": Rating.SATISFIED})
    assert Evaluation.objects.get().recorded_by == world.cast.grid_worker_a
    assert 'id="evaluation-results"' in _page(client, proposal).content.decode()


def test_a_meeting_page_shows_its_qr_and_staff_sign_in_and_minutes(world, login):
    HouseholdMember.objects.create(household=world.households[0], resident=world.grandma, relation=Relation.HEAD)
    client = login(world.cast.grid_worker_a)
    response = client.post(reverse("participation:meeting_new"), {
        "area": world.cast.grid_a.pk, "kind": MeetingKind.RENEWAL, "title": "微更新协商会", "held_on": "2026-12-03",
        "place": "3号楼前"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    client.post(reverse("participation:meeting_act", args=[meeting.pk, "invite"]), {"buildings": [world.building.pk]})
    invitation = Invitation.objects.get()
    page = client.get(reverse("participation:meeting_detail", args=[meeting.pk])).content.decode()
    assert str(meeting.token) in page and 'id="sign-in-qr"' in page and "王秀兰" in page
    client.post(reverse("participation:meeting_act", args=[meeting.pk, "mark"]), {"invitation": invitation.pk})
    assert Invitation.objects.get().signed_in_by_staff
    client.post(reverse("participation:meeting_act", args=[meeting.pk, "minutes"]), {"minutes": "同意。"})
    meeting.refresh_from_db()
    assert meeting.minuted_at and list(meeting.attendees.all()) == [world.grandma]
    client.post(reverse("participation:meeting_act", args=[meeting.pk, "spawn_proposal"]), {"title": "安装充电桩"})
    assert Proposal.objects.get().source_meeting == meeting
    assert login(world.cast.grid_worker_b).get(
        reverse("participation:meeting_detail", args=[meeting.pk])).status_code == 404
    assert meetings.invitees(world.cast.grid_worker_b, meeting, buildings=[world.building]).count() == 0


def test_a_rejected_proposal_shows_its_reason(world, login):
    proposal = proposal_at(world)
    deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                 decision=Decision.REJECT, reason="不符合规划。", meeting=meeting_record())
    page = _page(login(world.cast.grid_worker_a), proposal).content.decode()
    assert str(ProposalState.REJECTED.label) in page and "不符合规划。" in page


def test_a_link_from_a_visit_fills_in_the_resident_and_the_source(world, login):
    url = reverse("participation:proposal_new") + f"?resident={world.grandma.pk}&source=visit"
    page = login(world.cast.grid_worker_a).get(url).content.decode()
    assert f'<option value="{world.grandma.pk}" selected>' in page and '<option value="visit" selected>' in page
    assert login(world.cast.grid_worker_a).get(reverse("participation:proposal_new") + "?resident=x").status_code == 200


def test_roles_see_and_act_as_the_catalog_says(world, login):
    proposal = proposal_at(world)
    head = make_user("head_a", "building_head", world.cast.grid_a)
    assert _page(login(head), proposal).status_code == 403  # no view_proposal
    leader_page = _page(login(world.cast.street_leader), proposal).content.decode()
    assert 'id="action-' not in leader_page  # sees, does not act
    refused = login(world.cast.street_leader).post(
        reverse("participation:proposal_act", args=[proposal.pk, "decide"]),
        {"stage": proposal.stage_id, "held_on": "2026-12-01", "place": "x", "minutes": "y", "decision": "pass"},
        follow=True)
    assert "权限" in refused.content.decode() and not Meeting.objects.exists()
    worker_page = _page(login(world.cast.grid_worker_a), proposal).content.decode()
    assert 'id="action-decide"' not in worker_page and 'id="action-spawn_case"' in worker_page
