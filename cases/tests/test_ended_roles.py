"""A handler whose role assignment has ended but whose unit membership remains: nothing reaches them.

Every path asks ``OrganisationMember.objects.acting`` (an active role assignment holding
``cases.handle_case``) or ``accounts.models.on_duty``: case visibility, the case page and its
photos, the ledger export, the workbench queues and who is told.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import OrganisationMember, RoleAssignment, User
from accounts.testing import make_user
from cases import transitions as t
from cases.models import Case, CaseAttachment, Notification, Status
from cases.selectors import desk_of, workbench_queues
from cases.testing import CaseCast, advance, report, tiny_photo

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def end_assignments(user: User, role_code: str | None = None) -> None:
    assignments = RoleAssignment.objects.filter(user=user)
    if role_code:
        assignments = assignments.filter(role__code=role_code)
    assignments.update(valid_until=YESTERDAY)


@pytest.fixture
def former(cc: CaseCast) -> User:
    """Once 百花物业's handler (that role ended yesterday; the membership row stays), now a
    street leader of the *other* street: they still view cases and export ledgers, elsewhere."""
    user = make_user("former_handler", "property_handler", cc.cast.community1)
    OrganisationMember.objects.create(organisation=cc.property_company, user=user)
    end_assignments(user, "property_handler")
    RoleAssignment.objects.create(user=user, role_id=cc.cast.other_street_leader.assignments.get().role_id,
                                  area=cc.cast.street2, valid_from=datetime.date(2024, 1, 1))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def dispatched(cc: CaseCast) -> Case:
    """A case of grid A with a photo, dispatched to 百花物业 (lead) and the 执法中队 (assist)."""
    return advance(report(cc, photos=[tiny_photo()]), Status.DISPATCHED, cc)


def test_the_second_half_of_visible_to_needs_an_active_assignment(cc, former, dispatched):
    assert not Case.objects.visible_to(former).filter(pk=dispatched.pk).exists()
    assert Case.objects.visible_to(cc.property_handler).filter(pk=dispatched.pk).exists()


def test_the_case_page_and_its_photos_answer_404(cc, former, dispatched, login):
    photo = CaseAttachment.objects.get(case=dispatched)
    client = login(former)
    assert client.get(f"/cases/{dispatched.number}/").status_code == 404
    assert client.get(f"/cases/photo/{photo.token}/").status_code == 404
    client = login(cc.property_handler)
    assert client.get(f"/cases/photo/{photo.token}/").status_code == 200


def test_the_workbench_and_its_queues_leave_the_case_out(cc, former, dispatched, login):
    desk = desk_of(former)
    assert desk.organisations == ()
    assert "to_sign" not in {queue.key for queue in workbench_queues(former, desk=desk)}
    html = login(former).get("/cases/?queue=all").content.decode()
    assert dispatched.number not in html
    assert desk_of(cc.property_handler).organisations == (cc.property_company.pk,)


def test_the_ledger_export_leaves_the_case_out(cc, former, dispatched, login):
    response = login(former).get("/cases/ledger/export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None}
    assert dispatched.number not in cells
    page = login(former).get("/cases/ledger/").content.decode()
    assert dispatched.number not in page


@pytest.fixture
def told(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def run(action):  # type: ignore[no-untyped-def]
        start = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with django_capture_on_commit_callbacks(execute=True):
            action()
        return set(Notification.objects.filter(pk__gt=start).values_list("user__username", flat=True))

    return run


def test_a_dispatch_tells_the_active_members_only(cc, former, told):
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    received = told(lambda: t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company))
    assert received == {"property_handler"}


def test_a_member_whose_role_ends_hears_of_nothing_more(cc, told):
    case = advance(report(cc), Status.HANDLING, cc)
    end_assignments(cc.property_handler)
    received = told(lambda: t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。"))
    assert "property_handler" not in received


def test_a_dispatcher_whose_role_has_ended_is_not_told_of_a_returned_case(cc, told):
    case = advance(report(cc), Status.DISPATCHED, cc)
    end_assignments(cc.dispatcher)
    received = told(lambda: t.case_return(case=case, actor=cc.property_handler, reason="不属于本单位。"))
    assert "dispatcher1" not in received
    assert received  # the desk still hears of it
