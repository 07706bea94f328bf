"""The public pages of 议事: 民事民提 from the grid page (rate-limited), QR sign-in, 居民评议."""

import datetime

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from participation import deliberation, evaluations, meetings
from participation.models import Decision, Evaluation, Invitation, MeetingKind, Proposal, ProposalSource
from registry.models import HouseholdMember, Relation

from .conftest import meeting_record, proposal_at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()


def _propose(client, world, **extra):
    form = {"title": "小区加装电动车充电桩", "details": "楼道充电不安全。", "name": "李先生", "phone": "13800138000",
            **extra}
    return client.post(reverse("public_deliberation:propose", args=[world.cast.grid_a.code]), form)


def test_the_public_grid_page_links_to_the_proposal_form(world, client):
    page = client.get(reverse("public_grid", args=[world.cast.grid_a.code])).content.decode()
    assert reverse("public_deliberation:propose", args=[world.cast.grid_a.code]) in page


def test_a_resident_proposes_without_an_account(world, client):
    assert client.get(reverse("public_deliberation:propose", args=[world.cast.grid_a.code])).status_code == 200
    response = _propose(client, world)
    assert response.status_code == 200 and 'id="proposed"' in response.content.decode()
    proposal = Proposal.objects.get()
    assert (proposal.area, proposal.source, proposal.proposer_name) == (world.cast.grid_a, ProposalSource.RESIDENT,
                                                                        "李先生")
    assert proposal.source_key  # the address only as a keyed hash


def test_a_bad_phone_is_refused_naming_the_field_and_nothing_is_saved(world, client):
    response = _propose(client, world, phone="123")
    assert response.status_code == 400 and "手机号：" in response.content.decode()
    assert not Proposal.objects.exists()


@override_settings(PARTICIPATION_PUBLIC_PROPOSALS_PER_IP_HOUR=2)
def test_proposals_are_rate_limited_per_address_counting_failures(world, client):
    assert _propose(client, world).status_code == 200
    assert _propose(client, world, website="spam").status_code == 400  # the honeypot counts as a failure
    limited = _propose(client, world, phone="13900139000")
    assert limited.status_code == 429 and 'id="rate-limited"' in limited.content.decode()
    assert Proposal.objects.count() == 1


@override_settings(PARTICIPATION_PUBLIC_PROPOSALS_PER_PHONE_HOUR=1)
def test_proposals_are_rate_limited_per_phone(world, client):
    assert _propose(client, world).status_code == 200
    assert _propose(client, world, phone="138 0013 8000").status_code == 429


def test_an_unknown_or_a_street_area_is_404(world, client):
    assert client.get(reverse("public_deliberation:propose", args=["999"])).status_code == 404
    assert client.get(reverse("public_deliberation:propose", args=[world.cast.street1.code])).status_code == 404


def _meeting(world):
    world.grandma.phone = "13800138000"
    world.grandma.save()
    HouseholdMember.objects.create(household=world.households[0], resident=world.grandma, relation=Relation.HEAD)
    meeting = meetings.meeting_open(actor=world.cast.grid_worker_a, area=world.cast.grid_a, kind=MeetingKind.COUNCIL,
                                    title="楼栋议事会", place="3号楼", held_on=datetime.date(2026, 12, 3))
    meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    return meeting


def test_the_sign_in_page_lists_masked_invitees_and_signs_in_once(world, client):
    meeting = _meeting(world)
    url = reverse("public_deliberation:sign_in", args=[meeting.token])
    page = client.get(url).content.decode()
    assert "王*兰" in page and "王秀兰" not in page
    invitation = Invitation.objects.get()
    response = client.post(url, {"invitation": invitation.pk, "phone_last4": "8000"})
    assert response.status_code == 200 and 'id="signed-in"' in response.content.decode()
    again = client.post(url, {"name": "王秀兰", "phone_last4": "8000"})
    assert again.status_code == 409 and "已签到" in again.content.decode()
    assert Invitation.objects.filter(signed_in_at__isnull=False).count() == 1


@override_settings(PARTICIPATION_PUBLIC_FAILED_CODES_PER_IP_HOUR=2)
def test_wrong_digits_are_counted_and_then_refused(world, client):
    meeting = _meeting(world)
    url = reverse("public_deliberation:sign_in", args=[meeting.token])
    for _attempt in range(2):
        response = client.post(url, {"name": "王秀兰", "phone_last4": "0000"})
        assert response.status_code == 400 and "手机号后四位：" in response.content.decode()
    assert client.post(url, {"name": "王秀兰", "phone_last4": "8000"}).status_code == 429
    assert not Invitation.objects.filter(signed_in_at__isnull=False).exists()


def test_the_sign_in_closes_with_the_minutes(world, client):
    meeting = _meeting(world)
    meetings.meeting_record_minutes(actor=world.cast.grid_worker_a, meeting=meeting, minutes="散会。")
    url = reverse("public_deliberation:sign_in", args=[meeting.token])
    response = client.post(url, {"name": "王秀兰", "phone_last4": "8000"})
    assert 'id="sign-in-closed"' in response.content.decode()
    assert not Invitation.objects.filter(signed_in_at__isnull=False).exists()


def test_a_household_evaluates_by_link_with_its_code(world, client):
    proposal = proposal_at(world)
    url = reverse("public_deliberation:evaluate", args=[proposal.token])
    assert 'id="evaluation-closed"' in client.get(url).content.decode()
    while proposal.stage.kind == "deliberate":
        deliberation.proposal_decide(actor=world.reviewer, proposal=proposal, stage=proposal.stage,
                                     decision=Decision.PASS, meeting=meeting_record())
        proposal.refresh_from_db()
    deliberation.proposal_implement(actor=world.reviewer, proposal=proposal, stage=proposal.stage, note="已安装。",
                                    meeting=meeting_record())
    code = evaluations.evaluation_code_issue(actor=world.cast.grid_worker_a, proposal=proposal,
                                             household=world.households[2]).code
    wrong = client.post(url, {"code": "XXXXXXXX", "rating": "satisfied"})
    assert wrong.status_code == 400 and "评议码：" in wrong.content.decode()
    response = client.post(url, {"code": code, "rating": "basic", "comment": "充电桩好用"})
    assert response.status_code == 200 and 'id="evaluated"' in response.content.decode()
    assert client.post(url, {"code": code, "rating": "dissatisfied"}).status_code == 409
    assert Evaluation.objects.get().rating == "basic"
