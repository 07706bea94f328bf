"""Consultation meetings: invitations resolved to residents in scope, QR sign-in once per invitee,
minutes closing the sign-in, decisions spawning proposals and cases."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cases.testing import make_test_categories
from participation import meetings
from participation.meetings import ActionRefused
from participation.models import Invitation, MeetingKind, ProposalSource
from registry.models import CareTag, HouseholdMember, Relation, Resident

from .conftest import make_world

pytestmark = pytest.mark.django_db


def _meeting(world, **extra):
    fields = {"actor": world.cast.grid_worker_a, "area": world.cast.grid_a, "kind": MeetingKind.RENEWAL,
              "title": "3号楼微更新协商会", "place": "3号楼前广场", "held_on": datetime.date(2026, 12, 3), **extra}
    return meetings.meeting_open(**fields)


def _members(world):
    world.grandma.phone = "13800138000"
    world.grandma.save()
    HouseholdMember.objects.create(household=world.households[0], resident=world.grandma, relation=Relation.HEAD)
    neighbour = Resident.objects.create(grid=world.cast.grid_a, name="赵建国", gender="M", phone="13900139001")
    HouseholdMember.objects.create(household=world.households[1], resident=neighbour, relation=Relation.HEAD)
    return neighbour


def test_invitations_resolve_buildings_households_and_tags_to_residents(world):
    neighbour = _members(world)
    lonely = Resident.objects.create(grid=world.cast.grid_a, name="钱大爷", gender="M")
    lonely.care_tags.add(world.tag)
    meeting = _meeting(world)
    assert meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building]) == 2
    assert meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting,
                                   households=[world.households[1]]) == 0  # already invited
    assert meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, tag=world.tag) == 1
    assert set(meeting.invitations.values_list("resident__name", flat=True)) == {"王秀兰", neighbour.name, "钱大爷"}
    with pytest.raises(ValidationError):
        meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting)


def test_invitations_stay_in_the_conveners_scope(world):
    _members(world)
    meeting = _meeting(world)
    with pytest.raises(ActionRefused):
        meetings.meeting_invite(actor=world.cast.grid_worker_b, meeting=meeting, buildings=[world.building])
    assert not meetings.invitees(world.cast.grid_worker_b, meeting, buildings=[world.building]).exists()


def test_sign_in_by_name_and_last_four_digits_once_per_invitee(world):
    _members(world)
    meeting = _meeting(world)
    meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    with pytest.raises(ValidationError) as error:
        meetings.meeting_sign_in(meeting=meeting, name="王秀兰", phone_last4="0001")
    assert "phone_last4" in error.value.message_dict
    signed = meetings.meeting_sign_in(meeting=meeting, name="王秀兰", phone_last4="8000")
    assert signed.signed_in_at and not signed.signed_in_by_staff
    with pytest.raises(ActionRefused, match="已签到"):
        meetings.meeting_sign_in(meeting=meeting, name="王秀兰", phone_last4="8000")
    picked = meeting.invitations.get(resident__name="赵建国")
    meetings.meeting_sign_in(meeting=meeting, invitation=picked, phone_last4="9001")
    assert Invitation.objects.filter(meeting=meeting, signed_in_at__isnull=False).count() == 2


def test_a_stranger_cannot_sign_in_and_staff_sign_in_those_without_a_phone(world):
    _members(world)
    meeting = _meeting(world)
    meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    with pytest.raises(ValidationError):
        meetings.meeting_sign_in(meeting=meeting, name="路人甲", phone_last4="1234")
    invitation = meeting.invitations.get(resident__name="王秀兰")
    meetings.meeting_mark_present(actor=world.cast.grid_worker_a, invitation=invitation)
    with pytest.raises(ActionRefused):
        meetings.meeting_mark_present(actor=world.cast.grid_worker_a, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).signed_in_by_staff


def test_minutes_close_the_sign_in_and_list_the_attendees(world):
    _members(world)
    meeting = _meeting(world)
    meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    meetings.meeting_sign_in(meeting=meeting, name="赵建国", phone_last4="9001")
    with pytest.raises(ActionRefused, match="纪要"):
        meetings.meeting_spawn_proposal(actor=world.cast.grid_worker_a, meeting=meeting, title="安装充电桩")
    meetings.meeting_record_minutes(actor=world.cast.grid_worker_a, meeting=meeting, minutes="同意申请安装充电桩。",
                                    staff=[world.cast.grid_worker_a])
    meeting.refresh_from_db()
    assert [resident.name for resident in meeting.attendees.all()] == ["赵建国"]
    with pytest.raises(ActionRefused, match="签到已关闭"):
        meetings.meeting_sign_in(meeting=meeting, name="王秀兰", phone_last4="8000")
    with pytest.raises(ActionRefused):
        meetings.meeting_record_minutes(actor=world.cast.grid_worker_a, meeting=meeting, minutes="again")
    proposal = meetings.meeting_spawn_proposal(actor=world.cast.grid_worker_a, meeting=meeting, title="安装充电桩")
    assert proposal.source == ProposalSource.MEETING and proposal.source_meeting == meeting
    category = make_test_categories()["t-clutter"]
    case = meetings.meeting_spawn_case(actor=world.cast.grid_worker_a, meeting=meeting, category=category,
                                       description="清理3号楼楼道堆物。")
    assert list(meeting.spawned_cases.all()) == [case]


def test_opening_a_meeting_checks_its_fields(world):
    with pytest.raises(ValidationError) as error:
        _meeting(world, place="")
    assert "place" in error.value.message_dict
    with pytest.raises(ValidationError):
        _meeting(world, kind=MeetingKind.STAGE)
    with pytest.raises(ActionRefused):
        _meeting(world, actor=world.cast.grid_worker_b)


def test_a_sensitive_tag_invites_only_where_the_convener_may_see_it(world):
    _members(world)
    secret = CareTag.objects.create(code="community_correction", name="社区矫正对象", is_sensitive=True)
    world.grandma.care_tags.add(secret)
    meeting = _meeting(world)
    assert meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, tag=secret) == 0
    assert meetings.meeting_invite(actor=world.cast.superuser, meeting=meeting, tag=secret) == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_phones_signing_in_one_invitee_at_once_leave_one_sign_in(cast):
    world = make_world(cast)
    _members(world)
    meeting = _meeting(world)
    meetings.meeting_invite(actor=world.cast.grid_worker_a, meeting=meeting, buildings=[world.building])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def phone() -> None:
        try:
            barrier.wait()
            meetings.meeting_sign_in(meeting=meeting, name="王秀兰", phone_last4="8000")
            outcomes.append("signed")
        except ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=phone) for _index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert Invitation.objects.filter(meeting=meeting, signed_in_at__isnull=False).count() == 1
