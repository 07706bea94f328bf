"""Two conflicting actions on one case at the same moment: exactly one wins, the other is told
why, and the case is left consistent. Real threads on real PostgreSQL connections."""

import pytest

from accounts.models import Organisation, OrganisationKind
from cases import transitions as t
from cases.models import Case, CaseAssignment, CaseEvent, Rating, Status
from cases.testing import advance, race, report
from cases.workflow import REPORTER

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_dispatchers_dispatch_the_same_case_and_one_wins(cc):
    second_dispatcher = cc.community_staff
    other_unit = Organisation.objects.create(name="百花社区维修队", kind=OrganisationKind.OTHER,
                                             home_area=cc.cast.community1)
    for _round in range(3):
        case = advance(report(cc), Status.PENDING_DISPATCH, cc)
        results = race(
            lambda case=case: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
            lambda case=case: t.case_dispatch(case=case, actor=second_dispatcher, lead=other_unit),
        )
        assert sorted(kind for kind, _message in results) == ["ok", "refused"], results
        assert any("待签收" in message or "刚刚被其他人处理过" in message for _kind, message in results)
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED
        assert CaseAssignment.objects.filter(case=case, role="lead").count() == 1
        assert CaseEvent.objects.filter(case=case, verb="dispatch").count() == 1


def test_dispatch_and_cancel_at_once_leave_one_consistent_outcome(cc):
    """A reporter's cancel is allowed only before dispatch (after it, a request the desk decides):
    exactly one of the two wins."""
    for _round in range(5):
        case = advance(report(cc), Status.PENDING_DISPATCH, cc)
        results = race(
            lambda case=case: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company),
            lambda case=case: t.case_cancel(case=case, actor=REPORTER, reason="已自行解决。"),
        )
        assert sorted(kind for kind, _message in results) == ["ok", "refused"], results
        case = Case.objects.get(pk=case.pk)
        live = CaseAssignment.objects.filter(case=case, state__in=("dispatched", "signed")).count()
        if results[0][0] == "ok":
            assert case.status == Status.DISPATCHED and live == 1
        else:
            assert case.status == Status.CANCELLED and live == 0


def test_two_ratings_at_once_record_one(cc):
    case = advance(report(cc), Status.CLOSED, cc)
    results = race(
        lambda: t.case_rate(case=case, actor=REPORTER, rating=Rating.SATISFIED),
        lambda: t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED, comment="还是很乱。"),
    )
    assert sorted(kind for kind, _message in results) == ["ok", "refused"], results
    assert CaseEvent.objects.filter(case=case, verb="rate").count() == 1
