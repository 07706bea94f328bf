"""The change log (/audit/) and the access log read in words: Chinese labels, choice labels, 是/否,
local times, and the records an entry names linked to their pages when the reader may see them."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import Duty, TeamMember
from accounts.testing import make_user
from audit.models import ChangeLogEntry
from core.request_context import acting_as
from registry import services
from registry.models import Dwelling, HouseholdMember, Resident
from registry.tests.test_pages import build_world

pytestmark = pytest.mark.django_db

URL = "/audit/"


@pytest.fixture
def world(cast):
    return build_world(cast)


def _entry_html(page: str, object_id: int) -> str:
    """The row of the entry about object ``object_id`` (its summary and diff)."""
    rows = re.findall(r'<tr class="changelog-entry">(.*?)</details>', page, re.S)
    found = [row for row in rows if f"#{object_id}</span>" in row]
    assert found, f"no entry for #{object_id}"
    return found[0]


def test_values_read_as_the_record_pages_show_them(world, login):
    zhang = world.zhang
    with acting_as(world.cast.district_admin, "edit-zhang"):
        zhang.political_status = "party_member"
        zhang.verification_state = "verified"
        zhang.verified_at = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
        zhang.verified_by = world.leader_a
        zhang.save()
    page = login(world.cast.district_admin).get(URL, {"request_id": "edit-zhang"}).content.decode()
    row = _entry_html(page, zhang.pk)
    assert "中共党员" in row and "群众" in row and "party_member" not in row
    assert "已核实" in row and "待核实" in row and "verified" not in row
    assert "2026-03-01 09:30:00" in row  # Beijing time, not 01:30 UTC
    assert "+00:00" not in row and "T01:30" not in row
    assert "核实人" in row and "grid_leader_a" in row


def _resident_entries(world, login, resident):
    query = {"object_id": resident.pk, "object_type": ContentType.objects.get_for_model(Resident).pk}
    return login(world.cast.district_admin).get(URL, query).content.decode()


def test_a_created_record_shows_choice_labels_not_codes(world, login):
    page = _resident_entries(world, login, world.zhao)
    row = _entry_html(page, world.zhao.pk)
    assert "居民身份证" in row and "男" in row and "户籍人口" in row
    for code in ("id_card", ">M<", "registered", "masses"):
        assert code not in row


def test_a_foreign_key_is_the_linked_record_not_its_number(world, login):
    stay = HouseholdMember.objects.get(resident=world.zhang)
    household_type = ContentType.objects.get_for_model(HouseholdMember)
    response = login(world.cast.district_admin).get(URL, {"object_type": household_type.pk, "object_id": stay.pk})
    row = _entry_html(response.content.decode(), stay.pk)
    assert f'<a href="/registry/households/{world.household.pk}/">百花小区1号楼1单元101</a>' in row
    assert f'<a href="/registry/residents/{world.zhang.pk}/">张三</a>' in row
    assert f"户 {world.household.pk}" not in row
    assert f'<a href="/registry/residents/{world.zhang.pk}/" class="record-link">' not in row  # the stay has no page


def test_the_entrys_own_record_links_to_its_page(world, login):
    page = _resident_entries(world, login, world.zhao)
    assert f'<a href="/registry/residents/{world.zhao.pk}/" class="record-link">赵六</a>' in page


def test_a_record_outside_the_readers_scope_is_named_by_kind_and_number_only(world, login):
    dwelling = Dwelling.objects.get(pk=world.d101.pk)
    with acting_as(world.cast.district_admin, "owner-far-away"):
        dwelling.owner = world.wang  # lives in grid C
        dwelling.save()
    admin_a = make_user("admin_a", "area_admin", world.cast.grid_a)
    page = login(admin_a).get(URL, {"request_id": "owner-far-away"}).content.decode()
    row = _entry_html(page, dwelling.pk)
    assert f"居民 #{world.wang.pk}" in row
    assert "王五" not in row and f"/registry/residents/{world.wang.pk}/" not in row
    full = login(world.cast.district_admin).get(URL, {"request_id": "owner-far-away"}).content.decode()
    assert f'<a href="/registry/residents/{world.wang.pk}/">王五</a>' in _entry_html(full, dwelling.pk)


def test_a_boolean_reads_yes_or_no(cast, login):
    with acting_as(cast.district_admin, "party"):
        member = TeamMember.objects.create(area=cast.grid_a, duty=Duty.GRID_LEADER, name="吴网格长",
                                           is_party_member=True)
    page = login(cast.district_admin).get(URL, {"request_id": "party"}).content.decode()
    row = _entry_html(page, member.pk)
    assert re.search(r"<td>党员</td><td[^>]*>—</td><td[^>]*>是</td>", row)
    assert "True" not in row and "true" not in row
    assert f'<a href="/areas/{cast.grid_a.code}/">' in row


def test_the_change_log_page_costs_the_same_for_more_rows(world, login, django_assert_max_num_queries):
    with acting_as(world.cast.district_admin, "bulk"):
        for number in range(40):
            Resident.objects.create(grid=world.cast.grid_a, name=f"居民{number}", gender="F")
    client = login(world.cast.district_admin)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert len(response.context["rows"]) == 50


def test_the_access_log_admin_names_fields_in_chinese(world, login):
    services.resident_unmask(resident=world.zhang, actor=world.leader_a, reason="入户核实")
    page = login(world.cast.district_admin).get(reverse("admin:audit_accesslogentry_changelist")).content.decode()
    assert "证件号码、联系电话、出生日期" in page
    assert "id_number,phone" not in page


def test_the_access_log_page_names_fields_in_chinese(world, login):
    services.resident_unmask(resident=world.zhang, actor=world.leader_a, reason="入户核实")
    page = login(world.cast.district_admin).get(reverse("registry:access_log")).content.decode()
    assert "证件号码、联系电话、出生日期" in page and "id_number" not in page


def test_an_entry_time_is_shown_in_local_time(world, login):
    entry = ChangeLogEntry.objects.filter(object_id=str(world.zhao.pk), object_repr="赵六").get()
    page = _resident_entries(world, login, world.zhao)
    assert timezone.localtime(entry.time).strftime("%Y-%m-%d %H:%M:%S") in page
