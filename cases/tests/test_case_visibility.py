"""Who sees which case: the areas where one may view cases, and a unit's own assignments."""

from __future__ import annotations

from accounts.catalog import grant_app_permissions
from accounts.models import Role
from cases import transitions as t
from cases.models import Case, Status
from cases.testing import advance, report


def test_a_handler_sees_the_cases_of_their_unit_only(cc, client):  # type: ignore[no-untyped-def]
    """A 物业 handler's role sits on the street, but a neighbour's dispute there is none of theirs."""
    mine = advance(report(cc), Status.DISPATCHED, cc)  # dispatched to 百花物业
    not_mine = report(cc, category="t-dispute", description="邻里因漏水发生纠纷。")
    assert list(Case.objects.visible_to(cc.property_handler)) == [mine]
    client.force_login(cc.property_handler)
    assert client.get(f"/cases/{mine.number}/").status_code == 200
    assert client.get(f"/cases/{not_mine.number}/").status_code == 404
    assert client.get(f"/cases/{not_mine.number}/dispute/").status_code == 404
    workbench = client.get("/cases/?queue=all").content.decode()
    assert mine.number in workbench and not_mine.number not in workbench


def test_a_handler_keeps_seeing_a_case_their_unit_finished(cc):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_feedback(case=case, actor=cc.property_handler, comment="已清理。")
    assert Case.objects.visible_to(cc.property_handler).filter(pk=case.pk).exists()


def test_desk_staff_see_every_case_of_their_area(cc):  # type: ignore[no-untyped-def]
    cases = [report(cc), report(cc, category="t-dispute")]
    assert set(Case.objects.visible_to(cc.dispatcher)) == set(cases)
    assert not Case.objects.visible_to(cc.other_street_dispatcher).exists()


def test_roles_older_than_the_cases_app_get_its_permissions_once(db):  # type: ignore[no-untyped-def]
    worker = Role.objects.get(code="grid_worker")
    worker.permissions.remove(*worker.permissions.filter(content_type__app_label="cases"))
    leader = Role.objects.get(code="street_leader")
    leader.permissions.remove(*leader.permissions.filter(content_type__app_label="cases", codename="export_case"))

    assert grant_app_permissions("cases") == 1
    assert worker.permissions.filter(content_type__app_label="cases", codename="report_case").exists()
    # A role that holds some cases permission is an administrator's choice: left alone.
    assert not leader.permissions.filter(codename="export_case").exists()
    assert grant_app_permissions("cases") == 0
