"""Rate limits of the public pages: reports per address and per phone (counted in the database),
failed tracking-code lookups per address (counted in the cache)."""

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.utils import timezone

from cases import ratelimit
from cases.models import Channel
from cases.transitions import case_report
from cases.workflow import REPORTER
from core.request_context import client_address


@pytest.fixture(autouse=True)
def empty_cache():  # type: ignore[no-untyped-def]
    caches["default"].clear()
    yield
    caches["default"].clear()



def _request(address: str = "203.0.113.7", **meta: str):  # type: ignore[no-untyped-def]
    request = RequestFactory().get("/s/report/", REMOTE_ADDR=address)
    request.META.update(meta)
    return request


def _public_report(cc, key: str = "", phone: str = ""):  # type: ignore[no-untyped-def]
    return case_report(actor=REPORTER, category=cc.category("t-clutter"), description="楼道堆物。",
                       channel=Channel.RESIDENT, grid=cc.cast.grid_a, source_key=key, reporter_phone=phone)


def test_it_keys_addresses_with_a_keyed_hash_that_hides_them():
    key = ratelimit.source_key(_request("203.0.113.7"))
    assert len(key) == 64 and "203" not in key
    assert key == ratelimit.source_key(_request("203.0.113.7"))
    assert key != ratelimit.source_key(_request("203.0.113.8"))


def test_it_reads_the_client_address_from_the_proxy_header_when_configured(settings):
    request = _request("10.0.0.1", HTTP_X_REAL_IP="198.51.100.4")
    assert client_address(request) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_address(request) == "198.51.100.4"
    assert client_address(_request("10.0.0.1")) == "10.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"  # the proxy appends the address it saw
    spoofed = _request("10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.4")
    assert client_address(spoofed) == "198.51.100.4"


def test_it_refuses_the_sixth_report_from_one_address_within_the_hour(cc):
    key = ratelimit.source_key(_request())
    for _ in range(4):
        _public_report(cc, key)
    assert ratelimit.report_refusal(key) is None
    _public_report(cc, key)
    assert ratelimit.report_refusal(key) == \
        "同一网络每小时最多提交5条反映，请稍后再试；紧急情况请拨打110，其他问题可拨打12345政务服务便民热线。"
    assert ratelimit.report_refusal(ratelimit.source_key(_request("203.0.113.99"))) is None
    later = timezone.now() + datetime.timedelta(hours=1, minutes=1)
    assert ratelimit.report_refusal(key, now=later) is None


def test_it_refuses_the_fourth_report_with_one_phone_within_the_hour(cc, settings):
    for index in range(3):
        _public_report(cc, f"key-{index}", phone="13800138000")
    assert ratelimit.report_refusal("another-key", "138 0013 8000") == \
        "同一手机号每小时最多提交3条反映，请稍后再试。"
    assert ratelimit.report_refusal("another-key", "13900139000") is None
    settings.CASES_PUBLIC_REPORTS_PER_PHONE_HOUR = 4
    assert ratelimit.report_refusal("another-key", "13800138000") is None


def test_it_blocks_an_address_after_too_many_failed_lookups(settings):
    settings.CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR = 3
    key, other = ratelimit.source_key(_request()), ratelimit.source_key(_request("203.0.113.99"))
    for _ in range(2):
        ratelimit.count_failed_lookup(key)
    assert not ratelimit.lookups_blocked(key)
    ratelimit.count_failed_lookup(key)
    assert ratelimit.lookups_blocked(key)
    assert not ratelimit.lookups_blocked(other)


def test_failed_lookups_are_counted_across_processes_in_a_shared_redis_cache(settings):
    """With CACHE_URL=redis://… every web process sees the same count (Redis runs on the CI machine)."""
    from django.core.cache.backends.redis import RedisCache

    prefix = f"test-{uuid.uuid4().hex}"
    shared = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/3",
              "KEY_PREFIX": prefix}
    settings.CACHES = {**settings.CACHES, "shared": shared}
    settings.CASES_RATELIMIT_CACHE = "shared"
    settings.CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR = 2
    key = ratelimit.source_key(_request())
    other_process = RedisCache(shared["LOCATION"], {"KEY_PREFIX": prefix})
    try:
        ratelimit.count_failed_lookup(key)
        other_process.incr(ratelimit._lookup_cache_key(key))  # a failed lookup served by another process
        assert ratelimit.lookups_blocked(key)
    finally:
        other_process.delete(ratelimit._lookup_cache_key(key))
