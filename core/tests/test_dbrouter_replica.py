"""Read replicas against a real PostgreSQL streaming replica (scripts/pg_replica.sh; CI makes one).

Proof that a read went to the replica: the replica's WAL replay is paused, a row is written to
the primary, and a read inside ``use_replica()`` does not see it while a read outside does.
The tests commit for real (a replica only sees committed data).
"""

import time
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from cases.models import Category
from cases.tests.stats_factory import make_category, make_row
from core.dbrouter import COOKIE_NAME, use_replica

pytestmark = [pytest.mark.replica, pytest.mark.django_db(transaction=True, databases=["default", "replica_1"])]

LEDGER = reverse("cases:ledger")


def on(alias: str, sql: str) -> object:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]  # type: ignore[index]


@pytest.fixture(autouse=True)
def real_replica() -> Iterator[None]:
    """Point ``replica_1`` at the real replica (in tests it mirrors the primary) and its test database."""
    replica = connections["replica_1"]
    mirrored = replica.settings_dict
    real = settings.DATABASES["replica_1"]
    replica.close()
    replica.settings_dict = {**connections["default"].settings_dict, "HOST": real["HOST"], "PORT": real["PORT"]}
    try:
        assert on("replica_1", "select pg_is_in_recovery()") is True
        caught_up()
        yield
    finally:
        if on("replica_1", "select pg_is_wal_replay_paused()"):
            on("replica_1", "select pg_wal_replay_resume()::text")
        replica.close()
        replica.settings_dict = mirrored


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    target = on("default", "select pg_current_wal_lsn()::text")
    for _ in range(200):
        if on("replica_1", f"select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}') >= 0"):
            return
        time.sleep(0.05)
    pytest.fail("the replica did not catch up with the primary")


def paused() -> None:
    on("replica_1", "select pg_wal_replay_pause()::text")
    for _ in range(200):
        if on("replica_1", "select pg_get_wal_replay_pause_state()") == "paused":
            return
        time.sleep(0.05)
    pytest.fail("the replica did not pause")


def test_reads_inside_use_replica_come_from_the_replica_and_others_from_the_primary():
    paused()
    lamp = make_category("t-lamp", "路灯")
    with use_replica():
        assert Category.objects.filter(pk=lamp.pk).db == "replica_1"
        assert not Category.objects.filter(pk=lamp.pk).exists()  # not replayed yet
    assert Category.objects.filter(pk=lamp.pk).exists()  # the primary has it
    on("replica_1", "select pg_wal_replay_resume()::text")
    caught_up()
    with use_replica():
        assert Category.objects.filter(pk=lamp.pk).exists()


def test_writes_inside_use_replica_go_to_the_primary():
    with use_replica():
        lamp = make_category("t-lamp", "路灯")  # a standby would refuse the INSERT
        Category.objects.filter(pk=lamp.pk).update(name="路灯照明")
        assert Category.objects.filter(pk=lamp.pk).db == "replica_1"
    assert Category.objects.get(pk=lamp.pk).name == "路灯照明"


def test_reads_inside_a_transaction_stay_on_the_primary():
    from django.db import transaction

    paused()
    with transaction.atomic(), use_replica():
        lamp = make_category("t-lamp", "路灯")
        assert Category.objects.filter(pk=lamp.pk).exists()


def test_the_ledger_reads_the_replica_until_the_user_writes_then_the_primary(cast, client):
    client.force_login(cast.street_leader)
    lamp = make_category("t-lamp", "路灯")
    old = make_row(cast, lamp, reported="2026-03-02 09:00")
    caught_up()
    paused()
    new = make_row(cast, lamp, reported="2026-03-03 09:00")

    page = client.get(LEDGER).content.decode()
    assert old.number in page and new.number not in page  # the (paused) replica answered

    client.post(reverse("cases:inbox_read_all"))  # any request that writes
    assert COOKIE_NAME in client.cookies
    page = client.get(LEDGER).content.decode()
    assert old.number in page and new.number in page  # read-your-writes: the primary answered

    del client.cookies[COOKIE_NAME]  # the window is over
    assert new.number not in client.get(LEDGER).content.decode()
