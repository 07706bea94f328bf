"""Verification (核实) of buildings, dwellings, households and residents: the operation and the endpoint."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import RoleAssignment, User
from accounts.testing import make_user
from audit.models import ChangeLogEntry
from core.request_context import acting_as
from registry.models import (
    Building,
    Dwelling,
    Household,
    HouseholdMember,
    Relation,
    Resident,
    VerificationState,
)
from registry.verification import NOTE_KEY, record_verify, verification_badge

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast):
    building = Building.objects.create(grid=cast.grid_a, name="1号楼", address="百花路1号", floors=6)
    dwelling = Dwelling.objects.create(grid=cast.grid_a, building=building, floor=1, room="101")
    household = Household.objects.create(grid=cast.grid_a, dwelling=dwelling)
    resident = Resident.objects.create(grid=cast.grid_a, name="王桂娟", gender="F")
    HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD)
    return {"building": building, "dwelling": dwelling, "household": household, "resident": resident}


def fresh(user):
    """The user as a new request would load them (no cached scope or permissions)."""
    return User.objects.get(pk=user.pk)


def verification_entries(record):
    content_type = ContentType.objects.get_for_model(type(record))
    return ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(record.pk))


@pytest.mark.parametrize("kind", ["building", "dwelling", "household", "resident"])
def test_it_records_who_verified_what_and_when(cast, records, kind):
    record = records[kind]
    before = verification_entries(record).count()
    record_verify(record=record, actor=fresh(cast.grid_worker_a), state="verified", note="")
    record.refresh_from_db()
    assert record.verification_state == VerificationState.VERIFIED
    assert record.verified_by == cast.grid_worker_a
    assert abs(record.verified_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
    entry = verification_entries(record).first()
    assert verification_entries(record).count() == before + 1
    assert entry.after["verification_state"] == "verified" and entry.before["verification_state"] == "pending"


def test_a_doubt_keeps_its_note_in_the_change_log(cast, records):
    resident = records["resident"]
    worker = fresh(cast.grid_worker_a)
    with acting_as(worker):
        record_verify(record=resident, actor=worker, state="doubtful", note="  电话 打不通 ")
    resident.refresh_from_db()
    assert resident.verification_state == VerificationState.DOUBTFUL
    entry = verification_entries(resident).first()
    assert entry.after[NOTE_KEY] == "电话 打不通"
    assert entry.user == cast.grid_worker_a


@pytest.mark.parametrize(
    ("state", "note", "field"),
    [("doubtful", "", "note"), ("pending", "", "state"), ("nonsense", "", "state"), ("doubtful", "疑" * 201, "note")],
)
def test_it_refuses_bad_input_naming_the_field(cast, records, state, note, field):
    resident = records["resident"]
    with pytest.raises(ValidationError) as caught:
        record_verify(record=resident, actor=fresh(cast.grid_worker_a), state=state, note=note)
    assert field in caught.value.message_dict
    resident.refresh_from_db()
    assert resident.verification_state == VerificationState.PENDING and resident.verified_at is None


def test_it_refuses_users_without_the_change_permission(cast, records):
    head = make_user("building_head_a", "building_head", cast.grid_a)
    records["building"].heads.add(head)
    for user in (cast.street_leader, head):
        with pytest.raises(PermissionDenied):
            record_verify(record=records["resident"], actor=fresh(user), state="verified")
    records["resident"].refresh_from_db()
    assert records["resident"].verified_at is None


def test_it_rechecks_the_scope_inside_the_transaction(cast, records):
    resident = records["resident"]
    with pytest.raises(Resident.DoesNotExist):
        record_verify(record=resident, actor=fresh(cast.grid_worker_b), state="verified")
    RoleAssignment.objects.filter(user=cast.grid_worker_a).update(valid_until=datetime.date(2025, 1, 1))
    with pytest.raises(Resident.DoesNotExist):
        record_verify(record=resident, actor=fresh(cast.grid_worker_a), state="verified")
    resident.refresh_from_db()
    assert resident.verified_at is None


def test_the_badge_offers_the_buttons_only_to_those_allowed(cast, records):
    resident = records["resident"]
    assert verification_badge(record=resident, user=fresh(cast.grid_worker_a)).can_verify
    leader_badge = verification_badge(record=resident, user=fresh(cast.street_leader))
    assert not leader_badge.can_verify and leader_badge.is_stale and leader_badge.state_label == "待核实"


def url(kind, record):
    return reverse("registry:verify", args=[kind, record.pk])


@pytest.mark.parametrize("kind", ["building", "dwelling", "household", "resident"])
def test_the_endpoint_returns_the_updated_badge_to_htmx(cast, records, login, kind):
    record = records[kind]
    response = login(cast.grid_worker_a).post(url(kind, record), {"state": "verified"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="verification-{kind}-{record.pk}"' in text and "已核实" in text and "grid_worker_a" in text
    assert "<html" not in text
    record.refresh_from_db()
    assert record.verification_state == VerificationState.VERIFIED


def test_the_endpoint_explains_a_missing_note_with_400(cast, records, login):
    resident = records["resident"]
    response = login(cast.grid_worker_a).post(url("resident", resident), {"state": "doubtful"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "请写明疑问" in response.content.decode()
    assert response["HX-Retarget"] == f"#verification-resident-{resident.pk}-feedback"


def test_the_endpoint_refuses_without_permission_with_403(cast, records, login):
    resident = records["resident"]
    response = login(cast.street_leader).post(url("resident", resident), {"state": "verified"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert "您没有核实该记录的权限" in response.content.decode()
    page = login(cast.street_leader).post(url("resident", resident), {"state": "verified"})
    assert page.status_code == 403
    assert "您没有核实该记录的权限" in page.content.decode() and "<html" in page.content.decode()
    resident.refresh_from_db()
    assert resident.verified_at is None


def test_the_endpoint_answers_404_outside_the_scope(cast, records, login):
    client = login(cast.grid_worker_b)
    assert client.post(url("resident", records["resident"]), {"state": "verified"}).status_code == 404
    assert client.post(f"/registry/verify/vehicle/{records['resident'].pk}/", {"state": "verified"}).status_code == 404


def test_a_plain_form_post_goes_back_with_a_message(cast, records, login):
    client = login(cast.grid_worker_a)
    response = client.post(url("dwelling", records["dwelling"]), {"state": "verified", "next": "/areas/"})
    assert response.status_code == 302 and response["Location"] == "/areas/"
    evil = client.post(url("dwelling", records["dwelling"]), {"state": "verified", "next": "https://evil.example/"})
    assert evil["Location"] == reverse("home")


def test_the_endpoint_only_accepts_post(cast, records, login):
    assert login(cast.grid_worker_a).get(url("resident", records["resident"])).status_code == 405
