"""The inbox page /cases/inbox/: the user's own notifications, unread first, 25 to a page."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cases.context_processors import inbox as inbox_context
from cases.inbox import notifications_deliver
from cases.models import Notification
from cases.testing import report

URL = "/cases/inbox/"



def notify(user, case, verb="report", *, minutes_ago=0, read=False, body=""):  # type: ignore[no-untyped-def]
    now = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    [row] = notifications_deliver([Notification(user=user, case=case, verb=verb, title=f"stored {verb}", body=body,
                                                created_at=now, read_at=now if read else None)])
    return row


def test_it_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert reverse("cases:inbox") == URL


def test_it_lists_the_users_own_notifications_unread_first_then_newest(cc, login):
    case = report(cc)
    old_unread = notify(cc.grid_leader, case, "report", minutes_ago=60, body="3号楼楼道堆物")
    new_read = notify(cc.grid_leader, case, "dispatch", minutes_ago=1, read=True)
    new_unread = notify(cc.grid_leader, case, "warning", minutes_ago=5)
    notify(cc.dispatcher, case, "return")  # someone else's
    response = login(cc.grid_leader).get(URL)
    assert response.status_code == 200
    items = list(response.context["page_obj"])
    assert items == [new_unread, old_unread, new_read]
    html = response.content.decode()
    assert html.count('class="list-group-item wg-inbox-item wg-unread"') == 2
    assert f"新事件待受理：{case.number} 楼道堆物" in html and f"事件即将超期：{case.number}" in html
    assert "3号楼楼道堆物" in html and "事件被退单" not in html
    assert "2 条未读" in html
    assert '<span class="badge text-bg-warning" id="inbox-unread">2</span>' in html


def test_it_shows_unread_ones_only_on_request(cc, login):
    case = report(cc)
    unread = notify(cc.grid_leader, case)
    notify(cc.grid_leader, case, "dispatch", read=True)
    response = login(cc.grid_leader).get(URL, {"unread": "1"})
    assert list(response.context["page_obj"]) == [unread]


def test_it_pages_25_at_a_time(cc, login):
    case = report(cc)
    notifications_deliver([
        Notification(user=cc.grid_leader, case=case, verb="report", title="t",
                     created_at=timezone.now() - datetime.timedelta(minutes=index))
        for index in range(30)
    ])
    client = login(cc.grid_leader)
    first = client.get(URL)
    assert len(first.context["page_obj"].object_list) == 25 and "1 / 2" in first.content.decode()
    second = client.get(URL, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 5


def test_it_says_so_when_there_is_nothing(cc, login):
    html = login(cc.cast.outsider).get(URL).content.decode()
    assert 'id="inbox-empty"' in html and "没有未读消息" in html and 'id="inbox-unread"' not in html


def test_the_page_costs_a_fixed_number_of_queries(cc, login, django_assert_max_num_queries):
    case = report(cc)
    for index in range(30):
        notify(cc.grid_leader, case, minutes_ago=index, read=index % 2 == 0)
    client = login(cc.grid_leader)
    # session, user, the page and unread counts (one query), the page's rows with their cases and
    # categories, the stored unread count, the navigation's role rows
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200


def test_the_navigation_shows_the_unread_count_everywhere(cc, login):
    case = report(cc)
    notify(cc.grid_leader, case)
    notify(cc.grid_leader, case, "dispatch")
    notify(cc.grid_leader, case, "hold", read=True)
    response = login(cc.grid_leader).get(reverse("areas:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="badge text-bg-warning" id="inbox-unread">2</span>' in html


def test_the_unread_count_is_one_query_and_only_when_shown(cc, rf, django_assert_num_queries):
    notify(cc.grid_leader, report(cc))
    request = rf.get("/")
    request.user = cc.grid_leader
    with django_assert_num_queries(0):
        context = inbox_context(request)
    with django_assert_num_queries(1):
        assert context["unread_notifications"] == 1


def test_anonymous_visitors_have_no_unread_count(rf, db, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert inbox_context(request) == {"unread_notifications": 0}
