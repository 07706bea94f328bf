"""Fixtures shared by every app's tests."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from accounts.testing import PASSWORD, Cast, build_cast

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Tests marked postgres_only need real row locks and concurrent connections; tests marked
    replica a streaming replica (DATABASE_REPLICA_URLS, made by scripts/pg_replica.sh)."""
    from django.conf import settings

    if not settings.DATABASE_REPLICA_URLS:
        no_replica = pytest.mark.skip(reason="needs DATABASE_REPLICA_URLS (scripts/pg_replica.sh; CI sets it up)")
        for item in items:
            if "replica" in item.keywords:
                item.add_marker(no_replica)
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: SQLite has no row locks or concurrent writers (CI runs it)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_configure(config: pytest.Config) -> None:
    _cheap_flush()


def _cheap_flush() -> None:
    """Make the flush after each transactional test (browser and concurrency tests) cheap.

    Django empties the database after such a test with one ``TRUNCATE`` of every table, then
    sends ``post_migrate`` so the default catalogs are there again. On PostgreSQL the
    ``TRUNCATE`` of 120 tables with their indexes and partitions took 0.5–0.9 s, each time:
    ``DELETE`` of the few rows a test leaves takes 0.1 s (the foreign keys are deferred, so
    the order does not matter). Only the test process is changed; a deployment flushes as Django does.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        if not tables or reset_sequences:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED;", *(f"DELETE FROM {self.quote_name(table)};" for table in tables)]

    truncate = DatabaseOperations.sql_flush
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """The test databases on PostgreSQL commit without waiting for the disk
    (``synchronous_commit=off``): a crash could lose the last commits of a database that is
    thrown away anyway. Browser and concurrency tests commit every statement, and the
    migrations that build each worker's database commit hundreds of times. Not with streaming
    replicas: their tests wait for the primary's WAL position to reach the replica, and an
    asynchronous commit is not in that position yet."""
    from django.conf import settings
    from django.db import connections

    if settings.DATABASE_REPLICA_URLS:
        return
    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if settings_dict["ENGINE"].endswith("postgresql"):
            options = settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):  # type: ignore[no-untyped-def]
    """The real hasher costs seconds per user; tests of hashing itself are Django's business."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_default_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty default cache: cached menus (``cases.choices``) never carry
    rows of a rolled-back test into the next one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    """Uploaded files (case photos) go to a temporary folder, never into var/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def immediate_tasks(settings):  # type: ignore[no-untyped-def]
    """Tasks run as they are enqueued, so a test sees what a worker would do (the notifications
    of a transition, an export). Tests of the queue itself set the database backend back
    (cases/tests/test_announce_task.py, core/tests/test_task_worker.py)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


@pytest.fixture
def login(client):  # type: ignore[no-untyped-def]
    """login(user) logs the Django test client in as that user and returns the client."""

    def _login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return _login


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (headless)."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"Browser tests need Chromium at {executable}: apt-get install chromium, or set CHROMIUM_PATH.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser page; page.goto(path) is relative to the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def browser_login(page):  # type: ignore[no-untyped-def]
    """browser_login(user) logs in through the real login form."""

    def _login(user):  # type: ignore[no-untyped-def]
        page.goto("/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        return page

    return _login


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


__all__ = ["Cast"]
