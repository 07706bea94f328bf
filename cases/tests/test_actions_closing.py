"""Closing a case through the case page: verify (with photos), close with an outcome, rate,
reopen or decline a reopen request, and cancel by the reporter."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.models import Case, CaseEvent, Channel, Outcome, Rating, RatingSource, Status
from cases.testing import advance, report
from cases.tests.case_actions import act, done


def hotline_case(cc) -> Case:  # type: ignore[no-untyped-def]
    """A caller's problem recorded by the street's desk: the desk may record the caller's rating."""
    return report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE, reporter_name="王大妈",
                  reporter_phone="13812345678")


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 30), (20, 160, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_it_verifies_with_a_photo(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    response = act(client, cc.cast.grid_worker_a, case, "verify", passed="yes", comment="现场已清理。",
                   photos=[jpeg()])
    done(response, "核查")
    case = fresh(case)
    assert case.status == Status.VERIFIED
    assert CaseEvent.objects.get(case=case, verb="verify").attachments.count() == 1


def test_it_sends_a_failed_verification_back_for_rework(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    response = act(client, cc.cast.grid_worker_a, case, "verify", passed="no", comment="")
    assert response.status_code == 400 and "请说明核查不通过的原因。" in response.content.decode()
    response = act(client, cc.cast.grid_worker_a, case, "verify")
    assert response.status_code == 400 and "请选择核查结果。" in response.content.decode()
    assert fresh(case).status == Status.PENDING_VERIFY
    done(act(client, cc.cast.grid_worker_a, case, "verify", passed="no", comment="杂物还在。"), "核查")
    case = fresh(case)
    assert case.status == Status.HANDLING and case.rework_count == 1


def test_it_refuses_verification_by_another_grid(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    assert act(client, cc.cast.grid_worker_b, case, "verify", passed="yes").status_code == 404
    html = act(client, cc.property_handler, case, "verify", passed="yes").content.decode()
    assert "您没有权限对这个事件核查。" in html and fresh(case).status == Status.PENDING_VERIFY


def test_it_closes_with_an_outcome_after_confirmation(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.VERIFIED, cc)
    client.force_login(cc.dispatcher)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-confirm="确定结案吗？结案后将请反映人评价。"' in html
    response = act(client, cc.dispatcher, case, "close", outcome="", note="")
    html = response.content.decode()
    assert response.status_code == 400 and "请选择办理结果。" in html
    response = act(client, cc.dispatcher, case, "close", outcome=Outcome.PARTLY, note="")
    assert response.status_code == 400 and "请填写结案说明。" in response.content.decode()
    assert fresh(case).status == Status.VERIFIED
    done(act(client, cc.dispatcher, case, "close", outcome=Outcome.PARTLY, note="杂物已清，车棚待改造。"), "结案")
    case = fresh(case)
    assert case.status == Status.CLOSED and case.outcome == Outcome.PARTLY


def test_it_refuses_closing_by_the_grid_worker(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.VERIFIED, cc)
    html = act(client, cc.cast.grid_worker_a, case, "close", outcome=Outcome.RESOLVED, note="好了").content.decode()
    assert "您没有权限对这个事件结案。" in html and fresh(case).status == Status.VERIFIED


def test_it_records_a_rating_after_a_call_back(cc, client):  # type: ignore[no-untyped-def]
    case = advance(hotline_case(cc), Status.CLOSED, cc, now=timezone.now() - datetime.timedelta(hours=1))
    caller = cc.community_staff  # the desk, but neither handler, verifier nor closer
    called = (timezone.localtime() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    response = act(client, caller, case, "callback", rating=Rating.DISSATISFIED, comment="", called_at=called)
    assert response.status_code == 400 and "请说明不满意的原因。" in response.content.decode()
    response = act(client, caller, case, "callback", rating="", called_at=called)
    assert response.status_code == 400 and "请选择评价。" in response.content.decode()
    response = act(client, caller, case, "callback", rating=Rating.BASICALLY, called_at="")
    assert response.status_code == 400 and "请填写回访时间。" in response.content.decode()
    before_closing = (timezone.localtime() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = act(client, caller, case, "callback", rating=Rating.BASICALLY, called_at=before_closing)
    assert response.status_code == 400 and "回访时间应在结案之后、现在之前。" in response.content.decode()
    assert fresh(case).rating == ""
    done(act(client, caller, case, "callback", rating=Rating.BASICALLY, comment="电话回访。", called_at=called),
         "回访")
    case = fresh(case)
    assert (case.rating, case.rating_source, case.rating_caller) == (Rating.BASICALLY, RatingSource.CALLBACK, caller)
    assert timezone.localtime(case.rating_called_at).strftime("%Y-%m-%dT%H:%M") == called
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert f'id="rating-source">回访 · {caller} · ' in html
    html = act(client, caller, case, "callback", rating=Rating.SATISFIED, called_at=called).content.decode()
    assert "这个事件已经评价过了。" in html and fresh(case).rating == Rating.BASICALLY


def test_the_staff_who_worked_on_the_case_may_not_record_its_call_back(cc, client):  # type: ignore[no-untyped-def]
    case = advance(hotline_case(cc), Status.CLOSED, cc)  # closed by the dispatcher
    client.force_login(cc.dispatcher)
    assert 'id="do-callback"' not in client.get(f"/cases/{case.number}/").content.decode()
    called = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    html = act(client, cc.dispatcher, case, "callback", rating=Rating.SATISFIED, called_at=called).content.decode()
    assert "您没有权限对这个事件回访。" in html and fresh(case).rating == ""
    client.force_login(cc.community_staff)
    assert 'id="do-callback"' in client.get(f"/cases/{case.number}/").content.decode()


def test_the_desk_may_not_rate_in_the_residents_name(cc, client):  # type: ignore[no-untyped-def]
    case = advance(hotline_case(cc), Status.CLOSED, cc)
    html = act(client, cc.community_staff, case, "rate", rating=Rating.SATISFIED).content.decode()
    assert "您没有权限对这个事件评价。" in html and fresh(case).rating == ""


def test_it_reopens_or_declines_after_an_unhappy_rating(cc, client):  # type: ignore[no-untyped-def]
    case = advance(hotline_case(cc), Status.CLOSED, cc)
    html = act(client, cc.dispatcher, case, "decline_reopen", reason="已说明。").content.decode()
    assert "没有待决定的重办申请。" in html
    act(client, cc.community_staff, case, "callback", rating=Rating.DISSATISFIED, comment="没有清理干净。",
        called_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    assert fresh(case).reopen_requested
    response = act(client, cc.dispatcher, case, "decline_reopen", reason="")
    assert response.status_code == 400 and "请填写不予重办的理由。" in response.content.decode()
    done(act(client, cc.dispatcher, case, "decline_reopen", reason="已按规定处理并向反映人说明。"), "不予重办")
    assert fresh(case).reopen_requested is False and fresh(case).status == Status.CLOSED
    html = act(client, cc.dispatcher, case, "reopen", reason="还是重办吧。").content.decode()
    assert "已决定不予重办，不能再重新办理" in html and fresh(case).status == Status.CLOSED

    case = advance(hotline_case(cc), Status.CLOSED, cc)
    act(client, cc.community_staff, case, "callback", rating=Rating.DISSATISFIED, comment="没有清理干净。",
        called_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    response = act(client, cc.dispatcher, case, "reopen", reason="")
    assert response.status_code == 400 and "请填写重新办理的理由。" in response.content.decode()
    html = act(client, cc.property_handler, case, "reopen", reason="我们想再来").content.decode()
    assert "您没有权限对这个事件重新办理。" in html
    done(act(client, cc.dispatcher, case, "reopen", reason="复查发现问题反弹。"), "重新办理")
    case = fresh(case)
    assert case.status == Status.PENDING_DISPATCH and case.reopen_count == 1


def test_it_lets_the_reporter_cancel_after_confirming(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    client.force_login(cc.cast.grid_worker_a)
    html = client.get(f"/cases/{case.number}/").content.decode()
    assert 'data-confirm="确定撤销这个事件吗？撤销后不能恢复。"' in html
    html = act(client, cc.dispatcher, case, "cancel", reason="").content.decode()
    assert "您没有权限对这个事件撤销。" in html and fresh(case).status == Status.REPORTED
    done(act(client, cc.cast.grid_worker_a, case, "cancel", reason="已自行解决。"), "撤销")
    assert fresh(case).status == Status.CANCELLED
    html = act(client, cc.cast.grid_worker_a, case, "cancel").content.decode()
    assert "事件当前为“已撤销”，不能撤销。" in html


def test_nobody_on_the_staff_rates_a_grid_workers_own_report(cc, client):  # type: ignore[no-untyped-def]
    """No resident stands behind it: the reporter and the desk must not grade their own work."""
    case = advance(report(cc), Status.CLOSED, cc)
    for user in (cc.cast.grid_worker_a, cc.dispatcher, cc.grid_leader):
        client.force_login(user)
        assert 'id="do-rate"' not in client.get(f"/cases/{case.number}/").content.decode()
    html = act(client, cc.dispatcher, case, "rate", rating=Rating.SATISFIED).content.decode()
    assert "您没有权限对这个事件评价。" in html and fresh(case).rating == ""
