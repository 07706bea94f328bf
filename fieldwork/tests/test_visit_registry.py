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
from registry.validators import id_check_digit

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


def newborn_number(day: str = "20261120", serial: str = "123") -> str:
    first = f"410102{day}{serial}"
    return first + id_check_digit(first)


def newcomer_data(number: str, relation: str = "child", name: str = "王小宝") -> dict:
    return {"document_type": "id_card", "id_number": number, "relation": relation,
            "moved_in_on": timezone.localdate().isoformat(), "name": name, "phone": ""}


def test_a_newborn_registered_from_the_visit_is_tied_back_to_it(client, fc, visit):
    client.force_login(fc.cast.grid_worker_a)
    household = HouseholdMember.objects.get(resident=fc.alone).household
    page = client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
    url = reverse("fieldwork:visit_newcomer", args=[visit.pk, "newborn"])
    assert url in page and reverse("fieldwork:visit_newcomer", args=[visit.pk, "tenant"]) in page
    form = client.get(url).content.decode()
    assert str(household) in form and f"来源：走访记录 #{visit.pk}" in form
    assert '<option value="child" selected>' in form  # a newborn starts as 子女
    answer = client.post(url, newcomer_data(newborn_number()))
    assert answer.status_code == 302 and answer["Location"] == reverse("fieldwork:visit", args=[visit.pk])
    baby = Resident.objects.get(name="王小宝")
    assert baby.birth_date == datetime.date(2026, 11, 20) and baby.grid == fc.cast.grid_a
    stay = HouseholdMember.objects.get(resident=baby)
    assert stay.household == household and stay.relation == "child" and stay.moved_out_on is None
    assert baby.verification_state == VerificationState.VERIFIED
    assert verification_note(baby) == f"来源：走访记录 #{visit.pk}（2026-12-07）"
    household.refresh_from_db()
    assert household.verification_state == VerificationState.VERIFIED
    assert verification_note(household) == f"来源：走访记录 #{visit.pk}（2026-12-07）"
    visit.refresh_from_db()
    assert list(visit.registered.all()) == [baby] and visit.registry_note.endswith("新生儿 王小宝 已登记到本户")
    page = client.get(reverse("fieldwork:visit", args=[visit.pk])).content.decode()
    assert reverse("registry:resident", args=[baby.pk]) in page and "走访中登记：王小宝" in page


def test_a_new_tenant_starts_as_tenant_and_bad_input_saves_nothing(client, fc, visit):
    client.force_login(fc.cast.grid_worker_a)
    url = reverse("fieldwork:visit_newcomer", args=[visit.pk, "tenant"])
    assert '<option value="tenant" selected>' in client.get(url).content.decode()
    good = newborn_number("19900101")
    wrong_digit = good[:-1] + ("1" if good[-1] != "1" else "2")
    bad = client.post(url, newcomer_data(wrong_digit, relation="tenant", name="赵租客"))
    assert bad.status_code == 400 and "证件号码：" in bad.content.decode()
    no_name = client.post(url, newcomer_data(good, relation="tenant", name=""))
    assert no_name.status_code == 400 and "姓名（新登记时填写）：" in no_name.content.decode()
    assert not Resident.objects.filter(name="赵租客").exists()
    visit.refresh_from_db()
    assert visit.registry_note == "" and not visit.registered.exists()
    client.post(url, newcomer_data(good, relation="tenant", name="赵租客"))
    tenant = Resident.objects.get(name="赵租客")
    assert HouseholdMember.objects.get(resident=tenant).relation == "tenant"
    visit.refresh_from_db()
    assert visit.registry_note.endswith("新租户 赵租客 已登记到本户")


def test_newcomers_need_the_registry_permission_and_a_household(client, fc, visit):
    client.force_login(fc.building_head)  # sees the visit, may not add household members
    assert client.get(reverse("fieldwork:visit_newcomer", args=[visit.pk, "newborn"])).status_code == 404
    client.force_login(fc.cast.grid_worker_a)
    assert client.get(reverse("fieldwork:visit_newcomer", args=[visit.pk, "cousin"])).status_code == 404
    HouseholdMember.objects.filter(resident=fc.alone).update(moved_out_on=timezone.localdate())
    assert client.get(reverse("fieldwork:visit_newcomer", args=[visit.pk, "newborn"])).status_code == 404
    client.force_login(fc.cast.grid_worker_b)
    assert client.get(reverse("fieldwork:visit_newcomer", args=[visit.pk, "newborn"])).status_code == 404
