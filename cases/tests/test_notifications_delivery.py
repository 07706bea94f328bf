"""How notifications are delivered: inbox rows, e-mail, SMS to reporters; failures never break an action."""

import logging
from unittest import mock

import pytest

from accounts.models import User
from cases import followup, sms
from cases import transitions as t
from cases.inbox import unread_count
from cases.models import CaseEvent, Channel, HandlingLevel, Notification, Status
from cases.notifications import TITLES, announce, notify_reporter, silenced, title_of
from cases.testing import advance, report
from cases.workflow import REPORTER


@pytest.fixture
def sms_outbox(settings):  # type: ignore[no-untyped-def]
    settings.CASES_SMS_BACKEND = "cases.sms.MemorySMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def with_email(*users: User) -> None:
    for user in users:
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@example.cn")


def hotline_case(cc, **extra):  # type: ignore[no-untyped-def]
    """A case a dispatcher recorded from the hotline for a resident who left a phone number."""
    values = {"actor": cc.dispatcher, "channel": Channel.HOTLINE, "reporter_name": "王女士",
              "reporter_phone": "13812345678", "level": HandlingLevel.GRID}
    values.update(extra)
    return report(cc, **values)


def test_it_e_mails_each_recipient_with_an_address_once(cc, mailoutbox, django_capture_on_commit_callbacks):
    with_email(cc.property_handler)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    with django_capture_on_commit_callbacks(execute=True):
        t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[cc.enforcement],
                        comment="请今天内清理。")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["property_handler@example.cn"]
    assert mail.subject == f"新派单待签收：{case.number} 楼道堆物"
    assert "请今天内清理。" in mail.body and f"/cases/{case.number}/" in mail.body
    emailed = Notification.objects.get(user=cc.property_handler)
    assert emailed.emailed_at is not None and emailed.body == "请今天内清理。"
    assert Notification.objects.get(user=cc.enforcement_handler).emailed_at is None  # no address


def test_links_are_absolute_when_the_public_address_is_set(cc, mailoutbox, settings,
                                                           django_capture_on_commit_callbacks):
    settings.PUBLIC_BASE_URL = "https://wangge.example.cn/"
    with_email(cc.grid_leader)
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cc)
    assert f"https://wangge.example.cn/cases/{case.number}/" in mailoutbox[0].body


def test_a_failing_mail_server_is_logged_and_the_action_stands(cc, caplog, django_capture_on_commit_callbacks):
    with_email(cc.grid_leader)
    with mock.patch("cases.notifications.send_mass_mail", side_effect=OSError("connection refused")), \
            caplog.at_level(logging.ERROR, logger="cases.notifications"), \
            django_capture_on_commit_callbacks(execute=True):
        case = report(cc)
    assert case.status == Status.REPORTED
    notification = Notification.objects.get(user=cc.grid_leader)
    assert notification.emailed_at is None
    assert "Could not e-mail" in caplog.text


def test_announce_never_raises(cc, caplog):
    case = report(cc)
    event = CaseEvent.objects.get(case=case, verb="report")
    with mock.patch("cases.notifications.plan_for", side_effect=RuntimeError("boom")), \
            caplog.at_level(logging.ERROR, logger="cases.notifications"):
        announce(event.pk)
    assert "Could not announce case event" in caplog.text
    announce(987654321)  # an unknown entry is logged, not raised


def test_acceptance_is_texted_to_the_residents_phone_with_the_tracking_link(cc, sms_outbox,
                                                                            django_capture_on_commit_callbacks):
    case = hotline_case(cc)
    with django_capture_on_commit_callbacks(execute=True):
        t.case_accept(case=case, actor=cc.grid_leader)
    assert len(sms_outbox) == 1
    message = sms_outbox[0]
    assert message.phone == "13812345678"
    assert "已受理" in message.message and case.tracking_code in message.message
    assert f"/s/track/{case.tracking_code}/" in message.message


def test_closure_asks_the_reporter_to_rate(cc, sms_outbox, mailoutbox, django_capture_on_commit_callbacks):
    with_email(cc.cast.grid_worker_a)
    case = advance(report(cc, reporter_name="李先生", reporter_phone="13912345678"), Status.VERIFIED, cc)
    with django_capture_on_commit_callbacks(execute=True):
        t.case_close(case=case, actor=cc.dispatcher, outcome="resolved", note="杂物已清理。")
    assert [message.phone for message in sms_outbox] == ["13912345678"]
    assert "已办结" in sms_outbox[0].message and "已解决" in sms_outbox[0].message
    assert "评价" in sms_outbox[0].message
    # The reporting grid worker: an inbox row, and one e-mail (the reporter's message, not a second copy).
    assert Notification.objects.get(user=cc.cast.grid_worker_a).verb == "close"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["grid_worker_a@example.cn"]
    assert case.tracking_code in mailoutbox[0].body


def test_a_rejection_tells_the_resident_why(cc, sms_outbox, django_capture_on_commit_callbacks):
    case = hotline_case(cc)
    with django_capture_on_commit_callbacks(execute=True):
        t.case_reject(case=case, actor=cc.grid_leader, reason="内部：该户多次重复反映。",
                      reply="不属于受理范围，请联系物业。")
    assert len(sms_outbox) == 1 and "不属于受理范围，请联系物业。" in sms_outbox[0].message
    assert "内部" not in sms_outbox[0].message  # the internal note never reaches the resident


def test_anonymous_reporters_and_other_verbs_get_no_text(cc, sms_outbox, django_capture_on_commit_callbacks):
    anonymous = hotline_case(cc, anonymous=True)
    named = hotline_case(cc)
    for action in (
        lambda: t.case_accept(case=anonymous, actor=cc.grid_leader),
        lambda: t.case_accept(case=named, actor=cc.grid_leader),
        lambda: t.case_dispatch(case=named, actor=cc.grid_leader, lead=cc.property_company),
        lambda: followup.case_request_cancel(case=named, actor=REPORTER),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            action()
    assert [message.phone for message in sms_outbox] == ["13812345678"]


def test_a_failing_sms_gateway_is_logged(cc, caplog, settings):
    settings.CASES_SMS_BACKEND = "cases.sms.ConsoleSMSBackend"
    case = hotline_case(cc)
    with mock.patch("cases.sms.ConsoleSMSBackend.send", side_effect=OSError("gateway down")), \
            caplog.at_level(logging.ERROR, logger="cases.notifications"):
        notify_reporter(case, "测试")
    assert "Could not send the SMS" in caplog.text


def test_the_console_backend_logs_the_phone_masked(cc, caplog, settings, django_capture_on_commit_callbacks):
    settings.CASES_SMS_BACKEND = "cases.sms.ConsoleSMSBackend"
    case = hotline_case(cc)
    with caplog.at_level(logging.INFO, logger="cases.sms"), django_capture_on_commit_callbacks(execute=True):
        t.case_accept(case=case, actor=cc.grid_leader)
    assert "138****5678" in caplog.text and "13812345678" not in caplog.text
    assert case.tracking_code in caplog.text


def test_announcing_costs_a_handful_of_queries(cc, django_assert_max_num_queries):
    with_email(cc.property_handler, cc.enforcement_handler)
    case = advance(report(cc), Status.DISPATCHED, cc)
    event = CaseEvent.objects.get(case=case, verb="dispatch")
    # entry with its case, recipients, their addresses, one insert, one upsert of their unread
    # counts, one e-mail stamp, and the savepoint around them (two statements) that rolls a
    # failure back
    with django_assert_max_num_queries(8):
        announce(event.pk)
    assert Notification.objects.filter(case=case).count() == 2
    assert unread_count(cc.property_handler.pk) == unread_count(cc.enforcement_handler.pk) == 1


def test_titles_are_shown_in_the_readers_language_and_unknown_keys_as_stored(cc):
    case = report(cc)
    known = Notification(user=cc.grid_leader, case=case, verb="report", title="stored")
    assert title_of(known) == f"新事件待受理：{case.number} 楼道堆物"
    unknown = Notification(user=cc.grid_leader, case=case, verb="custom", title="系统维护通知")
    assert title_of(unknown) == "系统维护通知"
    assert all("%(number)s" in str(text) and "%(category)s" in str(text) for text in TITLES.values())


def test_demo_data_and_imports_can_write_timelines_silently(cc, sms_outbox, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    with_email(cc.grid_leader)
    with silenced(), django_capture_on_commit_callbacks(execute=True):
        case = hotline_case(cc)
        t.case_accept(case=case, actor=cc.grid_leader)
    assert Notification.objects.count() == 0 and sms_outbox == [] and mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    assert Notification.objects.count() == 1  # loud again outside the block
