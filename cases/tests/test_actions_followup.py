"""The verbs around a case's edges, through the pages: internal notes and replies to the reporter,
call-backs and the reporter's own rating, cancel requests after dispatch, and spot checks of
self-handled cases."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from cases import followup
from cases import transitions as t
from cases.models import Case, CaseAssignment, CaseEvent, Channel, Outcome, Rating, RatingSource, Status
from cases.testing import CaseCast, advance, report
from cases.tests.case_actions import act, done
from cases.workflow import RATING_WINDOW_DAYS, REPORTER


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def resident_case(cc: CaseCast) -> Case:
    return t.case_report(actor=REPORTER, category=cc.category("t-clutter"), description="5号楼楼道堆物。",
                         channel=Channel.RESIDENT, grid=cc.cast.grid_a, reporter_phone="13912345678")


def track(client, case: Case) -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/s/track/{case.tracking_code}/").content.decode()


def track_post(client, case: Case, verb: str, **fields):  # type: ignore[no-untyped-def]
    data = {f"{verb}-{name}": value for name, value in fields.items()}
    return client.post(f"/s/track/{case.tracking_code}/{verb}/", data, follow=True)


# ----- internal notes and replies --------------------------------------------------------------

def test_every_note_says_it_is_internal_and_the_reply_that_the_reporter_reads_it(cc, client):
    case = advance(resident_case(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert html.count("仅工作人员可见，不会显示给反映人。") >= 2  # 派遣意见, 合并说明…
    assert "给反映人的答复" in html and "反映人可见：会显示在查询进度页面上。" in html


def test_the_tracking_page_shows_the_reply_and_never_the_note_to_the_unit(cc, client):
    case = advance(resident_case(cc), Status.PENDING_DISPATCH, cc)
    done(act(client, cc.dispatcher, case, "dispatch", lead=cc.property_company.pk,
             comment="物业：请联系李女士 13700001111 核实。", reply="已交物业处理，请耐心等待。"), "派遣")
    event = CaseEvent.objects.get(case=case, verb="dispatch")
    assert (event.comment, event.reply) == ("物业：请联系李女士 13700001111 核实。", "已交物业处理，请耐心等待。")
    html = track(client, case)
    assert "已交物业处理，请耐心等待。" in html
    assert "13700001111" not in html and "李女士" not in html
    client.force_login(cc.dispatcher)
    staff = client.get(f"/cases/{case.number}/").content.decode()
    assert "13700001111" in staff and "已交物业处理，请耐心等待。" in staff


# ----- call-backs and the reporter's own rating ---------------------------------------------------

def test_the_reporters_own_rating_replaces_a_call_back_within_the_window(cc, client):
    case = advance(resident_case(cc), Status.CLOSED, cc, now=timezone.now() - datetime.timedelta(hours=2))
    followup.case_callback(case=case, actor=cc.community_staff, rating=Rating.SATISFIED,
                           called_at=timezone.now() - datetime.timedelta(minutes=30))
    html = track(client, case)
    assert 'id="callback-rating"' in html and "电话回访时记录的评价：满意" in html
    assert 'id="my-rating"' not in html  # not shown as the resident's own
    assert 'id="rate-form"' in html
    done_html = track_post(client, case, "rate", rating=Rating.DISSATISFIED, comment="楼道又堆满了。").content.decode()
    assert "感谢您的评价。" in done_html
    case = fresh(case)
    assert (case.rating, case.rating_source, case.rating_caller, case.reopen_requested) == (
        Rating.DISSATISFIED, RatingSource.SELF, None, True)
    assert CaseEvent.objects.get(case=case, verb="rate").data == {"rating": "dissatisfied", "replaces": "satisfied"}
    html = track(client, case)
    assert 'id="my-rating"' in html and 'id="rate-form"' not in html


def test_after_the_window_a_call_back_stands(cc, client):
    long_ago = timezone.now() - datetime.timedelta(days=RATING_WINDOW_DAYS + 2)
    case = advance(resident_case(cc), Status.CLOSED, cc, now=long_ago)
    followup.case_callback(case=case, actor=cc.community_staff, rating=Rating.SATISFIED,
                           called_at=long_ago + datetime.timedelta(hours=3))
    assert 'id="rate-form"' not in track(client, case)
    html = track_post(client, case, "rate", rating=Rating.BASICALLY).content.decode()
    assert "这个事件已经评价过了。" in html and fresh(case).rating_source == RatingSource.CALLBACK


def test_a_user_who_verified_the_case_may_not_call_back(cc):
    case = advance(report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE, reporter_name="王大妈",
                          reporter_phone="13812345678"), Status.VERIFIED, cc)
    case = t.case_close(case=case, actor=cc.community_staff, outcome=Outcome.RESOLVED, note="已解决。")
    assert "callback" not in t.allowed_verbs(case, cc.community_staff)  # closed it
    assert "callback" not in t.allowed_verbs(case, cc.cast.grid_worker_a)  # verified it (and no desk)
    assert "callback" in t.allowed_verbs(case, cc.dispatcher)
    assert "rate" not in t.allowed_verbs(case, cc.dispatcher)


def test_old_ratings_get_their_source_from_who_entered_them(cc):
    by_desk = advance(report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE), Status.CLOSED, cc)
    by_reporter = advance(resident_case(cc), Status.CLOSED, cc)
    now = timezone.now()
    CaseEvent.objects.create(case=by_desk, verb="rate", actor=cc.dispatcher, actor_label="d", to_status="closed",
                             area_code=by_desk.grid_code, time=now, data={"rating": "satisfied"})
    CaseEvent.objects.create(case=by_reporter, verb="rate", actor=None, actor_label="反映人", to_status="closed",
                             area_code=by_reporter.grid_code, time=now, data={"rating": "satisfied"})
    Case.objects.filter(pk__in=[by_desk.pk, by_reporter.pk]).update(rating=Rating.SATISFIED, rated_at=now)
    importlib.import_module("cases.migrations.0009_fill_rating_source").fill(apps, None)
    by_desk, by_reporter = fresh(by_desk), fresh(by_reporter)
    assert (by_desk.rating_source, by_desk.rating_caller, by_desk.rating_called_at) == (
        RatingSource.CALLBACK, cc.dispatcher, now)
    assert by_reporter.rating_source == RatingSource.SELF


# ----- cancel requests after dispatch ----------------------------------------------------------------

def test_after_dispatch_the_reporter_asks_and_the_desk_decides(cc, client):
    case = advance(resident_case(cc), Status.DISPATCHED, cc)
    html = track(client, case)
    assert 'id="request-cancel-form"' in html and 'id="cancel-form"' not in html
    html = track_post(client, case, "cancel").content.decode()  # the old way is refused
    assert "不能撤销" in html and fresh(case).status == Status.DISPATCHED
    html = track_post(client, case, "request_cancel", reason="已经自己清理了。").content.decode()
    assert "撤销申请已提交" in html and 'id="cancel-requested"' in html
    case = fresh(case)
    assert case.status == Status.DISPATCHED and case.cancel_requested_at and case.cancel_reason == "已经自己清理了。"

    client.force_login(cc.dispatcher)
    assert 'id="queue-cancel_requests"' in client.get("/cases/?queue=cancel_requests").content.decode()
    response = act(client, cc.dispatcher, case, "decide_cancel", decision="deny", note="")
    assert response.status_code == 400 and "请填写不同意撤销的理由。" in response.content.decode()
    done(act(client, cc.dispatcher, case, "decide_cancel", decision="approve", reply="已按您的意见撤销。"),
         "审批撤销申请")
    case = fresh(case)
    assert case.status == Status.CANCELLED and case.cancel_requested_at is None
    assert not CaseAssignment.objects.filter(case=case, state__in=("dispatched", "signed")).exists()
    html = track(client, case)
    assert "撤销申请已处理" in html and "同意撤销。" in html and "已按您的意见撤销。" in html


def test_a_declined_request_lets_the_work_go_on(cc):
    case = advance(resident_case(cc), Status.HANDLING, cc)
    followup.case_request_cancel(case=case, actor=REPORTER)
    case = followup.case_decide_cancel(case=case, actor=cc.dispatcher, approve=False, note="问题仍存在。")
    assert case.status == Status.HANDLING and case.cancel_requested_at is None
    assert "request_cancel" in t.allowed_verbs(case, REPORTER)


# ----- self-handled cases: checked by someone else, spot-checked by the 网格长 ------------------------

def self_resolved(cc: CaseCast) -> Case:
    return t.case_report_resolved(actor=cc.cast.grid_worker_a, category=cc.category("t-clutter"),
                                  description="楼道堆放纸箱。", note="当场清理。", grid=cc.cast.grid_a)


def test_the_worker_who_handled_it_is_not_offered_the_check(cc, client):
    case = self_resolved(cc)
    client.force_login(cc.cast.grid_worker_a)
    assert 'id="do-verify"' not in client.get(f"/cases/{case.number}/").content.decode()
    html = act(client, cc.cast.grid_worker_a, case, "verify", passed="yes").content.decode()
    assert "您没有权限对这个事件核查。" in html and fresh(case).status == Status.PENDING_VERIFY
    done(act(client, cc.community_staff, case, "verify", passed="yes", comment="社区复核。"), "核查")


def test_the_grid_leader_spot_checks_a_sample_and_flags_one(cc, client):
    case = self_resolved(cc)
    t.case_verify(case=case, actor=cc.community_staff, passed=True)
    verified_by_leader = self_resolved(cc)
    t.case_verify(case=verified_by_leader, actor=cc.grid_leader, passed=True)
    client.force_login(cc.grid_leader)
    assert 'id="spot-checks-link"' in client.get("/cases/").content.decode()
    html = client.get("/cases/spot-checks/").content.decode()
    assert f'data-case="{case.number}"' in html
    assert f'data-case="{verified_by_leader.number}"' not in html  # not their own check
    response = act(client, cc.grid_leader, case, "spot_check", result="flag", note="")
    assert response.status_code == 400 and "请说明抽查发现的问题。" in response.content.decode()
    done(act(client, cc.grid_leader, case, "spot_check", result="flag", note="照片不是本楼道。"), "抽查")
    case = fresh(case)
    assert (case.spot_check_flagged, case.spot_checked_by) == (True, cc.grid_leader)
    html = client.get("/cases/spot-checks/").content.decode()
    assert f'data-case="{case.number}"' in html.split('id="spot-check-done"')[1]
    assert f'data-case="{case.number}"' not in html.split('id="spot-check-done"')[0]
    html = act(client, cc.grid_leader, case, "spot_check", result="ok").content.decode()
    assert "只能抽查尚未抽查过的网格自办事件。" in html


@pytest.mark.parametrize("who", ["grid_worker_a", "property_handler"])
def test_spot_checks_are_for_the_grid_leader(cc, client, who):  # type: ignore[no-untyped-def]
    user = getattr(cc, who, None) or getattr(cc.cast, who)
    client.force_login(user)
    assert client.get("/cases/spot-checks/").status_code == 403
