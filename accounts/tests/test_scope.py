"""Scope: a user sees the subtrees of their current assignments, nothing else."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, RoleAssignment, TeamMember
from accounts.scope import covers, forget_scope, minimal_prefixes, permission_prefixes, restrict, scope_prefixes
from areas.models import Area

pytestmark = pytest.mark.django_db


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


def assign(user, role_code, area, **dates):
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code=role_code), area=area, **dates)
    forget_scope(user)


def test_minimal_prefixes_drops_prefixes_inside_shorter_ones():
    assert minimal_prefixes(["410102001", "410102", "410103001001", "410102001001001"]) == ["410102", "410103001001"]


def test_minimal_prefixes_keeps_siblings_that_only_share_digits():
    assert minimal_prefixes(["410102001001001", "410102001001002"]) == ["410102001001001", "410102001001002"]


def test_scope_prefixes_of_a_street_leader_is_the_street(cast):
    assert scope_prefixes(cast.street_leader) == ["410102001"]


def test_scope_prefixes_of_a_superuser_is_everything(cast):
    assert scope_prefixes(cast.superuser) is None


def test_scope_prefixes_of_an_outsider_is_nothing(cast, django_user_model):
    assert scope_prefixes(cast.outsider) == []
    assert scope_prefixes(django_user_model(username="anonymous-like", is_active=False)) == []


def test_the_roles_are_read_once_for_permissions_and_scope(cast, django_assert_num_queries):
    user = type(cast.street_leader).objects.get(pk=cast.street_leader.pk)  # nothing cached on it
    with django_assert_num_queries(1):
        assert user.has_perm("cases.view_case")
        assert scope_prefixes(user) == ["410102001"]


def test_a_role_without_permissions_still_scopes(cast):
    bare = Role.objects.create(code="observer", name="观察员")
    RoleAssignment.objects.create(user=cast.outsider, role=bare, area=cast.grid_c)
    forget_scope(cast.outsider)
    assert scope_prefixes(cast.outsider) == [cast.grid_c.code]
    assert not cast.outsider.get_all_permissions()


def test_a_street_leader_sees_the_street_and_nothing_of_the_next(cast):
    visible = codes(Area.objects.visible_to(cast.street_leader))
    assert visible == [cast.street1.code, cast.community1.code, cast.grid_a.code, cast.grid_b.code]


def test_a_grid_worker_sees_only_their_grid(cast):
    assert codes(Area.objects.visible_to(cast.grid_worker_a)) == [cast.grid_a.code]


def test_a_superuser_sees_every_area(cast):
    assert Area.objects.visible_to(cast.superuser).count() == Area.objects.count()


def test_an_outsider_sees_nothing(cast):
    assert not Area.objects.visible_to(cast.outsider).exists()
    assert not covers(cast.outsider, cast.grid_a.code)


def test_a_user_with_two_assignments_sees_both_subtrees(cast):
    assign(cast.grid_worker_a, "grid_worker", cast.grid_c, valid_from=datetime.date(2024, 1, 1))
    assert codes(Area.objects.visible_to(cast.grid_worker_a)) == [cast.grid_a.code, cast.grid_c.code]
    assert scope_prefixes(cast.grid_worker_a) == [cast.grid_a.code, cast.grid_c.code]


def test_an_expired_assignment_is_ignored(cast):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assign(cast.outsider, "grid_worker", cast.grid_b, valid_from=datetime.date(2024, 1, 1), valid_until=yesterday)
    assert codes(Area.objects.visible_to(cast.outsider)) == []


def test_an_assignment_ending_today_still_counts(cast):
    assign(cast.outsider, "grid_worker", cast.grid_b, valid_from=datetime.date(2024, 1, 1),
           valid_until=timezone.localdate())
    assert codes(Area.objects.visible_to(cast.outsider)) == [cast.grid_b.code]


def test_a_future_assignment_is_ignored_until_it_starts(cast):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assign(cast.outsider, "grid_worker", cast.grid_b, valid_from=tomorrow)
    assert codes(Area.objects.visible_to(cast.outsider)) == []


def test_restrict_follows_the_code_field_of_related_rows(cast):
    TeamMember.objects.create(area=cast.grid_a, duty="grid_leader", name="王丽")
    TeamMember.objects.create(area=cast.grid_c, duty="grid_leader", name="张伟")
    names = sorted(restrict(TeamMember.objects.all(), cast.street_leader, "area__code").values_list("name", flat=True))
    assert names == ["王丽"]


def test_organisations_are_visible_through_their_home_area(cast):
    Organisation.objects.create(name="林山寨物业", kind=OrganisationKind.PROPERTY, home_area=cast.street1)
    Organisation.objects.create(name="建设路物业", kind=OrganisationKind.PROPERTY, home_area=cast.street2)
    names = list(Organisation.objects.visible_to(cast.street_leader).values_list("name", flat=True))
    assert names == ["林山寨物业"]


def test_covers_answers_for_one_code(cast):
    assert covers(cast.street_leader, cast.grid_b.code)
    assert not covers(cast.street_leader, cast.grid_c.code)
    assert covers(cast.superuser, cast.other_street.code)


def test_permission_prefixes_lists_where_each_permission_is_held(cast):
    assign(cast.grid_worker_a, "grid_worker", cast.grid_c, valid_from=datetime.date(2024, 1, 1))
    held = permission_prefixes(cast.grid_worker_a, "cases")
    assert held["report_case"] == [cast.grid_a.code, cast.grid_c.code]
    assert "supervise_case" not in held
    assert permission_prefixes(cast.street_leader, "cases")["view_case"] == ["410102001"]
    assert permission_prefixes(cast.outsider, "cases") == {}
