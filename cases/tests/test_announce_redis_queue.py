"""The task queue on Redis (``TASKS_BACKEND=django_tasks_rq.RQBackend``): a transition's request
enqueues its announcement in Redis and an RQ worker delivers it, once.

Starts a private ``redis-server`` (Debian's package; CI installs it) on a free port.
"""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django_rq import get_queue, get_worker
from rq.worker import SimpleWorker

from cases.models import Notification
from cases.tests.test_announce_task import post_report

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def redis_queue(settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for(port)
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
        settings.RQ_QUEUES = {"default": {"URL": url}}
        settings.RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}  # as config/settings.py sets it
        caches["default"].clear()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail("redis-server did not start")


class QuietWorker(SimpleWorker):
    """An RQ worker without the pub/sub listener that takes commands (stop, kill) from Redis.

    Stopping that listener waited up to 60 s at the end of ``work()``: RQ runs it with
    ``sleep_time=60`` and redis-py's ``PubSubWorkerThread.stop()`` joins the thread, which sits
    in ``get_message(timeout=60)``. Seen in 6 of 10 full runs (never alone); a burst has no
    commands to take."""

    def subscribe(self) -> None:
        return None


def work() -> None:
    get_worker("default", worker_class=f"{__name__}.QuietWorker").work(burst=True)


def test_the_report_post_enqueues_in_redis_and_an_rq_worker_notifies_the_desk_once(redis_queue, cc, client):
    case = post_report(cc, client)
    assert not Notification.objects.exists()
    queue = get_queue("default")
    assert queue.count == 1
    assert list(queue.jobs[0].args) == [case.events.get(verb="report").pk]

    work()
    assert queue.count == 0
    assert list(Notification.objects.values_list("user", "verb")) == [(cc.grid_leader.pk, "report")]
    assert get_queue("default").failed_job_registry.count == 0
