"""Wangge's own translated error pages, with DEBUG off (production) and on (the demo), from an
unknown address and from views that raise; Django's debug pages only when a developer opts in."""

import logging

import pytest
from django.conf import settings as django_settings
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = {
    "/no-such-page/": (404, "找不到页面"),
    "/test-errors/missing/": (404, "找不到页面"),
    "/test-errors/forbidden/": (403, "没有权限"),
    "/test-errors/suspicious/": (400, "请求有误"),
    "/test-errors/broken/": (500, "服务器出错了"),
}
DEBUG_PAGE_MARKS = ("DEBUG = True", "Traceback", "secret detail", "Django")


@pytest.fixture(autouse=True)
def failing_views(settings, caplog):
    settings.ROOT_URLCONF = "core.tests.error_urls"
    caplog.set_level(logging.CRITICAL, logger="django")  # the 500s are logged, as they should be


@pytest.fixture
def browser_client():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", PAGES)
def test_it_shows_wangges_page(settings, browser_client, url, debug):
    settings.DEBUG = debug
    status, title = PAGES[url]

    response = browser_client.get(url)

    assert response.status_code == status
    html = response.content.decode()
    assert title in html
    assert not any(mark in html for mark in DEBUG_PAGE_MARKS)
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize("debug", [False, True])
def test_it_translates_the_pages(settings, browser_client, debug):
    settings.DEBUG = debug
    browser_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    assert "Page not found" in browser_client.get("/no-such-page/").content.decode()
    assert "Server error" in browser_client.get("/test-errors/broken/").content.decode()
    assert "Bad request" in browser_client.get("/test-errors/suspicious/").content.decode()


def test_it_shows_the_debug_pages_to_a_developer_who_asks(settings, browser_client):
    settings.DEBUG = True
    settings.SHOW_DEBUG_PAGES = True

    assert "DEBUG = True" in browser_client.get("/no-such-page/").content.decode()
    assert "secret detail of the failure" in browser_client.get("/test-errors/broken/").content.decode()


def test_it_never_shows_the_debug_pages_in_production_even_if_asked(settings, browser_client):
    settings.DEBUG = False
    settings.SHOW_DEBUG_PAGES = True

    html = browser_client.get("/test-errors/broken/").content.decode()

    assert "服务器出错了" in html and "secret detail" not in html


def test_it_explains_an_expired_form(settings):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "页面已过期或浏览器禁用了 Cookie" in response.content.decode()
