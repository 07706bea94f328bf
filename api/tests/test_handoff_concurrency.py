"""Two hand-off passes at the same moment (real threads, PostgreSQL): the request is POSTed once,
the closed request feeds the case back once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection

from api.handoff import client, operations
from api.handoff.client import Created, RequestState
from api.handoff.operations import PassReport, hand_off, run_handoff_pass
from api.models import HandoffState, UpstreamHandoff
from api.tests.handoff_helpers import at_district_desk, make_platform
from cases.models import Case, Status

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def passes_at_once(workers: int) -> list[PassReport | BaseException]:
    barrier = threading.Barrier(workers)
    results: list[PassReport | BaseException] = [RuntimeError("not run")] * workers

    def work(index: int) -> None:
        try:
            barrier.wait()
            results[index] = run_handoff_pass()
        except BaseException as error:  # reported by the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(index,)) for index in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_passes_at_once_send_once_and_close_once(cc, monkeypatch):  # type: ignore[no-untyped-def]
    desk = make_platform(cc, "http://city.invalid/open311/v2/")
    case = at_district_desk(cc, desk)
    monkeypatch.setattr(operations, "enqueue", lambda *args, **kwargs: None)  # left for the passes
    handoff = hand_off(case=case, actor=desk.district_dispatcher, platform=desk.platform, reason="超出区级职权。")
    posts: list[dict[str, str]] = []
    status = {"now": RequestState("open", "", "")}

    def post(platform: Any, fields: dict[str, str]) -> Created:
        posts.append(fields)
        time.sleep(0.2)  # the other worker arrives while this one is sending
        return Created("C1", "tok1")

    def get(platform: Any, request_id: str) -> RequestState:
        time.sleep(0.1)
        return status["now"]

    monkeypatch.setattr(client, "post_request", post)
    monkeypatch.setattr(client, "get_request", get)
    monkeypatch.setattr(client, "get_updates", lambda *args: [])

    results = passes_at_once(3)
    assert all(isinstance(result, PassReport) for result in results), results
    assert len(posts) == 1 and sum(result.sent for result in results if isinstance(result, PassReport)) == 1
    assert UpstreamHandoff.objects.get(pk=handoff.pk).state == HandoffState.SENT

    status["now"] = RequestState("closed", "已办结。", "")
    results = passes_at_once(3)
    assert all(isinstance(result, PassReport) for result in results), results
    assert sum(result.closed for result in results if isinstance(result, PassReport)) == 1
    case = Case.objects.get(pk=case.pk)
    assert case.status == Status.PENDING_VERIFY and case.events.filter(verb="feedback").count() == 1
