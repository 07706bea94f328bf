"""The default roles and the registry's default catalogs: gaps filled, edits kept, and a complete
catalog checked in a query or two (they run after every ``migrate`` and every test flush)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.catalog import DEFAULT_ROLES, _permissions, ensure_default_roles, grant_app_permissions
from accounts.models import Role
from registry.catalog import ensure_default_catalogs
from registry.models import CareTag, FacilityCategory

pytestmark = pytest.mark.django_db

CATALOG = {code: sorted(permissions) for code, _name, _description, permissions in DEFAULT_ROLES}


def _held(role: Role) -> list[str]:
    return sorted(f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.select_related("content_type"))


def test_a_missing_role_comes_back_with_the_catalogs_permissions_and_an_edited_one_is_kept():
    Role.objects.filter(code="grid_worker").delete()
    edited = Role.objects.get(code="grid_leader")
    edited.permissions.set(Permission.objects.filter(codename="view_area"))

    assert ensure_default_roles() == 1

    assert _held(Role.objects.get(code="grid_worker")) == CATALOG["grid_worker"]
    assert _held(Role.objects.get(code="grid_leader")) == ["areas.view_area"]
    with CaptureQueriesContext(connection) as queries:
        assert ensure_default_roles() == 0
    assert len(queries) == 1


def test_permissions_are_read_in_one_query_in_the_order_asked_and_an_unknown_one_is_named():
    names = ["cases.view_case", "areas.view_area", "accounts.view_user"]
    with CaptureQueriesContext(connection) as queries:
        found = _permissions(names)
    assert [f"{p.content_type.app_label}.{p.codename}" for p in found] == names
    assert len(queries) == 1
    with pytest.raises(Permission.DoesNotExist, match=r"areas\.fly_away"):
        _permissions(["areas.view_area", "areas.fly_away"])


def test_an_apps_permissions_go_only_to_roles_holding_none_of_them():
    worker, leader = Role.objects.get(code="grid_worker"), Role.objects.get(code="grid_leader")
    worker.permissions.remove(*worker.permissions.filter(content_type__app_label="cases"))
    leader.permissions.remove(*leader.permissions.filter(content_type__app_label="cases"))
    leader.permissions.add(Permission.objects.get(content_type__app_label="cases", codename="view_case"))

    assert grant_app_permissions("cases") == 1

    assert [p for p in _held(worker) if p.startswith("cases.")] == [
        p for p in CATALOG["grid_worker"] if p.startswith("cases.")
    ]
    assert [p for p in _held(leader) if p.startswith("cases.")] == ["cases.view_case"]
    assert grant_app_permissions("cases") == 0


def test_missing_care_tags_and_facility_classes_come_back_and_edits_are_kept():
    CareTag.objects.filter(code="disabled").delete()
    FacilityCategory.objects.filter(code="0112").delete()
    FacilityCategory.objects.filter(code="0101").update(name="井盖（上水）")

    assert ensure_default_catalogs() == 2

    tag = CareTag.objects.get(code="disabled")
    assert tag.is_sensitive
    assert set(tag.visible_to_roles.values_list("code", flat=True)) >= {"grid_worker", "grid_leader"}
    assert FacilityCategory.objects.get(code="0112").parent.code == "01"
    assert FacilityCategory.objects.get(code="0101").name == "井盖（上水）"
    with CaptureQueriesContext(connection) as queries:
        assert ensure_default_catalogs() == 0
    assert len(queries) == 2
