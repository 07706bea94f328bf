"""The cases admin: the catalog edited with audit, routing rules scoped, cases read-only and scoped."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind
from audit.models import ChangeLogEntry
from cases.models import CalendarDay, Category, CategoryAttribute, RoutingRule
from cases.testing import report

pytestmark = pytest.mark.django_db

CATEGORY_FORM = {
    "code": "t-snow", "name": "积雪结冰", "parent": "", "description": "", "gbt_code": "E04", "is_active": "on",
    "sort_order": "900", "default_level": "5", "skip_to_level": "", "priority": "1", "public": "on",
    "accept_hours": "4", "dispatch_hours": "8", "close_hours": "8",
    "handle_amount": "24", "handle_unit": "calendar_hours", "verify_hours": "8",
    "attributes-TOTAL_FORMS": "1", "attributes-INITIAL_FORMS": "0", "attributes-MIN_NUM_FORMS": "0",
    "attributes-MAX_NUM_FORMS": "1000", "attributes-0-code": "surface", "attributes-0-label": "位置",
    "attributes-0-kind": "choice", "attributes-0-options": "", "attributes-0-sort_order": "0",
}



def _logged(model, pk) -> list[str]:
    content_type = ContentType.objects.get_for_model(model)
    return list(ChangeLogEntry.objects.filter(content_type=content_type, object_id=str(pk)).values_list("action",
                                                                                                      flat=True))


def test_it_lists_the_default_catalog(cast, login):
    client = login(cast.superuser)
    content = client.get(reverse("admin:cases_category_changelist")).content.decode()
    assert "违章搭建" in content and "消防通道堵塞" in content
    leak = Category.objects.get(code="water-leak")
    change = client.get(reverse("admin:cases_category_change", args=[leak.pk])).content.decode()
    assert "楼层" in change and 'name="attributes-0-label"' in change
    assert "催办" in client.get(reverse("admin:cases_supervisionstep_changelist")).content.decode()
    assert "国庆节" in client.get(reverse("admin:cases_calendarday_changelist") + "?date__year=2026").content.decode()


def test_it_adds_a_category_with_a_checked_attribute_and_logs_it(cast, login):
    client = login(cast.superuser)
    url = reverse("admin:cases_category_add")
    refused = client.post(url, CATEGORY_FORM)
    assert refused.status_code == 200
    assert "单选或多选属性至少要有一个选项。" in refused.content.decode()
    assert not Category.objects.filter(code="t-snow").exists()

    response = client.post(url, {**CATEGORY_FORM, "attributes-0-options": "人行道\n楼前空地"})
    assert response.status_code == 302
    snow = Category.objects.get(code="t-snow")
    assert CategoryAttribute.objects.get(category=snow).option_list == ["人行道", "楼前空地"]
    assert _logged(Category, snow.pk) == ["create"]


def test_an_area_administrator_edits_the_catalog(cast, login):
    client = login(cast.district_admin)
    noise = Category.objects.get(code="noise")
    response = client.get(reverse("admin:cases_category_change", args=[noise.pk]))
    assert response.status_code == 200 and 'name="accept_hours"' in response.content.decode()


def test_routing_rules_are_scoped_to_the_administrators_area(cast, cc, login):
    rule = RoutingRule.objects.create(category=cc.category("t-clutter"), area=cast.community1,
                                      organisation=cc.property_company)
    own = login(cast.district_admin)
    assert "百花物业" in own.get(reverse("admin:cases_routingrule_changelist")).content.decode()
    assert own.get(reverse("admin:cases_routingrule_change", args=[rule.pk])).status_code == 200
    other = login(cast.other_district_admin)
    assert "百花物业" not in other.get(reverse("admin:cases_routingrule_changelist")).content.decode()
    assert other.get(reverse("admin:cases_routingrule_change", args=[rule.pk])).status_code == 404


def test_an_administrator_cannot_route_outside_their_area(cast, cc, login):
    unit = Organisation.objects.create(name="二七区执法大队", kind=OrganisationKind.ENFORCEMENT,
                                       home_area=cast.other_district)
    client = login(cast.other_district_admin)
    data = {"category": cc.category("t-building").pk, "area": cast.street1.pk, "organisation": unit.pk,
            "is_active": "on"}
    response = client.post(reverse("admin:cases_routingrule_add"), data)
    assert response.status_code == 200  # the form refuses an area the administrator cannot see
    assert not RoutingRule.objects.exists()

    response = client.post(reverse("admin:cases_routingrule_add"), {**data, "area": cast.other_street.pk})
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    entry = ChangeLogEntry.objects.get(content_type=ContentType.objects.get_for_model(RoutingRule),
                                       object_id=str(rule.pk))
    assert (entry.action, entry.area_code, entry.user) == ("create", cast.other_street.code, cast.other_district_admin)


def test_cases_are_read_only_and_scoped(cast, cc, login):
    case = report(cc, reporter_name="李阿姨", reporter_phone="13812345678")
    client = login(cast.district_admin)
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.number in listing
    change = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    content = change.content.decode()
    assert change.status_code == 200
    assert "138****5678" in content and "13812345678" not in content
    assert 'name="status"' not in content and 'name="_save"' not in content
    assert reverse("cases:case", args=[case.number]) in content
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    assert client.post(reverse("admin:cases_case_change", args=[case.pk]), {"status": "closed"}).status_code == 403
    assert client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"}).status_code == 403
    case.refresh_from_db()
    assert case.status == "reported"

    other = login(cast.other_district_admin)
    assert case.number not in other.get(reverse("admin:cases_case_changelist")).content.decode()
    assert other.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 404


def test_people_without_staff_status_never_reach_the_admin(cast, login):
    response = login(cast.grid_worker_a).get(reverse("admin:cases_calendarday_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert CalendarDay.objects.exists()
