"""The workbench's rows and the tab it opens on: a row shows one line of the description, the
channel and the report time (with the year when it is not this year's); an overdue row says
"超期 N 天"; a case's own words are text, never markup, in the card and the row; a tick for 批量派遣
only where the queue offers it; a user without a chosen tab lands on their first queue of work, a
leader on 已超期."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterator

from django.test.html import Element, parse_html
from django.utils import timezone

from cases.models import Case, Category, Channel, Status
from cases.queue_rows import short_time
from cases.selectors import overdue_days
from cases.testing import advance, report
from cases.workflow import REPORTER


def row_html(html: str, number: str) -> str:
    match = re.search(rf'<tr data-case="{number}">(.*?)</tr>', html, re.S)
    assert match, number
    return match.group(1)


def card_html(html: str, number: str) -> str:
    match = re.search(rf'<li class="list-group-item p-0" data-card="{number}">(.*?)</li>', html, re.S)
    assert match, number
    return match.group(1)


def elements(node: Element) -> Iterator[Element]:
    yield node
    for child in node.children:
        if isinstance(child, Element):
            yield from elements(child)


def text(node: Element) -> str:
    return "".join(child if isinstance(child, str) else text(child) for child in node.children)


def with_attribute(node: Element, name: str, value: str) -> Element:
    found = [element for element in elements(node) if (name, value) in element.attributes]
    assert len(found) == 1, (name, value, found)
    return found[0]


def current_tab(html: str) -> str:
    match = re.search(r'id="queue-([a-z_]+)"\s+href="[^"]*" aria-current="page"', html)
    assert match
    return match.group(1)


def test_it_shows_the_description_channel_and_report_time_in_row_and_card(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, actor=REPORTER, channel=Channel.RESIDENT, description="5号楼门口电动车乱停放，" + "挡住出口" * 40)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "reported"}).content.decode()
    shown = timezone.localtime(case.reported_at).strftime("%m-%d %H:%M")
    for part in (row_html(html, case.number), card_html(html, case.number)):
        description = re.search(r'data-field="description">(.*?)<', part).group(1)
        assert description.startswith("5号楼门口电动车乱停放") and len(description) <= 80  # one line: cut short
        assert "居民随手拍" in part
        assert shown in part and str(timezone.localtime(case.reported_at).year) + "-" not in part


def test_it_shows_the_year_of_a_case_reported_in_another_year(cc, client):  # type: ignore[no-untyped-def]
    old = report(cc, now=timezone.now() - datetime.timedelta(days=400))
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "all"}).content.decode()
    expected = timezone.localtime(old.reported_at).strftime("%Y-%m-%d %H:%M")
    assert expected in row_html(html, old.number) and expected in card_html(html, old.number)


def test_it_says_how_many_days_a_row_is_overdue(cc, client):  # type: ignore[no-untyped-def]
    late = report(cc, now=timezone.now() - datetime.timedelta(days=10))
    fresh = report(cc)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "reported"}).content.decode()
    days = math.ceil((timezone.now() - late.stage_due_at) / datetime.timedelta(days=1))
    assert days >= 8
    for part in (row_html(html, late.number), card_html(html, late.number)):
        assert f"超期 {days} 天" in part
    assert "超期" not in row_html(html, fresh.number)


def test_a_started_day_counts_as_an_overdue_day(cc):  # type: ignore[no-untyped-def]
    case = report(cc)
    due = case.stage_due_at
    assert overdue_days(case, due - datetime.timedelta(minutes=1)) == 0
    assert overdue_days(case, due + datetime.timedelta(hours=2)) == 1
    assert overdue_days(case, due + datetime.timedelta(hours=25)) == 2
    Case.objects.filter(pk=case.pk).update(status=Status.ON_HOLD)
    case.refresh_from_db()
    assert overdue_days(case, due + datetime.timedelta(days=3)) == 0  # on hold: the clock stands


def test_short_time_adds_the_year_only_for_another_year():  # type: ignore[no-untyped-def]
    now = timezone.make_aware(datetime.datetime(2026, 3, 5, 10, 0))
    assert short_time(timezone.make_aware(datetime.datetime(2026, 1, 2, 8, 5)), now) == "01-02 08:05"
    assert short_time(timezone.make_aware(datetime.datetime(2025, 12, 31, 23, 0)), now) == "2025-12-31 23:00"
    assert short_time(None, now) == ""


def test_each_role_lands_on_its_first_queue_of_work_and_leaders_on_overdue(cc, client):  # type: ignore[no-untyped-def]
    from cases import transitions as t
    from cases.supervision import run_supervision

    # A warned case makes 即将超期 the fullest tab: the choice must not follow the counts.
    started = timezone.now() - datetime.timedelta(hours=20)
    case = report(cc, category="t-fire-exit", now=started)
    t.case_accept(case=case, actor=cc.dispatcher, now=started)
    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, now=started)
    run_supervision()
    expected = {
        cc.cast.street_leader: "overdue",
        cc.supervisor: "overdue",
        cc.dispatcher: "reported",
        cc.property_handler: "to_sign",
        cc.cast.grid_worker_a: "pending_dispatch",
    }
    for user, key in expected.items():
        client.force_login(user)
        for _ in range(2):  # the same tab every time
            assert current_tab(client.get("/cases/").content.decode()) == key, user
    client.force_login(cc.cast.street_leader)
    html = client.get("/cases/").content.decode()
    assert re.search(r'id="queue-warning".*?queue-count">1<', html, re.S)
    assert current_tab(client.get("/cases/", {"queue": "warning"}).content.decode()) == "warning"


def test_it_lists_a_users_own_open_reports(cc, client):  # type: ignore[no-untyped-def]
    mine = report(cc)
    done = advance(report(cc), Status.CLOSED, cc)
    other = report(cc, actor=cc.grid_leader)
    client.force_login(cc.cast.grid_worker_a)
    html = client.get("/cases/", {"queue": "my_reports"}).content.decode()
    numbers = re.findall(r'data-case="(\d+)"', html)
    assert numbers == [mine.number]
    assert done.number not in numbers and other.number not in numbers


MARKUP = '<script>alert("x")</script><img src=x onerror=\'alert(1)\'>'


def test_a_cases_markup_is_shown_as_text_in_the_card_and_the_row(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, description="楼道" + MARKUP, address="3号楼" + MARKUP)
    Category.objects.filter(pk=case.category_id).update(name="堆物" + MARKUP)
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "all"}).content.decode()
    assert "<script>alert" not in html and "<img" not in html
    card = parse_html(f"<li>{card_html(html, case.number)}</li>")
    row = parse_html(f"<tr>{row_html(html, case.number)}</tr>")
    for part, tags in ((card, {"li", "a", "div", "span"}), (row, {"tr", "td", "a", "div", "span"})):
        assert {element.name for element in elements(part)} == tags  # nothing injected
        assert not [name for element in elements(part) for name, _ in element.attributes if name.startswith("on")]
        assert text(with_attribute(part, "data-field", "description")) == "楼道" + MARKUP
        assert "堆物" + MARKUP in text(part)
    assert text(with_attribute(card, "data-field", "place")) == "3号楼" + MARKUP
    assert text(with_attribute(row, "title", "3号楼" + MARKUP)) == "3号楼" + MARKUP  # the address cell
    assert ("title", "楼道" + MARKUP) in with_attribute(row, "data-field", "description").attributes
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#x27;alert(1)&#x27;&gt;"
    assert card_html(html, case.number).count(escaped) == 3  # category, place, description
    assert row_html(html, case.number).count(escaped) == 5  # … and the address's and description's titles


def test_only_a_queue_that_offers_bulk_dispatch_gives_each_row_a_labelled_tick(cc, client):  # type: ignore[no-untyped-def]
    waiting = advance(report(cc), Status.PENDING_DISPATCH, cc)
    tick = (f'<td><input type="checkbox" class="form-check-input" name="bulk-cases" value="{waiting.pk}" '
            f'form="bulk-dispatch-form" aria-label="选择 {waiting.number}"></td>')
    client.force_login(cc.dispatcher)
    html = client.get("/cases/", {"queue": "pending_dispatch"}).content.decode()
    assert row_html(html, waiting.number).startswith(tick)
    assert "bulk-cases" not in card_html(html, waiting.number)  # the ticks are desk work
    assert 'id="select-all-cases"' in html and 'id="bulk-dispatch-form"' in html
    client.cookies["django_language"] = "en"
    english = client.get("/cases/", {"queue": "pending_dispatch"}).content.decode()
    assert f'aria-label="Select {waiting.number}"' in row_html(english, waiting.number)
    client.cookies.pop("django_language")
    empty = client.get("/cases/", {"queue": "pending_dispatch", "q": "没有这样的事件"}).content.decode()
    assert '<td colspan="9" class="text-muted" id="empty-queue">这个队列里没有事件。</td>' in empty
    assert 'id="empty-queue-cards">这个队列里没有事件。</li>' in empty

    # The same case in 全部事件, and in 待派遣 for a grid worker who may handle it but not dispatch.
    html = client.get("/cases/", {"queue": "all"}).content.decode()
    assert "bulk-cases" not in html and "select-all-cases" not in html
    assert row_html(html, waiting.number).startswith('<td class="text-nowrap"><a class="wg-number"')
    client.force_login(cc.cast.grid_worker_a)
    html = client.get("/cases/", {"queue": "pending_dispatch"}).content.decode()
    assert 'id="queue-pending_dispatch"' in html and f'data-case="{waiting.number}"' in html
    assert "bulk-cases" not in html and "select-all-cases" not in html
    empty = client.get("/cases/", {"queue": "pending_dispatch", "q": "没有这样的事件"}).content.decode()
    assert '<td colspan="8" class="text-muted" id="empty-queue">' in empty
