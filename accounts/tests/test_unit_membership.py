"""Active members of a unit (``OrganisationMember.objects.acting``): membership counts only while
the member holds a handler role (``UNIT_WORK_PERMISSION``) through a current assignment."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    RoleAssignment,
    User,
    on_duty,
)
from accounts.testing import Cast, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def unit(cast: Cast) -> Organisation:
    return Organisation.objects.create(name="百花物业", kind=OrganisationKind.PROPERTY, home_area=cast.street1)


def _acting(unit: Organisation, on: datetime.date | None = None) -> set[str]:
    return set(OrganisationMember.objects.acting(on).filter(organisation=unit).values_list("user__username", flat=True))


def test_a_member_counts_while_their_handler_role_runs(cast: Cast, unit: Organisation) -> None:
    handler = make_user("handler", "property_handler", cast.community1)
    OrganisationMember.objects.create(organisation=unit, user=handler)
    assert _acting(unit) == {"handler"}
    RoleAssignment.objects.filter(user=handler).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert _acting(unit) == set()
    assert _acting(unit, on=TODAY - datetime.timedelta(days=1)) == {"handler"}
    assert OrganisationMember.objects.filter(organisation=unit).count() == 1  # the row stays


def test_membership_alone_or_a_role_without_the_handler_permission_counts_for_nothing(cast: Cast,
                                                                                      unit: Organisation) -> None:
    OrganisationMember.objects.create(organisation=unit, user=make_user("clerk", None, None))
    OrganisationMember.objects.create(organisation=unit, user=cast.grid_worker_a)  # 网格员: no handle_case
    assert _acting(unit) == set()


def test_a_deactivated_account_never_counts_and_a_superuser_always_does(cast: Cast, unit: Organisation) -> None:
    handler = make_user("handler", "property_handler", cast.community1, is_active=False)
    OrganisationMember.objects.create(organisation=unit, user=handler)
    OrganisationMember.objects.create(organisation=unit, user=cast.superuser)
    assert _acting(unit) == {"root"}
    assert set(OrganisationMember.objects.unit_ids(cast.superuser).values_list("organisation_id", flat=True)) \
        == {unit.pk}


def test_on_duty_means_an_active_account_with_a_current_assignment(cast: Cast) -> None:
    RoleAssignment.objects.filter(user=cast.grid_worker_b).update(valid_until=TODAY - datetime.timedelta(days=1))
    on = set(User.objects.filter(on_duty()).values_list("username", flat=True))
    assert {"root", "grid_worker_a", "district_admin"} <= on
    assert "grid_worker_b" not in on and "outsider" not in on
