"""The working-day calendar page: everyone signed in sees it, editors toggle days (audited)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeLogEntry
from cases.holidays import seed_holidays
from cases.models import CalendarDay

pytestmark = pytest.mark.django_db

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def holidays_2026():
    CalendarDay.objects.filter(date__year=2026).delete()
    seed_holidays([2026])


def _cell(content: str, day: str) -> str:
    match = re.search(rf'<td class="([^"]*)" id="day-{day}"', content)
    assert match, day
    return match.group(1)


def _day_url(day: str) -> str:
    return reverse("cases:calendar_day", args=[day])


def test_it_needs_a_login(client):
    response = client.get(reverse("cases:calendar", args=[2026]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_opens_this_year(cast, login):
    response = login(cast.grid_worker_a).get(reverse("cases:calendar_current"))
    assert response["Location"] == reverse("cases:calendar", args=[timezone.localdate().year])


def test_it_shows_working_days_holidays_and_make_up_days(cast, login, django_assert_max_num_queries):
    client = login(cast.grid_worker_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cases:calendar", args=[2026]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2026 年工作日历" in content
    assert "wg-day-holiday" in _cell(content, "2026-10-01")
    assert "wg-day-holiday" in _cell(content, "2026-10-03")  # Saturday, named 国庆节
    assert "wg-day-rest" in _cell(content, "2026-10-04")
    assert "wg-day-makeup" in _cell(content, "2026-10-10")
    assert "wg-day-workday" in _cell(content, "2026-10-12")
    assert "10-10 国庆节调休上班" in content
    assert "全年工作日 " in content
    # A reader gets no edit links or panel.
    assert 'id="day-panel"' not in content and "?day=" not in content


def test_the_year_totals_follow_the_schedule(cast, login):
    content = login(cast.grid_worker_a).get(reverse("cases:calendar", args=[2026])).content.decode()
    # 2026 has 261 weekdays; minus the weekdays off, plus 6 weekend working days (Jan 4, Feb 14, Feb 28,
    # May 9, Sept 20, Oct 10).
    weekdays_off = CalendarDay.objects.filter(date__year=2026, is_workday=False, date__week_day__in=[2, 3, 4, 5, 6])
    makeup = CalendarDay.objects.filter(date__year=2026, is_workday=True).count()
    assert makeup == 6
    expected = 261 - weekdays_off.count() + makeup
    assert f"全年工作日 {expected} 天" in content


def test_an_unknown_year_answers_404(cast, login):
    assert login(cast.grid_worker_a).get(reverse("cases:calendar", args=[1999])).status_code == 404


def test_a_reader_cannot_change_a_day(cast, login):
    response = login(cast.grid_worker_a).post(_day_url("2026-10-10"), {"is_workday": "0"})
    assert response.status_code == 403
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).is_workday


def test_an_editor_opens_a_day(cast, login):
    content = login(cast.district_admin).get(reverse("cases:calendar", args=[2026]) + "?day=2026-10-10",
                                             **HTMX).content.decode()
    assert '<section id="calendar">' in content
    assert "<html" not in content  # htmx gets the calendar section only
    assert "2026-10-10" in content and 'id="make-day-off"' in content
    assert 'value="国庆节调休上班"' in content
    assert 'hx-confirm="确定把 2026-10-10 改为放假吗？"' in content
    assert "wg-day-selected" in _cell(content, "2026-10-10")


def test_an_editor_makes_a_day_off_and_it_is_logged(cast, login):
    client = login(cast.district_admin)
    response = client.post(_day_url("2026-11-23"), {"is_workday": "0", "name": "暴雪停工"}, **HTMX)
    content = response.content.decode()
    assert response.status_code == 200
    assert "已把 2026-11-23 设为放假。" in content
    assert "wg-day-holiday" in _cell(content, "2026-11-23")
    day = CalendarDay.objects.get(date=D(2026, 11, 23))
    assert (day.is_workday, day.name) == (False, "暴雪停工")
    entry = ChangeLogEntry.objects.get(content_type=ContentType.objects.get_for_model(CalendarDay),
                                       object_id=str(day.pk))
    assert (entry.action, entry.user, entry.after["is_workday"]) == ("create", cast.district_admin, False)


def test_an_editor_turns_a_make_up_day_into_a_rest_day(cast, login):
    client = login(cast.district_admin)
    response = client.post(_day_url("2026-10-10"), {"is_workday": "0", "name": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:calendar", args=[2026]) + "?day=2026-10-10"
    day = CalendarDay.objects.get(date=D(2026, 10, 10))
    assert (day.is_workday, day.name) == (False, "")
    page = client.get(response["Location"]).content.decode()
    assert "已把 2026-10-10 设为上班。" not in page and "已把 2026-10-10 设为放假。" in page
    assert "wg-day-rest" in _cell(page, "2026-10-10")


def test_a_bad_edit_is_refused_and_changes_nothing(cast, login):
    client = login(cast.district_admin)
    response = client.post(_day_url("2026-10-10"), {"is_workday": "0", "name": "长" * 61}, **HTMX)
    assert response.status_code == 400
    assert "名称最多 60 个字。" in response.content.decode()
    response = client.post(_day_url("2026-10-10"), {"is_workday": "maybe"}, **HTMX)
    assert response.status_code == 400 and "请选择上班或放假。" in response.content.decode()
    assert CalendarDay.objects.get(date=D(2026, 10, 10)).is_workday
    assert client.post(_day_url("2026-02-30"), {"is_workday": "1"}).status_code == 404
    assert client.get(_day_url("2026-10-10")).status_code == 405


def test_the_menu_leads_administrators_to_the_calendar(cast, login):
    link = f'href="{reverse("cases:calendar_current")}"'
    assert link in login(cast.district_admin).get(reverse("areas:index")).content.decode()
    assert link not in login(cast.grid_worker_a).get(reverse("areas:index")).content.decode()
