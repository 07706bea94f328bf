"""The home page's 我的待办 carries the fieldwork lines: windows to patrol today, visits due."""

import datetime

import pytest
from django.utils import timezone

from cases.models import CalendarDay
from fieldwork.models import PlanDays
from registry.models import Resident

pytestmark = pytest.mark.django_db


def test_a_worker_sees_todays_windows_and_visits_due_on_the_home_page(fc, login):
    fc.double_patrol.days = PlanDays.EVERY_DAY
    fc.double_patrol.save()
    CalendarDay.objects.filter(date=timezone.localdate()).delete()
    Resident.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    html = login(fc.cast.grid_worker_a).get("/").content.decode()
    assert 'data-work="fieldwork:visits_overdue"' in html and "走访已超期" in html
    assert 'data-work="fieldwork:patrols_today"' in html or 'data-work="fieldwork:missed_today"' in html


def test_a_street_leader_gets_no_fieldwork_line(fc, login):
    html = login(fc.cast.street_leader).get("/").content.decode()
    assert "fieldwork:" not in html
