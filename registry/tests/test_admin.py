"""The registry admin: scoped rows, masked personal data, read-only access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.testing import Cast
from audit.models import AccessLogEntry
from registry import services
from registry.tests.test_pages import CLEAR_VALUES, ZHANG_ID, World, build_world


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def test_it_lists_residents_masked_and_in_scope(world, login):
    response = login(world.cast.district_admin).get(reverse("admin:registry_resident_changelist"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "张三" in content and "王五" in content  # the whole district
    assert "138****5678" in content
    for value in CLEAR_VALUES:
        assert value not in content


def test_it_leaves_the_encrypted_fields_out_of_the_change_form(world, login):
    response = login(world.cast.superuser).get(reverse("admin:registry_resident_change", args=[world.zhang.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="id_number"' not in content and 'name="phone"' not in content
    assert 'name="birth_date"' not in content and "1950-01-01" not in content
    assert "410" + "*" * 13 + ZHANG_ID[-2:] in content and "1950" in content
    for value in CLEAR_VALUES:
        assert value not in content


def test_it_answers_404_for_records_outside_scope(world, login):
    client = login(world.cast.other_district_admin)
    assert client.get(reverse("admin:registry_resident_change", args=[world.zhang.pk])).status_code == 404
    assert "张三" not in client.get(reverse("admin:registry_resident_changelist")).content.decode()


def test_it_shows_the_access_log_read_only_and_scoped(world, login):
    services.resident_unmask(resident=world.zhang, actor=world.leader_a, reason="入户核实")
    entry = AccessLogEntry.objects.get()
    client = login(world.cast.district_admin)
    assert "入户核实" in client.get(reverse("admin:audit_accesslogentry_changelist")).content.decode()
    change = client.get(reverse("admin:audit_accesslogentry_change", args=[entry.pk]))
    assert change.status_code == 200 and 'name="reason"' not in change.content.decode()
    assert client.get(reverse("admin:audit_accesslogentry_add")).status_code == 403
    other = login(world.cast.other_district_admin)
    assert other.get(reverse("admin:audit_accesslogentry_change", args=[entry.pk])).status_code == 404


def test_it_offers_the_catalogs_to_superusers(world, login):
    client = login(world.cast.superuser)
    assert "残疾人" in client.get(reverse("admin:registry_caretag_changelist")).content.decode()
    assert "路灯" in client.get(reverse("admin:registry_facilitycategory_changelist")).content.decode()
