"""The unread count behind the inbox badge (``cases.inbox``, ``UnreadCount``): kept in step with every
delivery and reading, read by primary key on every page, put right by the inbox page and
``manage.py recount_inbox``."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.inbox import (
    notification_mark_read,
    notifications_deliver,
    notifications_mark_all_read,
    unread_count,
    unread_recount_all,
)
from cases.models import Notification, UnreadCount
from cases.testing import report

ROOT = Path(__file__).resolve().parents[2]
BADGE = '<span class="badge text-bg-warning" id="inbox-unread">{}</span>'


def message(user, case=None, *, read=False):  # type: ignore[no-untyped-def]
    return Notification(user=user, case=case, verb="system", title="系统维护通知",
                        read_at=timezone.now() if read else None)


def stored(user):  # type: ignore[no-untyped-def]
    return UnreadCount.objects.filter(user=user).values_list("unread", flat=True).first()


def badge_on_a_page(client):  # type: ignore[no-untyped-def]
    return client.get(reverse("areas:index")).content.decode()


def test_a_reported_case_puts_one_on_the_grid_leaders_badge(cc, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
    assert stored(cc.grid_leader) == 1
    assert stored(cc.dispatcher) is None  # the desk above is not told: no row, nothing unread
    assert BADGE.format(1) in badge_on_a_page(login(cc.grid_leader))
    assert 'id="inbox-unread"' not in badge_on_a_page(login(cc.dispatcher))


def test_two_reports_put_two_on_the_badge(cc, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report(cc)
        report(cc, description="5号楼东侧路灯不亮。")
    assert stored(cc.grid_leader) == 2
    assert BADGE.format(2) in badge_on_a_page(login(cc.grid_leader))


def test_opening_a_notification_takes_one_off_the_badge(cc, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cc)
        report(cc, description="5号楼东侧路灯不亮。")
    client = login(cc.grid_leader)
    first = Notification.objects.filter(user=cc.grid_leader, case=case).get()
    response = client.post(f"/cases/inbox/{first.pk}/open/", follow=True)
    assert response.status_code == 200 and BADGE.format(1) in response.content.decode()  # on the case page
    assert stored(cc.grid_leader) == 1
    client.post(f"/cases/inbox/{first.pk}/open/")  # opening it again changes nothing
    assert stored(cc.grid_leader) == 1


def test_marking_one_read_in_place_answers_the_stored_count(cc, login):
    first, second, _third = notifications_deliver([message(cc.grid_leader) for _ in range(3)])
    client = login(cc.grid_leader)
    html = client.post(f"/cases/inbox/{first.pk}/read/", headers={"HX-Request": "true"}).content.decode()
    assert '<span class="badge text-bg-warning" id="inbox-unread" hx-swap-oob="true">2</span>' in html
    client.post(f"/cases/inbox/{second.pk}/read/")
    assert stored(cc.grid_leader) == 1


def test_marking_all_read_empties_the_badge_and_only_the_users_own(cc, login):
    notifications_deliver([message(cc.grid_leader), message(cc.grid_leader), message(cc.dispatcher)])
    client = login(cc.grid_leader)
    response = client.post("/cases/inbox/read-all/", follow=True)
    assert "已将 2 条消息标为已读。" in response.content.decode()
    assert 'id="inbox-unread"' not in badge_on_a_page(client)
    assert stored(cc.grid_leader) == 0 and stored(cc.dispatcher) == 1


def test_messages_delivered_already_read_are_not_counted(cc):
    notifications_deliver([message(cc.grid_leader, read=True), message(cc.grid_leader)])
    assert stored(cc.grid_leader) == 1


def test_the_count_never_goes_below_zero(cc):
    [row] = notifications_deliver([message(cc.grid_leader)])
    UnreadCount.objects.filter(user=cc.grid_leader).update(unread=0)  # drifted low
    assert notification_mark_read(row) is True
    assert notifications_mark_all_read(cc.grid_leader.pk) == 0
    assert stored(cc.grid_leader) == 0


def test_the_inbox_page_puts_a_wrong_count_right(cc, login):
    notifications_deliver([message(cc.grid_leader), message(cc.grid_leader), message(cc.grid_leader, read=True)])
    UnreadCount.objects.filter(user=cc.grid_leader).update(unread=9)
    client = login(cc.grid_leader)
    assert BADGE.format(9) in badge_on_a_page(client)  # elsewhere the stored count is shown as it is
    html = client.get("/cases/inbox/").content.decode()
    assert BADGE.format(2) in html and "2 条未读" in html
    assert stored(cc.grid_leader) == 2
    assert BADGE.format(2) in badge_on_a_page(client)


def test_the_inbox_page_counts_messages_of_a_deleted_case_out(cc, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cc)
        report(cc, description="5号楼东侧路灯不亮。")
    case.delete()  # its notifications go with it, the count does not
    assert stored(cc.grid_leader) == 2
    client = login(cc.grid_leader)
    assert BADGE.format(1) in client.get("/cases/inbox/").content.decode()
    assert stored(cc.grid_leader) == 1


def test_the_inbox_page_creates_a_missing_count(cc, login):
    notifications_deliver([message(cc.grid_leader)])
    UnreadCount.objects.filter(user=cc.grid_leader).delete()
    assert 'id="inbox-unread"' not in badge_on_a_page(login(cc.grid_leader))  # no row: 0
    login(cc.grid_leader).get("/cases/inbox/")
    assert stored(cc.grid_leader) == 1


def test_the_inbox_page_writes_nothing_when_the_count_is_right(cc, login, django_assert_max_num_queries):
    notifications_deliver([message(cc.grid_leader) for _ in range(30)])
    client = login(cc.grid_leader)
    # session, user, the page's and the unread count (one query), the page's rows, the stored count,
    # the role rows of the navigation
    with django_assert_max_num_queries(6) as queries:
        assert client.get("/cases/inbox/").status_code == 200
    assert not [query for query in queries.captured_queries if query["sql"].startswith(("UPDATE", "INSERT"))]


def test_recount_inbox_corrects_every_count(cc):
    notifications_deliver([message(cc.grid_leader), message(cc.grid_leader), message(cc.dispatcher)])
    UnreadCount.objects.filter(user=cc.grid_leader).update(unread=5)  # too high
    UnreadCount.objects.filter(user=cc.dispatcher).delete()  # missing
    UnreadCount.objects.create(user=cc.cast.street_leader, unread=3)  # nothing unread at all
    out = io.StringIO()
    call_command("recount_inbox", stdout=out)
    assert out.getvalue().strip() == "3 unread count(s) corrected."
    assert (stored(cc.grid_leader), stored(cc.dispatcher), stored(cc.cast.street_leader)) == (2, 1, 0)
    assert unread_recount_all() == 0  # nothing left to correct


def test_the_badge_is_one_primary_key_read(cc, django_assert_num_queries):
    notifications_deliver([message(cc.grid_leader)])
    with django_assert_num_queries(1) as queries:
        assert unread_count(cc.grid_leader.pk) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "cases_unreadcount" in sql and "cases_notification" not in sql


@pytest.mark.parametrize("users", [1, 450])  # more users than one upsert statement takes
def test_one_delivery_counts_each_user(db, users):
    people = User.objects.bulk_create([User(username=f"reader{index}", full_name="读者") for index in range(users)])
    notifications_deliver([message(person) for person in people] + [message(people[0])])
    assert stored(people[0]) == 2
    assert UnreadCount.objects.filter(unread=1).count() == users - 1


def test_inbox_rows_are_written_and_read_only_through_cases_inbox():
    """A new writer of inbox rows that bypassed ``cases.inbox`` would leave the badge wrong."""
    writes = re.compile(r"Notification\.objects\.(create|bulk_create|get_or_create)\b|\.update\(\s*read_at")
    offenders = [
        str(path.relative_to(ROOT)) for path in ROOT.glob("*/**/*.py")
        if not {"tests", "migrations", ".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
        and path.relative_to(ROOT) != Path("cases/inbox.py") and writes.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
