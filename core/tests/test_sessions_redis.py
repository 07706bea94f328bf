"""With ``CACHE_URL`` sessions are read from Redis and written through to the database
(``cached_db``): a request finds its session in Redis, and losing Redis logs nobody out.

Runs against the Redis at 127.0.0.1:6379 (CI installs redis-server), in keys of its own.
"""

import uuid
from collections.abc import Iterator

import pytest
import redis
from django.contrib.sessions.models import Session

from accounts.testing import PASSWORD

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/3"
AREA_PAGE = "/areas/"


@pytest.fixture
def redis_sessions(settings) -> Iterator[tuple[redis.Redis, str]]:  # type: ignore[no-untyped-def]
    """The settings CACHE_URL gives, in a key prefix of this test's own (removed afterwards)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": prefix}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    server = redis.Redis.from_url(REDIS_URL)
    yield server, prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def test_sessions_are_read_from_redis_and_kept_in_the_database_too(redis_sessions, cast, client):
    server, prefix = redis_sessions
    assert client.post("/login/", {"username": cast.grid_worker_a.username, "password": PASSWORD}).status_code == 302
    session_key = client.cookies["sessionid"].value
    cached = f"{prefix}:1:django.contrib.sessions.cached_db{session_key}"
    assert server.exists(cached) and Session.objects.filter(session_key=session_key).exists()

    # Redis lost the session (a restart, an evicted key): the database still has it.
    server.delete(cached)
    assert client.get(AREA_PAGE).status_code == 200
    assert server.exists(cached)  # read back into Redis

    # The session is read from Redis: with the row gone, the request is still logged in.
    Session.objects.filter(session_key=session_key).delete()
    assert client.get(AREA_PAGE).status_code == 200

    # Logging out removes it from both.
    client.post("/logout/")
    assert not server.exists(cached) and not Session.objects.filter(session_key=session_key).exists()
    assert client.get(AREA_PAGE).status_code == 302
