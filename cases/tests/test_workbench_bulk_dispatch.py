"""Bulk dispatch (批量派遣) from the workbench: each case dispatched on its own; refusals reported."""

from __future__ import annotations

from cases.models import AssignmentRole, Case, CaseEvent, Status
from cases.testing import advance, report


def post(client, cases, lead, assists=(), **extra):  # type: ignore[no-untyped-def]
    data = {"bulk-cases": [case.pk for case in cases], "bulk-lead": lead.pk if lead else "",
            "bulk-assists": [unit.pk for unit in assists], **{f"bulk-{key}": value for key, value in extra.items()}}
    return client.post("/cases/dispatch/", data, follow=True)


def test_it_shows_the_bulk_form_to_dispatchers_in_the_dispatch_queue(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "pending_dispatch"}).content.decode()
    assert 'id="bulk-dispatch-form"' in html
    assert f'name="bulk-cases" value="{case.pk}"' in html
    assert "百花物业" in html and "林山寨综合执法中队" in html
    assert 'id="bulk-dispatch-form"' not in client.get("/cases/", {"queue": "reported"}).content.decode()
    client.force_login(cc.cast.grid_worker_a)  # may self-handle, not dispatch
    html = client.get("/cases/", {"queue": "pending_dispatch"}).content.decode()
    assert case.number in html and 'id="bulk-dispatch-form"' not in html


def test_it_dispatches_each_case_and_reports_the_one_refused(cc, client):  # type: ignore[no-untyped-def]
    first = advance(report(cc), Status.PENDING_DISPATCH, cc)
    second = advance(report(cc), Status.PENDING_DISPATCH, cc)
    taken = advance(report(cc), Status.DISPATCHED, cc)  # dispatched meanwhile by someone else
    client.force_login(cc.dispatcher)
    response = post(client, [first, taken, second], cc.enforcement, assists=[cc.property_company],
                    comment="请尽快处理。")
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/cases/?queue=pending_dispatch"
    assert f"已派遣 2 件事件：{first.number}、{second.number}" in html
    assert f"事件 {taken.number} 未派遣：事件当前为“待签收”，不能派遣。" in html
    for case in (first, second):
        case.refresh_from_db()
        assert case.status == Status.DISPATCHED and case.lead_organisation == cc.enforcement
        roles = dict(case.assignments.values_list("organisation__name", "role"))
        assert roles == {"林山寨综合执法中队": AssignmentRole.LEAD, "百花物业": AssignmentRole.ASSIST}
        assert CaseEvent.objects.get(case=case, verb="dispatch").comment == "请尽快处理。"
    taken.refresh_from_db()
    assert taken.lead_organisation == cc.property_company  # untouched
    assert taken.assignments.count() == 2


def test_it_refuses_every_case_for_a_user_who_may_not_dispatch(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.cast.grid_worker_a)
    assert post(client, [case], cc.property_company).status_code == 403
    client.force_login(cc.grid_leader)  # dispatches in grid A only: a case of grid B is out of reach
    far = advance(report(cc, grid=cc.cast.grid_b, actor=cc.cast.grid_worker_b), Status.PENDING_DISPATCH, cc)
    html = post(client, [case, far], cc.enforcement).content.decode()
    assert "所选事件不存在或无权查看。" in html
    case.refresh_from_db()
    assert case.status == Status.PENDING_DISPATCH


def test_it_refuses_the_whole_form_for_bad_input(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    assert "请选择主办单位。" in post(client, [case], None).content.decode()
    assert "请至少选择一个事件。" in post(client, [], cc.property_company).content.decode()
    html = post(client, [case], cc.property_company, due_at="2000-01-01T10:00").content.decode()
    assert f"事件 {case.number} 未派遣：办理时限必须晚于现在。" in html
    case.refresh_from_db()
    assert case.status == Status.PENDING_DISPATCH and not case.assignments.exists()


def test_it_cannot_reach_cases_outside_the_dispatchers_scope(cc, client):  # type: ignore[no-untyped-def]
    ours = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.other_street_dispatcher)
    html = post(client, [ours], cc.property_company).content.decode()
    assert "所选事件不存在或无权查看。" in html
    assert Case.objects.get(pk=ours.pk).status == Status.PENDING_DISPATCH
