"""A closed-loop HTTP load client on the standard library (threads, keep-alive connections).

Each of ``concurrency`` threads owns one connection and one session (cookies) and sends the
scenario's requests back to back for ``duration`` seconds: a closed loop, so the offered load
follows the server's speed. Latencies are wall-clock per request; a response counts as an error
when its status is not the expected one. ``X-Bench-Queries`` (sent by the server when
``BENCH_QUERY_COUNT`` is on, ``core.bench``) gives the SQL queries per request.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    content_type: str = ""
    expect: tuple[int, ...] = (200,)
    headers: tuple[tuple[str, str], ...] = ()


class Session:
    """One keep-alive connection with its cookies, as a browser behind nginx (HTTPS) would send."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=120)

    def send(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        headers = {
            "Host": self.host, "X-Forwarded-Proto": "https", "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}{request.path}", "Accept-Language": "zh-hans",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if request.content_type:
            headers["Content-Type"] = request.content_type
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        headers.update(request.headers)
        for attempt in (1, 2):
            try:
                self.connection.request(request.method, request.path, body=request.body or None, headers=headers)
                response = self.connection.getresponse()
                body = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, cookie = pair.partition("=")
                self.cookies[key.strip()] = cookie.strip()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body

    def csrf_token(self, path: str) -> str:
        status, _headers, body = self.send(Request("GET", path))
        found = CSRF_INPUT.search(body)
        if status != 200 or not found:
            raise RuntimeError(f"no form at {path} (status {status})")
        return found.group(1).decode()

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/login/")
        body = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        status, _headers, _ = self.send(Request("POST", "/login/", body, "application/x-www-form-urlencoded"))
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed (status {status})")


def form_body(fields: dict[str, str]) -> tuple[bytes, str]:
    return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"


def multipart_body(fields: dict[str, str], files: Sequence[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: image/jpeg\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    queries: list[int] = field(default_factory=list)
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(share: float) -> float:
            if not ordered:
                return 0.0
            return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

        return {
            "scenario": self.name, "requests": len(ordered), "errors": self.errors,
            "req_per_s": round(len(ordered) / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(pct(0.50), 1), "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1),
            "queries": round(statistics.median(self.queries), 1) if self.queries else None,
            "statuses": {str(key): value for key, value in sorted(self.statuses.items())},
        }


# A scenario: a factory of per-thread sessions (logged in as needed) and a request maker.
NextRequest = Callable[[Session, int], Request]


def run(
    name: str, *, host: str, port: int, concurrency: int, duration: float,
    prepare: Callable[[Session], None], next_request: NextRequest,
) -> Result:
    """Drive the server with ``concurrency`` closed loops for ``duration`` seconds."""
    result = Result(name)
    lock = threading.Lock()
    sessions = []
    for _ in range(concurrency):
        session = Session(host, port)
        prepare(session)
        sessions.append(session)
    deadline = 0.0
    start_gate = threading.Barrier(concurrency + 1)

    def loop(session: Session, worker: int) -> None:
        count = 0
        start_gate.wait()
        while time.monotonic() < deadline:
            request = next_request(session, worker * 1_000_000 + count)
            count += 1
            began = time.monotonic()
            try:
                status, headers, _ = session.send(request)
            except (OSError, http.client.HTTPException):
                status, headers = 0, {}
            elapsed = time.monotonic() - began
            with lock:
                result.latencies.append(elapsed)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                if status not in request.expect:
                    result.errors += 1
                if "x-bench-queries" in headers:
                    result.queries.append(int(headers["x-bench-queries"]))

    threads = [threading.Thread(target=loop, args=(session, index), daemon=True)
               for index, session in enumerate(sessions)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline = began + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    for session in sessions:
        session.connection.close()
    return result
