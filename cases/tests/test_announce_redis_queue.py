"""The task queue on Redis (``TASKS_BACKEND=django_tasks_rq.RQBackend``): a transition's request
enqueues its announcement in Redis and an RQ worker delivers it, once.

Starts a private ``redis-server`` (Debian's package; CI installs it) on a free port.
"""

import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django_rq import get_queue, get_worker

from cases.models import Notification
from cases.tests.test_announce_task import post_report

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def where_it_waits() -> Iterator[None]:
    """In some full runs (3 of 7 on 2026-12-06, never alone) this test took 60 s instead of 0.5 s.
    If it takes over 20 s again, a warning in the run's summary shows where it was waiting."""
    main, seen = threading.main_thread().ident, []

    def look() -> None:
        frame = sys._current_frames().get(main or 0)
        seen.append("".join(traceback.format_stack(frame)) if frame else "(no frame)")

    timer = threading.Timer(20, look)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if seen:
            warnings.warn(f"test_announce_redis_queue waited over 20 s here:\n{seen[0]}", stacklevel=1)


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


def work() -> None:
    get_worker("default", worker_class="rq.worker.SimpleWorker").work(burst=True)


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
