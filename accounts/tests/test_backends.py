"""Role permissions hold in the assigned area's subtree: has_perm(perm, area)."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role, RoleAssignment, TeamMember

pytestmark = pytest.mark.django_db


def test_it_grants_a_role_permission_without_an_area(cast):
    assert cast.grid_worker_a.has_perm("areas.view_area")
    assert not cast.grid_worker_a.has_perm("areas.change_area")


def test_it_grants_a_role_permission_in_the_assigned_area_and_below(cast):
    assert cast.district_admin.has_perm("areas.change_area", cast.district)
    assert cast.district_admin.has_perm("areas.change_area", cast.grid_c)


def test_it_refuses_a_role_permission_in_another_area(cast):
    assert not cast.district_admin.has_perm("areas.change_area", cast.other_street)
    assert cast.other_district_admin.has_perm("areas.change_area", cast.other_street)


def test_a_permission_in_one_grid_does_not_reach_the_sibling_grid(cast):
    assert cast.grid_worker_a.has_perm("areas.view_area", cast.grid_a)
    assert not cast.grid_worker_a.has_perm("areas.view_area", cast.grid_b)


def test_it_does_not_grant_a_permission_above_the_assigned_area(cast):
    assert not cast.street_leader.has_perm("audit.view_changelogentry", cast.district)
    assert cast.street_leader.has_perm("audit.view_changelogentry", cast.grid_a)


def test_it_checks_objects_that_name_their_area(cast):
    member = TeamMember(area=cast.grid_a, duty="grid_leader", name="王丽")
    member.scope_area = cast.grid_a
    assert cast.district_admin.has_perm("accounts.change_teammember", member)
    assert not cast.other_district_admin.has_perm("accounts.change_teammember", member)


def test_it_refuses_object_permissions_for_objects_without_an_area(cast):
    assert not cast.district_admin.has_perm("accounts.change_user", cast.grid_worker_a)


def test_a_superuser_has_every_permission_everywhere(cast):
    assert cast.superuser.has_perm("areas.change_area", cast.other_street)
    assert cast.superuser.has_perm("accounts.change_role")


def test_an_outsider_has_no_permission(cast):
    assert not cast.outsider.has_perm("areas.view_area")
    assert not cast.outsider.has_module_perms("areas")


def test_an_inactive_user_has_no_permission(cast):
    cast.district_admin.is_active = False
    assert not cast.district_admin.has_perm("areas.view_area", cast.grid_a)


def test_an_expired_assignment_grants_nothing(cast):
    RoleAssignment.objects.filter(user=cast.street_leader).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not cast.street_leader.has_perm("areas.view_area")


def test_two_assignments_grant_each_role_in_its_own_area(cast):
    RoleAssignment.objects.create(
        user=cast.grid_worker_a, role=Role.objects.get(code="grid_leader"), area=cast.grid_c,
        valid_from=datetime.date(2024, 1, 1),
    )
    assert cast.grid_worker_a.has_perm("accounts.change_teammember", cast.grid_c)
    assert not cast.grid_worker_a.has_perm("accounts.change_teammember", cast.grid_a)


def test_module_permissions_follow_the_roles(cast):
    assert cast.district_admin.has_module_perms("accounts")
    assert not cast.grid_worker_a.has_module_perms("audit")
    assert cast.street_leader.has_module_perms("audit")
