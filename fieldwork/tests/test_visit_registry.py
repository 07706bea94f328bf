"""A visit finds the registry right or out of date: confirmed or corrected from the visit, marked 已核实,
with the visit named as the source in the change log."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLogEntry
from cases.workflow import ActionRefused
from fieldwork.models import VisitMethod
from fieldwork.testing import at
from fieldwork.visit_registry import visit_registry_update
from fieldwork.visits import visit_record
from registry.models import HouseholdMember, Resident, VerificationState

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 7)


@pytest.fixture
def visit(fc):
    return visit_record(
        actor=fc.cast.grid_worker_a, resident=fc.alone, method=VisitMethod.HOME, visited_at=at(DAY, 10), now=at(DAY, 11)
    )


def verification_note(record):
    entry = ChangeLogEntry.objects.filter(
        object_id=str(record.pk),
        content_type__model=type(record)._meta.model_name,
        after__verification_state="verified",
    ).first()
    return entry.after.get("verification_note") if entry else None


def test_nothing_changed_marks_the_resident_verified_with_the_visit_as_source(fc, visit):
    visit_registry_update(visit=visit, actor=fc.cast.grid_worker_a, change="confirmed")
    resident = Resident.objects.get(pk=fc.alone.pk)
    assert resident.verification_state == VerificationState.VERIFIED and resident.verified_by == fc.cast.grid_worker_a
    assert verification_note(resident) == f"来源：走访记录 #{visit.pk}（2026-12-07）"
    visit.refresh_from_db()
    assert visit.registry_note.endswith("核实无误")


def test_a_new_phone_is_saved_and_verified(fc, visit):
    visit_registry_update(visit=visit, actor=fc.cast.grid_worker_a, change="phone", phone="139 1234 5678")
    resident = Resident.objects.get(pk=fc.alone.pk)
    assert resident.phone == "13912345678" and resident.verification_state == VerificationState.VERIFIED
    visit.refresh_from_db()
    assert visit.registry_note.endswith("电话已更新")


def test_a_bad_phone_names_the_field_and_saves_nothing(fc, visit):
    with pytest.raises(ValidationError) as refused:
        visit_registry_update(visit=visit, actor=fc.cast.grid_worker_a, change="phone", phone="12345")
    assert "phone" in refused.value.message_dict
    resident = Resident.objects.get(pk=fc.alone.pk)
    assert resident.verification_state != VerificationState.VERIFIED and not resident.phone
    visit.refresh_from_db()
    assert visit.registry_note == ""


def test_moved_out_ends_the_stay_and_verifies_the_household(fc, visit):
    with pytest.raises(ValidationError) as refused:  # before the stay began: named, nothing saved
        visit_registry_update(
            visit=visit, actor=fc.cast.grid_worker_a, change="moved_out", moved_out_on=datetime.date(2020, 1, 1)
        )
    assert "moved_out_on" in refused.value.message_dict
    assert HouseholdMember.objects.get(resident=fc.alone).moved_out_on is None
    visit_registry_update(
        visit=visit, actor=fc.cast.grid_worker_a, change="moved_out", moved_out_on=timezone.localdate()
    )
    stay = HouseholdMember.objects.get(resident=fc.alone)
    assert stay.moved_out_on == timezone.localdate()
    assert stay.household.verification_state == VerificationState.VERIFIED
    assert verification_note(stay.household) == f"来源：走访记录 #{visit.pk}（2026-12-07）"


def test_the_building_head_may_not_change_the_registry(fc, visit):
    with pytest.raises(ActionRefused):
        visit_registry_update(visit=visit, actor=fc.building_head, change="confirmed")
    assert Resident.objects.get(pk=fc.alone.pk).verification_state != VerificationState.VERIFIED


def test_the_visit_page_offers_the_panel_and_posts_through_it(client, fc, visit):
    client.force_login(fc.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
    assert 'id="visit-registry"' in page and reverse("registry:resident_edit", args=[fc.alone.pk]) in page
    url = reverse("fieldwork:visit_registry", args=[visit.pk])
    bad = client.post(url, {"change": "phone", "phone": "abc"}, follow=True).content.decode()
    assert "电话：" in bad
    client.post(url, {"change": "phone", "phone": "13912345678"})
    assert Resident.objects.get(pk=fc.alone.pk).phone == "13912345678"
    client.force_login(fc.building_head)
    assert 'id="visit-registry"' not in client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
