"""The read-replica router without replicas (the default): nothing changes; its rules in isolation.

The behaviour against a real replica is in test_dbrouter_replica.py.
"""

import time

import pytest
from django.core import signing
from django.http import HttpResponse
from django.test import RequestFactory

from cases.models import Category
from core.dbrouter import COOKIE_NAME, ReplicaRouter, recently_wrote, remember_write, use_replica

pytestmark = pytest.mark.django_db


def test_without_replicas_reads_in_use_replica_stay_on_the_primary_and_no_cookie_is_set(cast, login, settings):
    if settings.DATABASE_REPLICA_URLS:
        pytest.skip("replicas are configured")
    with use_replica():
        assert Category.objects.all().db == "default"
    response = login(cast.street_leader).post("/cases/inbox/read-all/")
    assert response.status_code == 302
    assert COOKIE_NAME not in response.cookies


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "cases") is None
    assert router.allow_migrate("replica_1", "cases") is False
    assert router.db_for_write(Category) == "default"


def test_the_write_mark_lasts_its_window_and_cannot_be_forged(settings):
    settings.REPLICA_PRIMARY_AFTER_WRITE_SECONDS = 10
    response = HttpResponse()
    remember_write(response)
    assert response.cookies[COOKIE_NAME]["max-age"] == 10
    factory = RequestFactory()
    assert recently_wrote(factory.get("/", HTTP_COOKIE=f"{COOKIE_NAME}={response.cookies[COOKIE_NAME].value}"))
    forged = signing.get_cookie_signer(salt="other").sign(str(int(time.time()) + 3600))
    assert not recently_wrote(factory.get("/", HTTP_COOKIE=f"{COOKIE_NAME}={forged}"))
    assert not recently_wrote(factory.get("/", HTTP_COOKIE=f"{COOKIE_NAME}={int(time.time()) + 3600}"))
    assert not recently_wrote(factory.get("/"))
