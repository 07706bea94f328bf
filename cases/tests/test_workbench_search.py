"""The workbench's search box: a case by number (exact or prefix), by the reporter's phone
(exact, through the blind index, posted and sealed, limited and logged like a registry lookup),
by words of the address or description; always within the user's scope."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from django.contrib.contenttypes.models import ContentType

from audit.models import AccessLogEntry
from cases.models import Case, Channel
from cases.testing import report
from cases.workflow import REPORTER

ROW = re.compile(r'data-case="(\d+)"')
PHONE = "13900001234"


def found(client, **params: str) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    response = client.get("/cases/", {"queue": "all", **params})
    assert response.status_code == 200
    html = response.content.decode()
    return ROW.findall(html), html


def search(client, text: str, **carried: str):  # type: ignore[no-untyped-def]
    return client.post("/cases/search/", {"q": text, **carried})


def test_it_finds_a_case_by_its_number_or_the_start_of_it(cc, client):  # type: ignore[no-untyped-def]
    first, second = report(cc), report(cc)
    client.force_login(cc.dispatcher)
    assert found(client, q=first.number)[0] == [first.number]
    assert set(found(client, q=first.number[:8])[0]) == {first.number, second.number}


def test_it_finds_cases_by_every_word_of_the_address_and_description(cc, client):  # type: ignore[no-untyped-def]
    bikes = report(cc, description="5号楼门口电动车乱停放。", address="百花小区5号楼")
    clutter = report(cc, description="楼道堆放杂物。", address="百花小区3号楼")
    client.force_login(cc.dispatcher)
    assert found(client, q="电动车")[0] == [bikes.number]
    assert set(found(client, q="百花小区")[0]) == {bikes.number, clutter.number}
    assert found(client, q="百花小区 杂物")[0] == [clutter.number]
    assert found(client, q="杂物 5号楼")[0] == []
    _rows, html = found(client, q="电动车")
    assert 'value="电动车"' in html and 'id="case-search-clear"' in html


def test_it_searches_only_within_scope(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, description="电动车乱停放。")
    client.force_login(cc.cast.grid_worker_b)
    assert found(client, q="电动车")[0] == []
    assert found(client, q=case.number)[0] == []


def test_the_search_narrows_the_tab_counts_and_stays_in_the_tab_links(cc, client):  # type: ignore[no-untyped-def]
    report(cc, description="电动车乱停放。")
    report(cc, description="楼道堆放杂物。")
    client.force_login(cc.dispatcher)
    _rows, html = found(client, q="杂物")
    assert re.search(r'id="queue-reported".*?queue-count">1<', html, re.S)
    assert "href=\"?queue=reported&amp;sort=deadline&amp;q=%E6%9D%82%E7%89%A9\"" in html


def test_a_posted_search_goes_to_all_cases_keeping_the_filter(cc, client):  # type: ignore[no-untyped-def]
    client.force_login(cc.dispatcher)
    response = search(client, "电动车", area=cc.cast.grid_a.code, sort="newest", page="3", junk="x")
    query = parse_qs(urlparse(response["Location"]).query)
    assert query == {"queue": ["all"], "area": [cc.cast.grid_a.code], "sort": ["newest"], "q": ["电动车"]}


def test_it_finds_a_case_by_the_reporters_phone_without_the_phone_in_any_address(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士", reporter_phone=PHONE)
    report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="李先生", reporter_phone="13900005678")
    client.force_login(cc.dispatcher)
    response = search(client, "139 0000 1234")
    assert response.status_code == 302
    location = response["Location"]
    assert PHONE not in location and "1234" not in location.split("qe=")[0]
    assert "qe=" in location and "q=" not in location.replace("qe=", "")
    html = client.get(location).content.decode()
    assert ROW.findall(html) == [case.number]
    assert PHONE not in html and "139****1234" in html
    entry = AccessLogEntry.objects.get()
    assert entry.user == cc.dispatcher and entry.fields == "lookup:search"
    assert entry.content_type == ContentType.objects.get_for_model(Case) and entry.object_id == str(case.pk)
    assert entry.area_code == case.grid_code and PHONE not in entry.reason and "找到事件：1" in entry.reason


def test_a_phone_search_outside_scope_finds_nothing_and_is_logged(cc, client):  # type: ignore[no-untyped-def]
    report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士", reporter_phone=PHONE)
    client.force_login(cc.cast.grid_worker_b)
    html = client.get(search(client, PHONE)["Location"]).content.decode()
    assert ROW.findall(html) == []
    entry = AccessLogEntry.objects.get()
    assert entry.object_id == "" and "未找到" in entry.reason


def test_a_part_of_a_phone_is_no_phone_search(cc, client):  # type: ignore[no-untyped-def]
    report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士", reporter_phone=PHONE)
    client.force_login(cc.dispatcher)
    assert found(client, q="1234")[0] == []
    assert not AccessLogEntry.objects.exists()


def test_phone_searches_are_limited_per_hour_like_registry_lookups(cc, client, settings):  # type: ignore[no-untyped-def]
    settings.REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR = 1
    report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士", reporter_phone=PHONE)
    client.force_login(cc.dispatcher)
    assert "qe=" in search(client, PHONE)["Location"]
    refused = search(client, PHONE)
    assert "qe=" not in refused["Location"]
    html = client.get(refused["Location"]).content.decode()
    assert "过于频繁" in html
    assert AccessLogEntry.objects.count() == 1


def test_a_phone_typed_into_the_address_is_not_searched(cc, client):  # type: ignore[no-untyped-def]
    client.force_login(cc.dispatcher)
    response = client.get("/cases/", {"queue": "all", "q": PHONE})
    assert response.status_code == 302 and PHONE not in response["Location"]
    assert not AccessLogEntry.objects.exists()


def test_a_sealed_phone_of_another_user_or_expired_is_not_opened(cc, client):  # type: ignore[no-untyped-def]
    report(cc, actor=REPORTER, channel=Channel.RESIDENT, reporter_name="王女士", reporter_phone=PHONE)
    client.force_login(cc.dispatcher)
    location = search(client, PHONE)["Location"]
    client.force_login(cc.community_staff)
    _rows, html = found(client, **{key: value[0] for key, value in parse_qs(urlparse(location).query).items()})
    assert "已过期" in html and PHONE not in html


def test_a_too_long_search_is_refused_with_a_message(cc, client):  # type: ignore[no-untyped-def]
    client.force_login(cc.dispatcher)
    response = search(client, "长" * 101)
    html = client.get(response["Location"]).content.decode()
    assert "查询内容最多100个字" in html


def test_users_without_case_access_may_not_search(cc, client):  # type: ignore[no-untyped-def]
    client.force_login(cc.cast.outsider)
    assert search(client, "电动车").status_code == 403
