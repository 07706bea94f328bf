"""``rollup_statistics.covers``: the rollups answer for a user unless a case they see lies outside
the areas where they may view cases (seen only through their unit's assignment)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import OrganisationMember
from accounts.testing import make_user
from cases import transitions as t
from cases.models import Status
from cases.rollup_statistics import covers
from cases.testing import advance, report


def test_a_user_in_no_unit_is_covered_without_looking_at_cases(cc):  # type: ignore[no-untyped-def]
    advance(report(cc), Status.DISPATCHED, cc)
    leader = cc.cast.street_leader
    leader.has_perm("cases.view_case")  # the role rows, cached on the user
    with CaptureQueriesContext(connection) as queries:
        assert covers(leader)
    assert len(queries) == 1  # the user's units only: no scan of the cases
    assert "cases_case" not in queries[0]["sql"]


def test_a_unit_member_is_covered_until_a_case_outside_their_areas_reaches_their_unit(cc):  # type: ignore[no-untyped-def]
    far_handler = make_user("far_handler", "property_handler", cc.cast.street2)
    OrganisationMember.objects.create(organisation=cc.enforcement, user=far_handler)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    assert covers(far_handler)

    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.enforcement)

    assert not covers(far_handler)
    assert covers(cc.property_handler)  # a member whose unit's cases lie in their areas
