"""随手拍 reads its category (with its questions) and its QR grid from the cache; a change to
either is seen by the next report (``cases.choices.public_category``, ``areas.grid_cache``)."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from areas.models import Area
from cases.models import AttributeKind, Case, CategoryAttribute

URL = "/s/report/"


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()


def _data(cc, **extra):  # type: ignore[no-untyped-def]
    data = {"category": cc.category("t-clutter").pk, "description": "5号楼楼道里堆了很多纸箱。",
            "address": "5号楼1单元", "anonymous": "on", "grid": cc.cast.grid_a.code}
    data.update(extra)
    return data


def _tables_read(queries: CaptureQueriesContext) -> set[str]:
    return {query["sql"].split(" FROM ", 1)[1].split()[0].strip('"') for query in queries.captured_queries
            if query["sql"].startswith("SELECT") and " FROM " in query["sql"]}


def test_a_second_report_reads_neither_the_category_nor_the_grid_nor_a_session(cc, client, settings):
    settings.CASES_PUBLIC_REPORTS_PER_IP_HOUR = 10
    assert client.post(URL, _data(cc)).status_code == 302
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, _data(cc)).status_code == 302
    read = _tables_read(queries)
    assert "cases_case" in read  # the rate limit
    assert not read & {"cases_category", "cases_categoryattribute", "areas_area", "django_session"}
    assert Case.objects.filter(grid=cc.cast.grid_a).count() == 2


def test_a_new_required_question_is_asked_at_once(cc, client):
    assert client.post(URL, _data(cc)).status_code == 302
    CategoryAttribute.objects.create(category=cc.category("t-clutter"), code="floor", label="楼层",
                                     kind=AttributeKind.NUMBER, required=True)
    response = client.post(URL, _data(cc))
    assert response.status_code == 400 and "楼层：请填写“楼层”。" in response.content.decode()
    assert client.post(URL, _data(cc, attr_floor="3")).status_code == 302
    assert Case.objects.latest("pk").attributes == {"floor": 3.0}


def test_a_category_withdrawn_from_the_public_is_refused_at_once(cc, client):
    category = cc.category("t-clutter")
    assert client.post(URL, _data(cc)).status_code == 302
    category.public = False
    category.save()
    response = client.post(URL, _data(cc))
    assert response.status_code == 400 and "请选择有效的事件类别。" in response.content.decode()
    assert Case.objects.count() == 1


def test_a_retired_grid_is_refused_at_once(cc, client):
    assert client.post(URL, _data(cc)).status_code == 302
    grid = Area.objects.get(pk=cc.cast.grid_a.pk)
    grid.ended_on = timezone.localdate() - datetime.timedelta(days=1)
    grid.save()
    response = client.post(URL, _data(cc))
    assert response.status_code == 400
    assert "二维码中的网格已不存在，请在地图上点选问题位置。" in response.content.decode()
    assert Case.objects.count() == 1
