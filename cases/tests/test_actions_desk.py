"""Actions at the desk through the case page: accept, reject, self-handle, escalate, dispatch,
hold and resume, merge, split — each happy, refused (banner, nothing changed) and with bad input
(the form again, with the field's message, nothing changed)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from cases import transitions as t
from cases.models import Case, CaseEvent, HandlingLevel, RoutingRule, Status
from cases.testing import advance, report
from cases.tests.case_actions import act, done


def status(case: Case) -> str:
    return Case.objects.get(pk=case.pk).status


def test_it_accepts_with_a_comment(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    response = act(client, cc.dispatcher, case, "accept", comment="属实，受理。")
    done(response, "受理")
    assert response.redirect_chain[-1][0] == f"/cases/{case.number}/"
    assert status(case) == Status.PENDING_DISPATCH
    assert CaseEvent.objects.get(case=case, verb="accept").comment == "属实，受理。"


def test_it_refuses_to_accept_for_a_grid_worker_and_changes_nothing(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    html = act(client, cc.cast.grid_worker_a, case, "accept").content.decode()
    assert "您没有权限对这个事件受理。" in html
    assert status(case) == Status.REPORTED and not CaseEvent.objects.filter(verb="accept").exists()


def test_it_refuses_to_accept_twice(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    html = act(client, cc.dispatcher, case, "accept").content.decode()
    assert "事件当前为“待派遣”，不能受理。" in html
    assert CaseEvent.objects.filter(case=case, verb="accept").count() == 1


def test_it_rejects_with_a_reason_and_asks_for_one_when_missing(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    response = act(client, cc.dispatcher, case, "reject", reason="")
    html = response.content.decode()
    assert response.status_code == 400 and "请填写不予受理的理由。" in html
    assert 'data-open-on-load="true"' in html and 'id="action-reject"' in html
    assert status(case) == Status.REPORTED
    done(act(client, cc.dispatcher, case, "reject", reason="不属于受理范围。"), "不予受理")
    assert status(case) == Status.REJECTED


def test_it_asks_before_rejecting(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="form-reject"' in html and 'data-confirm="确定不予受理这个事件吗？"' in html
    # Accepting is not asked about; merging (offered on a reported case too) is final, so it is.
    assert 'id="form-accept"' in html and html.count("data-confirm=") == 2
    assert 'data-confirm="确定合并吗？' in html


def test_it_self_handles_in_the_grid(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    done(act(client, cc.cast.grid_worker_a, case, "self_handle", comment="网格员自行清理。"), "网格自办")
    case.refresh_from_db()
    assert case.status == Status.HANDLING and case.self_handled and case.handler == cc.cast.grid_worker_a


def test_it_refuses_self_handling_at_the_street_desk(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    t.case_escalate(case=case, actor=cc.dispatcher, reason="社区协调。")
    t.case_escalate(case=case, actor=cc.dispatcher, reason="街道协调。")
    html = act(client, cc.community_staff, case, "self_handle").content.decode()
    assert "只有网格和社区可以自办事件。" in html
    assert status(case) == Status.PENDING_DISPATCH


def test_it_escalates_with_a_reason(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    response = act(client, cc.cast.grid_worker_a, case, "escalate", reason="")
    assert response.status_code == 400 and "请填写上报理由。" in response.content.decode()
    done(act(client, cc.cast.grid_worker_a, case, "escalate", reason="需要社区协调物业。"), "上报上级")
    case.refresh_from_db()
    assert case.level == HandlingLevel.COMMUNITY and case.desk_area == cc.cast.community1


def test_it_dispatches_to_a_lead_and_assisting_units(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert "百花物业" in html and "林山寨综合执法中队" in html
    due = (timezone.localtime() + datetime.timedelta(days=7)).replace(second=0, microsecond=0)
    response = act(client, cc.dispatcher, case, "dispatch", lead=cc.enforcement.pk, assists=[cc.property_company.pk],
                   due_at=due.strftime("%Y-%m-%dT%H:%M"), comment="请三日内拆除。")
    done(response, "派遣")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.lead_organisation == cc.enforcement
    assert case.handle_due_at == due
    assert sorted(case.assignments.values_list("role", flat=True)) == ["assist", "lead"]


def test_it_suggests_the_unit_the_routing_rules_name(cc, client):  # type: ignore[no-untyped-def]
    RoutingRule.objects.create(category=cc.category("t-clutter"), area=cc.cast.community1,
                               organisation=cc.enforcement)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    lead = html[html.index('name="dispatch-lead"'):]
    lead = lead[:lead.index("</select>")]
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]*)</option>', lead)
    assert [(value, bool(selected)) for value, selected, _label in options[1:]] == [
        (str(cc.enforcement.pk), True), (str(cc.property_company.pk), False)]
    assert options[1][2] == "林山寨综合执法中队（综合执法中队）（推荐）"
    assert "推荐" not in options[2][2]


def test_it_shows_dispatch_errors_on_their_fields(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    response = act(client, cc.dispatcher, case, "dispatch", lead="")
    assert response.status_code == 400 and "请选择主办单位。" in response.content.decode()
    response = act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk, due_at="2001-01-01T09:00")
    html = response.content.decode()
    assert response.status_code == 400 and "办理时限必须晚于现在。" in html
    assert 'id="action-dispatch" tabindex="-1" aria-labelledby="action-dispatch-title" aria-hidden="true" ' \
           'data-open-on-load="true"' in html
    assert status(case) == Status.PENDING_DISPATCH and not case.assignments.exists()


def test_it_holds_and_resumes(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    response = act(client, cc.dispatcher, case, "hold", reason="")
    assert response.status_code == 400 and "请填写挂账原因。" in response.content.decode()
    done(act(client, cc.dispatcher, case, "hold", reason="等待产权单位答复。"), "挂账")
    assert status(case) == Status.ON_HOLD
    html = act(client, cc.property_handler, case, "resume").content.decode()
    assert "您没有权限对这个事件恢复办理。" in html and status(case) == Status.ON_HOLD
    done(act(client, cc.dispatcher, case, "resume", comment="已答复。"), "恢复办理")
    assert status(case) == Status.HANDLING


def test_it_merges_into_another_case_by_number(cc, client):  # type: ignore[no-untyped-def]
    original = report(cc)
    duplicate = report(cc)
    response = act(client, cc.dispatcher, duplicate, "merge", into="")
    assert response.status_code == 400 and "请填写要合并到的事件编号。" in response.content.decode()
    response = act(client, cc.dispatcher, duplicate, "merge", into="20990101999999")
    assert response.status_code == 400 and "没有找到编号为 20990101999999 的事件。" in response.content.decode()
    response = act(client, cc.dispatcher, duplicate, "merge", into=duplicate.number)
    assert response.status_code == 400 and "请填写另一个您能查看的事件编号。" in response.content.decode()
    assert status(duplicate) == Status.REPORTED
    done(act(client, cc.dispatcher, duplicate, "merge", into=original.number, comment="同一问题。"), "合并")
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of == original


def test_it_cannot_merge_into_a_case_out_of_scope(cc, client):  # type: ignore[no-untyped-def]
    ours = report(cc)
    theirs = report(cc, grid=cc.cast.grid_c, actor=cc.other_street_dispatcher)
    response = act(client, cc.dispatcher, ours, "merge", into=theirs.number)
    assert response.status_code == 400 and f"没有找到编号为 {theirs.number} 的事件。" in response.content.decode()


def test_it_splits_into_child_cases(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    clutter, building = cc.category("t-clutter"), cc.category("t-building")
    response = act(client, cc.dispatcher, case, "split", category_1=clutter.pk, text_1="楼道堆物")
    assert response.status_code == 400 and "拆分至少要有两项，每项都要有类别和描述。" in response.content.decode()
    response = act(client, cc.dispatcher, case, "split", category_1=clutter.pk, text_1="楼道堆物", text_2="没有类别")
    assert response.status_code == 400 and status(case) == Status.PENDING_DISPATCH
    response = act(client, cc.dispatcher, case, "split", category_1=clutter.pk, text_1="楼道堆物",
                   category_3=building.pk, text_3="楼顶违章搭建")
    children = list(Case.objects.filter(parent=case).order_by("pk"))
    assert len(children) == 2 and [child.category for child in children] == [clutter, building]
    assert f"已拆分为：{children[0].number}、{children[1].number}。" in response.content.decode()
    assert status(case) == Status.SPLIT


def test_it_answers_404_for_unknown_verbs_and_cases_out_of_scope(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    assert act(client, cc.dispatcher, case, "teleport").status_code == 404
    assert act(client, cc.other_street_dispatcher, case, "accept").status_code == 404
    client.force_login(cc.dispatcher)
    assert status(case) == Status.REPORTED


def test_reloading_a_page_with_form_errors_goes_back_to_the_case(cc, client):  # type: ignore[no-untyped-def]
    """The errors are shown at the action's address; a reload (GET) must not end on a blank 405."""
    case = report(cc)
    response = act(client, cc.dispatcher, case, "reject", reason="")
    assert response.status_code == 400
    response = client.get(f"/cases/{case.number}/do/reject/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert status(case) == Status.REPORTED
    client.force_login(cc.other_street_dispatcher)
    assert client.get(f"/cases/{case.number}/do/reject/").status_code == 404  # still scoped


@pytest.mark.parametrize(("verb", "fields", "message"), [
    ("reject", {"reason": "不归我们管。"}, "您没有权限对这个事件不予受理。"),
    ("merge", {"into": "x"}, "您没有权限对这个事件合并。"),
])
def test_it_refuses_desk_actions_on_new_reports_to_the_grid_worker(cc, client, verb, fields, message):  # type: ignore[no-untyped-def]
    case = report(cc)
    other = report(cc)
    fields = {key: other.number if value == "x" else value for key, value in fields.items()}
    html = act(client, cc.cast.grid_worker_a, case, verb, **fields).content.decode()
    assert message in html
    assert status(case) == Status.REPORTED and CaseEvent.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(("verb", "fields", "message"), [
    ("escalate", {"reason": "太难了。"}, "您没有权限对这个事件上报上级。"),
    ("dispatch", {"lead": "unit"}, "您没有权限对这个事件派遣。"),
    ("split", {"category_1": "c", "text_1": "一", "category_2": "c", "text_2": "二"}, "您没有权限对这个事件拆分。"),
    ("self_handle", {}, "您没有权限对这个事件网格自办。"),
])
def test_it_refuses_desk_actions_to_a_handler(cc, client, verb, fields, message):  # type: ignore[no-untyped-def]
    """On a case dispatched to their unit (which they see), a handler is told what they may not do."""
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_return(case=case, actor=cc.property_handler, reason="不属于物业职责。")  # back at the desk
    values = {"unit": cc.property_company.pk, "c": cc.category("t-clutter").pk}
    fields = {key: values.get(value, value) for key, value in fields.items()}
    events = CaseEvent.objects.filter(case=case).count()
    html = act(client, cc.property_handler, case, verb, **fields).content.decode()
    assert message in html
    assert status(case) == Status.PENDING_DISPATCH and not Case.objects.filter(parent=case).exists()
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_handler_cannot_even_see_a_case_not_dispatched_to_their_unit(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    assert act(client, cc.property_handler, case, "dispatch", lead=cc.property_company.pk).status_code == 404
    assert status(case) == Status.PENDING_DISPATCH


def test_merging_and_splitting_ask_before_they_end_the_case(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-confirm="确定合并吗？这个事件将作为重复事件结束，不能恢复。"' in html
    assert 'data-confirm="确定拆分吗？这个事件将结束，由拆分出的事件分别办理。"' in html


@pytest.mark.parametrize(("due_at", "message"), [
    ("9999-12-31T23:59", "办理时限应在 1900-01-01 到 2100-12-31 之间。"),
    ("0001-01-01T00:00", "办理时限应在 1900-01-01 到 2100-12-31 之间。"),
    ("2100-12-31T23:59", "办理时限不能晚于一年之后。"),
])
def test_it_refuses_a_deadline_beyond_a_year(cc, client, due_at, message):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    response = act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk, due_at=due_at)
    assert response.status_code == 400 and message in response.content.decode()
    assert status(case) == Status.PENDING_DISPATCH and not case.assignments.exists()


def test_a_deadline_a_year_ahead_can_still_be_extended(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    due = (timezone.localtime() + datetime.timedelta(days=365)).replace(second=0, microsecond=0)
    done(act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk,
             due_at=due.strftime("%Y-%m-%dT%H:%M")), "派遣")
    done(act(client, cc.property_handler, case, "sign"), "签收")
    done(act(client, cc.property_handler, case, "request_extension", extra_days="30", reason="材料未到。"), "申请延期")
    done(act(client, cc.dispatcher, case, "decide_extension", decision="approve", note="同意。"), "审批延期")
    case.refresh_from_db()
    assert case.handle_due_at > due + datetime.timedelta(days=30)
