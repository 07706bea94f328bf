"""Opening a notification, marking one read (htmx or plain), marking all read; others' rows are 404."""

import pytest
from django.utils import timezone

from cases.inbox import notifications_deliver
from cases.models import Notification
from cases.testing import report


@pytest.fixture
def case(cc):  # type: ignore[no-untyped-def]
    return report(cc)


def notify(user, case, verb="report", read=False):  # type: ignore[no-untyped-def]
    [row] = notifications_deliver([Notification(user=user, case=case, verb=verb, title="t",
                                                read_at=timezone.now() if read else None)])
    return row


def test_opening_marks_read_and_goes_to_the_case_page(cc, case, login):
    notification = notify(cc.grid_leader, case)
    response = login(cc.grid_leader).post(f"/cases/inbox/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_twice_keeps_the_first_reading_time(cc, case, login):
    notification = notify(cc.grid_leader, case, read=True)
    first = notification.read_at
    login(cc.grid_leader).post(f"/cases/inbox/{notification.pk}/open/")
    notification.refresh_from_db()
    assert notification.read_at == first


def test_a_message_without_a_case_opens_the_inbox(cc, login):
    [notification] = notifications_deliver([Notification(user=cc.grid_leader, verb="system", title="系统维护通知")])
    response = login(cc.grid_leader).post(f"/cases/inbox/{notification.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/cases/inbox/"


@pytest.mark.parametrize("action", ["open", "read"])
def test_someone_elses_notification_is_not_found_and_stays_unread(cc, case, login, action):
    notification = notify(cc.dispatcher, case)
    response = login(cc.grid_leader).post(f"/cases/inbox/{notification.pk}/{action}/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("path", ["1/open/", "1/read/", "read-all/"])
def test_reading_needs_a_post(cc, login, path):
    assert login(cc.grid_leader).get(f"/cases/inbox/{path}").status_code == 405


def test_marking_one_read_with_htmx_answers_the_row_and_the_new_counts(cc, case, login):
    first, second = notify(cc.grid_leader, case), notify(cc.grid_leader, case, "dispatch")
    client = login(cc.grid_leader)
    response = client.post(f"/cases/inbox/{first.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html and "wg-unread" not in html and "标为已读" not in html
    assert '<span class="badge text-bg-warning" id="inbox-unread" hx-swap-oob="true">1</span>' in html
    assert "1 条未读" in html
    first.refresh_from_db()
    assert first.read_at is not None
    last = client.post(f"/cases/inbox/{second.pk}/read/", headers={"HX-Request": "true"}).content.decode()
    assert '<span id="inbox-unread" hx-swap-oob="true"></span>' in last and "没有未读消息" in last


def test_marking_one_read_without_javascript_goes_back_to_the_inbox(cc, case, login):
    notification = notify(cc.grid_leader, case)
    response = login(cc.grid_leader).post(f"/cases/inbox/{notification.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/cases/inbox/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_all_read_touches_only_the_users_own(cc, case, login):
    mine = [notify(cc.grid_leader, case), notify(cc.grid_leader, case, "warning")]
    theirs = notify(cc.dispatcher, case)
    response = login(cc.grid_leader).post("/cases/inbox/read-all/", follow=True)
    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert all(Notification.objects.get(pk=row.pk).read_at for row in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    again = login(cc.grid_leader).post("/cases/inbox/read-all/", follow=True)
    assert "没有未读消息。" in again.content.decode()
