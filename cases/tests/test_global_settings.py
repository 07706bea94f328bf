"""Global settings (the working-day calendar, the categories, the supervision ladder) need a
top-level assignment: a street's area administrator reads them but cannot change them; a
district's can, and the change log entry carries the district so its administrators see it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.installation import may_edit_global
from accounts.models import User
from accounts.testing import Cast, make_user
from audit.models import ChangeLogEntry
from cases.models import CalendarDay, Category, SupervisionStep

pytestmark = pytest.mark.django_db

DAY = "2026-10-12"  # an ordinary Monday
CALENDAR = reverse("cases:calendar", args=[2026])
DAY_URL = reverse("cases:calendar_day", args=[DAY])


@pytest.fixture
def street_admin(cast: Cast) -> User:
    """The area administrator of 林山寨街道: the area_admin role, on a street."""
    return make_user("street_admin", "area_admin", cast.street1, is_staff=True)


def _entries(model: type) -> list[ChangeLogEntry]:
    """The entries of changes people made (the catalog's seeding after migrate has no user)."""
    return list(ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                              user__isnull=False))


def _category_form(category: Category, **changes: str) -> dict[str, str]:
    values = {
        "code": category.code, "name": category.name, "parent": "", "description": category.description,
        "gbt_code": category.gbt_code, "is_active": "on", "sort_order": str(category.sort_order),
        "default_level": str(category.default_level), "skip_to_level": "", "priority": str(category.priority),
        "accept_hours": str(category.accept_hours), "handle_amount": str(category.handle_amount),
        "handle_unit": category.handle_unit, "verify_hours": str(category.verify_hours),
        "dispatch_hours": str(category.dispatch_hours), "close_hours": str(category.close_hours),
        "attributes-TOTAL_FORMS": "0", "attributes-INITIAL_FORMS": "0", "attributes-MIN_NUM_FORMS": "0",
        "attributes-MAX_NUM_FORMS": "1000",
    }
    if category.public:
        values["public"] = "on"
    return {**values, **changes}


def test_one_question_decides_who_may_edit_global_settings(cast, street_admin):
    assert may_edit_global(cast.superuser, "cases.change_category")
    assert may_edit_global(cast.district_admin, "cases.change_category")
    assert not may_edit_global(street_admin, "cases.change_category")
    assert not may_edit_global(cast.street_leader, "cases.change_category")
    assert not may_edit_global(cast.district_admin, "cases.change_case")  # a permission the role lacks


def test_a_streets_area_admin_cannot_change_the_calendar(street_admin, login):
    client = login(street_admin)
    page = client.get(f"{CALENDAR}?day={DAY}").content.decode()
    assert 'id="make-day-off"' not in page and 'name="is_workday"' not in page  # read only
    assert 'href="/cases/calendar/"' not in page  # no menu entry
    response = client.post(DAY_URL, {"is_workday": "0", "name": "街道自定假日"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=datetime.date(2026, 10, 12)).exists()
    assert _entries(CalendarDay) == []


def test_a_streets_area_admin_reads_but_cannot_change_the_catalog_in_the_admin(street_admin, login):
    client = login(street_admin)
    noise = Category.objects.get(code="noise")
    change_url = reverse("admin:cases_category_change", args=[noise.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    response = client.post(change_url, _category_form(noise, accept_hours="99"))
    assert response.status_code == 403
    assert client.get(reverse("admin:cases_category_add")).status_code == 403
    assert client.post(reverse("admin:cases_category_delete", args=[noise.pk]), {"post": "yes"}).status_code == 403
    step = SupervisionStep.objects.order_by("rank").first()
    assert step is not None
    response = client.post(reverse("admin:cases_supervisionstep_change", args=[step.pk]),
                           {"rank": step.rank, "kind": step.kind, "percent": "1"})
    assert response.status_code == 403
    assert client.get(reverse("admin:cases_calendarday_add")).status_code == 403
    noise.refresh_from_db()
    step.refresh_from_db()
    assert noise.accept_hours != 99 and step.percent != 1
    assert _entries(Category) == [] and _entries(SupervisionStep) == []


def test_a_district_admin_changes_the_calendar_and_the_entry_carries_the_district(cast, login):
    client = login(cast.district_admin)
    assert 'href="/cases/calendar/"' in client.get(CALENDAR).content.decode()  # the menu entry
    response = client.post(DAY_URL, {"is_workday": "0", "name": "区定假日"})
    assert response.status_code == 302
    assert not CalendarDay.objects.get(date=datetime.date(2026, 10, 12)).is_workday
    [entry] = _entries(CalendarDay)
    assert (entry.user, entry.area_code) == (cast.district_admin, cast.district.code)
    log = client.get(reverse("audit:changelog")).content.decode()
    assert "2026-10-12 区定假日" in log
    other = login(cast.other_district_admin).get(reverse("audit:changelog")).content.decode()
    assert "2026-10-12 区定假日" not in other


def test_a_district_admin_changes_the_catalog_and_the_ladder(cast, login):
    client = login(cast.district_admin)
    noise = Category.objects.get(code="noise")
    response = client.post(reverse("admin:cases_category_change", args=[noise.pk]),
                           _category_form(noise, accept_hours="6"))
    assert response.status_code == 302, response.content.decode()[:3000]
    noise.refresh_from_db()
    assert noise.accept_hours == 6
    step = SupervisionStep.objects.order_by("rank").first()
    assert step is not None
    response = client.post(reverse("admin:cases_supervisionstep_change", args=[step.pk]),
                           {"rank": step.rank, "kind": step.kind, "percent": "55"})
    assert response.status_code == 302
    assert {entry.area_code for entry in _entries(Category) + _entries(SupervisionStep)} == {cast.district.code}
    log = client.get(reverse("audit:changelog")).content.decode()
    assert str(noise) in log and str(SupervisionStep.objects.get(pk=step.pk)) in log


def test_a_superuser_still_changes_global_settings(cast, login):
    response = login(cast.superuser).post(DAY_URL, {"is_workday": "0", "name": "临时放假"})
    assert response.status_code == 302
    [entry] = _entries(CalendarDay)
    assert entry.area_code == ""  # no assignment: only superusers see it, as before
