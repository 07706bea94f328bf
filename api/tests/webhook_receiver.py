"""A real HTTP receiver for webhook tests: ``http.server`` in a thread on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

from django.core.management import call_command
from django.test import TestCase
from django_tasks_db.models import DBTaskResult


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got, and how it answers (``status``; ``answer`` is the body it sends)."""

    port: int = 0
    status: int = 200
    answer: bytes = b"ok"
    requests: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/wangge"

    def types(self) -> list[str]:
        return [request.headers["X-Wangge-Event"] for request in self.requests]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        receiver = self.server.receiver
        receiver.requests.append(Received(self.path, dict(self.headers.items()), self.rfile.read(length)))
        self.send_response(receiver.status)
        if 300 <= receiver.status < 400:  # a redirect to itself: followed, it would show as a second request
            self.send_header("Location", f"http://127.0.0.1:{receiver.port}/elsewhere")
        self.send_header("Content-Length", str(len(receiver.answer)))
        self.end_headers()
        self.wfile.write(receiver.answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    receiver: Receiver


def start_receiver() -> tuple[Receiver, _Server]:
    server = _Server(("127.0.0.1", 0), _Handler)
    server.receiver = Receiver(port=server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.receiver, server


def run_tasks() -> None:
    """Run every task due now with ``manage.py task_worker --batch``, until none is left.

    In a test everything happens inside the test's transaction, so the callbacks that tasks
    register for "after the commit" (enqueuing the deliveries of an announced event) are run
    when each batch ends, and the next batch takes what they enqueued. The worker recycles its
    database connection between tasks (``close_old_connections``), which on PostgreSQL would end
    the test's transaction; here it keeps it.
    """
    for _round in range(20):
        with (
            TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
            mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"),
        ):
            call_command("task_worker", "--batch", "--no-startup-delay", verbosity=0)
        if not callbacks and not DBTaskResult.objects.ready().exists():
            return
    raise AssertionError("tasks keep enqueuing tasks")
