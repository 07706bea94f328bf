"""Home visits and care schedules: due and overdue from care tags, tag visibility, scope, finding to case."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.testing import make_user
from cases.models import Case, Category
from fieldwork.care import due_visits
from fieldwork.models import Visit, VisitMethod
from fieldwork.testing import at
from fieldwork.visits import visit_record, visit_report_finding

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)
SUNDAY = datetime.date(2026, 12, 13)


def registered(fc, days_ago):
    """Pretend every resident was registered ``days_ago`` days before TODAY."""
    for resident in (fc.alone, fc.watched, fc.neighbour, fc.resident_b):
        moment = at(TODAY, 9) - datetime.timedelta(days=days_ago)
        type(resident).objects.filter(pk=resident.pk).update(created_at=moment)


def due_names(user, until=SUNDAY):
    return [(row.resident.name, row.due_on, row.overdue) for row in due_visits(user, today=TODAY, until=until)]


def test_residents_never_visited_are_due_an_interval_after_registration(fc):
    registered(fc, 10)
    assert due_names(fc.cast.grid_worker_a) == [
        ("曲秀英", TODAY - datetime.timedelta(days=3), True), ("王桂娟", TODAY - datetime.timedelta(days=3), True),
    ]


def test_a_visit_where_the_resident_was_met_moves_the_due_date_and_a_closed_door_does_not(fc):
    registered(fc, 10)
    visit_record(actor=fc.cast.grid_worker_a, resident=fc.alone, met=False, retry_on=TODAY,
                 visited_at=at(TODAY, 8), now=at(TODAY, 9))
    assert ("王桂娟", TODAY - datetime.timedelta(days=3), True) in due_names(fc.cast.grid_worker_a)
    visit_record(actor=fc.cast.grid_worker_a, resident=fc.alone, method=VisitMethod.PHONE,
                 visited_at=at(TODAY - datetime.timedelta(days=2), 10), now=at(TODAY, 9))
    assert ("王桂娟", TODAY + datetime.timedelta(days=5), False) not in due_names(fc.cast.grid_worker_a)  # after Sunday
    assert ("王桂娟", TODAY + datetime.timedelta(days=5), False) in due_names(
        fc.cast.grid_worker_a, until=TODAY + datetime.timedelta(days=7))


def test_a_worker_sees_the_visit_due_but_not_a_sensitive_tag_they_may_not_see(fc):
    registered(fc, 10)
    rows = {row.resident.name: row for row in due_visits(fc.cast.grid_worker_a, today=TODAY, until=SUNDAY)}
    assert rows["曲秀英"].tags == [] and rows["曲秀英"].hidden_tags  # 重点关注 is for leaders only
    assert [tag.name for tag in rows["王桂娟"].tags] == ["独居老人"]
    leader_rows = {row.resident.name: row for row in due_visits(fc.grid_leader, today=TODAY, until=SUNDAY)}
    assert [tag.name for tag in leader_rows["曲秀英"].tags] == ["重点关注"]


def test_the_due_page_shows_care_residents_without_the_hidden_tag(fc, login):
    registered(fc, 30)
    text = login(fc.cast.grid_worker_a).get(reverse("fieldwork:visits_due")).content.decode()
    assert "曲秀英" in text and "关爱对象" in text and "重点关注" not in text
    assert "王桂娟" in text and "独居老人" in text and "徐阿姨" not in text and "邢瑜璇" not in text
    assert "已超期" in text


def test_a_visit_is_recorded_through_the_form_with_the_team(fc, login):
    client = login(fc.cast.grid_worker_a)
    url = reverse("fieldwork:visit_new", args=[fc.alone.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "home", "purpose": "care",
        "met": "1", "findings": "厨房燃气软管老化", "opinions": "希望加装扶手", "workers": [fc.grid_leader.pk],
    })
    visit = Visit.objects.get()
    assert response["Location"] == reverse("fieldwork:visit", args=[visit.pk])
    assert set(visit.workers.all()) == {fc.cast.grid_worker_a, fc.grid_leader}
    assert visit.building == fc.building1 and visit.grid == fc.cast.grid_a


def test_a_closed_door_needs_a_retry_date_named_on_its_field(fc, login):
    response = login(fc.cast.grid_worker_a).post(reverse("fieldwork:visit_new", args=[fc.alone.pk]), {
        "visited_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "method": "home", "purpose": "care",
        "met": "0",
    })
    assert response.status_code == 400
    assert "未见到本人时请填写再次走访日期。" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_finding_becomes_a_case_in_one_tap_linked_both_ways(fc, login):
    visit = visit_record(actor=fc.cast.grid_worker_a, resident=fc.alone, findings="楼道灯坏了，老人夜里看不清")
    category = Category.objects.get(code="facility-damage")
    client = login(fc.cast.grid_worker_a)
    response = client.post(reverse("fieldwork:visit_report", args=[visit.pk]), {"category": category.pk}, follow=True)
    case = Case.objects.get()
    assert f"已上报事件 {case.number}。" in response.content.decode()
    assert case.resident == fc.alone and case.visits.get() == visit
    case_page = client.get(reverse("cases:case", args=[case.number])).content.decode()
    assert reverse("fieldwork:visit", args=[visit.pk]) in case_page
    with pytest.raises(Exception, match="已经上报过"):
        visit_report_finding(visit=visit, actor=fc.cast.grid_worker_a, category=category)


def test_visits_are_scoped_per_role_and_the_building_head_sees_their_buildings_only(fc, login):
    mine = visit_record(actor=fc.cast.grid_worker_a, resident=fc.alone)
    other_building = visit_record(actor=fc.cast.grid_worker_a, resident=fc.neighbour)
    assert set(Visit.objects.visible_to(fc.building_head)) == {mine}
    assert set(Visit.objects.visible_to(fc.grid_leader)) == {mine, other_building}
    assert set(Visit.objects.visible_to(fc.cast.street_leader)) == {mine, other_building}
    assert not Visit.objects.visible_to(fc.cast.grid_worker_b).exists()
    handler = make_user("property_handler", "property_handler", fc.cast.street1)
    assert not Visit.objects.visible_to(handler).exists()
    assert login(fc.cast.grid_worker_b).get(reverse("fieldwork:visit", args=[mine.pk])).status_code == 404
    assert login(fc.building_head).get(reverse("fieldwork:visit", args=[other_building.pk])).status_code == 404
    assert login(fc.building_head).get(reverse("fieldwork:visit", args=[mine.pk])).status_code == 200


def test_a_building_head_records_visits_in_their_building_only(fc):
    visit_record(actor=fc.building_head, resident=fc.alone)
    with pytest.raises(ValidationError):
        visit_record(actor=fc.building_head, resident=fc.neighbour)


def test_a_worker_cannot_visit_a_resident_of_another_grid(fc, login):
    assert login(fc.cast.grid_worker_a).get(reverse("fieldwork:visit_new", args=[fc.resident_b.pk])).status_code == 404
    with pytest.raises(ValidationError):
        visit_record(actor=fc.cast.grid_worker_a, resident=fc.resident_b)
