"""Search by exact ID number or phone: posted, never in an address, limited per user, logged."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.testing import Cast
from audit.models import AccessLogEntry
from registry.tests.test_pages import LI_ID, ZHANG_ID, ZHANG_PHONE, World, build_world, make_id

SEARCH = reverse("registry:search")


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def digits_of(number: str) -> str:
    return re.sub(r"\D", "", number)


def assert_no_number(text: str, number: str) -> None:
    """Neither the number nor a run of 7 of its digits (e.g. without the country code) appears."""
    digits = digits_of(number)
    assert number not in text
    for start in range(len(digits) - 6):
        assert digits[start:start + 7] not in text


def test_it_posts_the_search_form(world, login):
    page = login(world.cast.grid_worker_a).get(SEARCH).content.decode()
    form = re.search(r'<form[^>]*id="resident-search"[^>]*>', page)
    assert form and 'method="post"' in form.group()
    assert "csrfmiddlewaretoken" in page


@pytest.mark.parametrize("number", [ZHANG_ID, ZHANG_PHONE, "+86 138 1234 5678"])
def test_it_keeps_the_number_out_of_every_address(world, login, number):
    client = login(world.cast.grid_worker_a)
    response = client.post(SEARCH, {"q": number})
    assert response.status_code == 302
    location = response["Location"]
    assert "qe=" in location
    assert_no_number(location, number)
    page = client.get(location)
    content = page.content.decode()
    assert "张三" in content and "李四" not in content
    assert_no_number(content, number)  # nor in the page, its export link or its pagination


def test_it_does_not_echo_the_number_when_a_filter_is_refused(world, login):
    response = login(world.cast.grid_worker_a).post(SEARCH, {"q": ZHANG_ID, "grid": world.cast.grid_c.pk})
    assert response.status_code == 400
    assert_no_number(response.content.decode(), ZHANG_ID)
    assert not AccessLogEntry.objects.exists()


def test_it_keeps_a_search_by_name_bookmarkable(world, login):
    response = login(world.cast.grid_worker_a).post(SEARCH, {"q": "李四", "residency_type": "registered"})
    assert response.status_code == 302
    assert response["Location"] == SEARCH + "?residency_type=registered&q=%E6%9D%8E%E5%9B%9B"
    assert not AccessLogEntry.objects.exists()


def test_it_does_not_search_for_a_clear_number_typed_into_the_address(world, login):
    client = login(world.cast.grid_worker_a)
    response = client.get(SEARCH, {"q": ZHANG_ID, "page": "2"})
    assert response.status_code == 302 and response["Location"] == SEARCH
    content = client.get(response["Location"]).content.decode()
    assert "按证件号码或电话查询请在查询框中输入后点击“查询”。" in content
    assert "李四" in content  # not narrowed to the number: nothing was looked up
    assert ZHANG_ID not in content
    assert not AccessLogEntry.objects.exists()


def test_it_opens_a_sealed_number_only_for_the_user_who_searched(world, login):
    location = login(world.cast.grid_worker_a).post(SEARCH, {"q": ZHANG_ID})["Location"]
    other = login(world.leader_a).get(location).content.decode()
    assert "这次按号码查询已过期，请重新输入号码查询。" in other
    assert "李四" in other  # the leader's page is not narrowed by someone else's number


def test_it_logs_a_search_by_number_with_a_fingerprint_not_the_number(world, login):
    from registry import lookups

    client = login(world.cast.grid_worker_a)
    client.post(SEARCH, {"q": ZHANG_ID})
    client.post(SEARCH, {"q": " ".join([ZHANG_ID[:6], ZHANG_ID[6:14], ZHANG_ID[14:]])})
    client.post(SEARCH, {"q": make_id("19990909", "468")})  # registered nowhere
    found, again, missed = AccessLogEntry.objects.order_by("id")
    assert (found.user, found.fields, found.object_id) == (world.cast.grid_worker_a, "lookup:search",
                                                          str(world.zhang.pk))
    assert found.area_code == world.zhang.grid_code
    reference = lookups.reference(ZHANG_ID)
    assert len(reference) == 12 and reference in found.reason and "找到居民：1" in found.reason
    assert again.reason == found.reason  # the same number typed differently: the same fingerprint
    assert missed.object_id == "" and missed.area_code == world.cast.grid_a.code and "未找到" in missed.reason
    assert reference not in missed.reason
    for entry in (found, again, missed):
        row = " ".join(str(value) for value in AccessLogEntry.objects.filter(pk=entry.pk).values().get().values())
        assert_no_number(row, ZHANG_ID)


def test_it_lists_lookups_on_the_access_log_page(world, login):
    from registry import lookups

    client = login(world.cast.grid_worker_a)
    client.post(SEARCH, {"q": ZHANG_PHONE})
    client.post(SEARCH, {"q": "13900000000"})
    page = login(world.cast.district_admin).get(reverse("registry:access_log"))
    content = page.content.decode()
    assert page.status_code == 200
    assert content.count("按号码查询") >= 2 and "未找到" in content
    assert lookups.reference(ZHANG_PHONE) in content
    assert_no_number(content, ZHANG_PHONE)


@pytest.fixture
def limit_of_three(settings):  # type: ignore[no-untyped-def]
    settings.REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR = 3


def test_it_limits_searches_by_number_per_user_and_hour(world, login, limit_of_three):
    from registry import lookups

    client = login(world.cast.grid_worker_a)
    for serial in range(3):
        assert client.post(SEARCH, {"q": make_id("19990909", f"{serial:03d}")}).status_code == 302
    refused = client.post(SEARCH, {"q": ZHANG_ID})
    content = refused.content.decode()
    assert refused.status_code == 429
    assert "按证件号码或电话查询过于频繁：每人每小时最多3次，请一小时后再试。" in content
    assert "张三" not in content.split('id="resident-table"')[1]  # no results
    assert ZHANG_ID not in content
    assert AccessLogEntry.objects.count() == 3
    assert client.post(SEARCH, {"q": "张三"}).status_code == 302  # names are not limited
    assert login(world.leader_a).post(SEARCH, {"q": ZHANG_ID}).status_code == 302  # per user
    later = timezone.now() + datetime.timedelta(minutes=61)
    assert lookups.lookup_refusal(world.cast.grid_worker_a, now=later) is None


@pytest.mark.parametrize("query", ["7850", "5678", "138****5678", "410102195001", "4101021950010112"])
def test_it_says_that_search_by_number_needs_the_whole_number(world, login, query):
    client = login(world.cast.grid_worker_a)
    page = client.post(SEARCH, {"q": query}, follow=True).content.decode()
    assert "证件号码和电话只能按完整号码查询（身份证18位，手机11位，固定电话含区号），不能只输入其中几位。" in page


@pytest.mark.parametrize("query", [ZHANG_ID, ZHANG_PHONE, "0371-67881234", "张三", "百花路2号", "101"])
def test_it_gives_no_hint_for_a_whole_number_or_a_name(world, login, query):
    page = login(world.cast.grid_worker_a).post(SEARCH, {"q": query}, follow=True).content.decode()
    assert "只能按完整号码查询" not in page


def test_it_keeps_the_number_while_the_filters_change(world, login):
    client = login(world.cast.grid_worker_a)
    location = client.post(SEARCH, {"q": LI_ID})["Location"]
    sealed = location.split("qe=", 1)[1]
    from urllib.parse import unquote

    refiltered = client.post(SEARCH, {"q": "", "qe": unquote(sealed), "residency_type": "registered"})
    assert refiltered.status_code == 302 and "qe=" in refiltered["Location"]
    content = client.get(refiltered["Location"]).content.decode()
    assert "李四" in content and "张三" not in content
    assert AccessLogEntry.objects.count() == 1  # one number, one lookup


def test_it_matches_no_number_in_the_case_report_link_search(world, login):
    """The link search of the report form looks for buildings, addresses and names only."""
    response = login(world.cast.grid_worker_a).post(reverse("cases:report_links"), {"link_q": ZHANG_PHONE})
    assert "张三" not in response.content.decode()
    assert not AccessLogEntry.objects.exists()
