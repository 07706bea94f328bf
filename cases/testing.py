"""Test helpers for cases: a case cast on top of ``accounts.testing.build_cast`` and a driver that
takes a case to any state through the real transitions.

Categories here have codes starting ``t-`` so they never collide with the default catalog.
"""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from accounts.models import Organisation, OrganisationKind, OrganisationMember, User
from accounts.testing import Cast, make_user
from cases import transitions as t
from cases.models import (
    AttributeKind,
    Case,
    Category,
    CategoryAttribute,
    Channel,
    DeadlineUnit,
    HandlingLevel,
    Outcome,
    Priority,
    Rating,
    Status,
)
from cases.workflow import REPORTER, ActionRefused, Photo


@dataclass
class CaseCast:
    """The people and units of a case's life in street 1 (grid A), plus the test categories."""

    cast: Cast
    grid_leader: User
    community_staff: User
    dispatcher: User
    supervisor: User
    property_company: Organisation
    property_handler: User
    enforcement: Organisation
    enforcement_handler: User
    other_street_dispatcher: User
    categories: dict[str, Category] = field(default_factory=dict)

    def category(self, code: str) -> Category:
        return self.categories[code]


def make_test_categories() -> dict[str, Category]:
    """Four categories with known limits (working hours are office hours, 8 per day)."""
    specs: list[dict[str, Any]] = [
        {"code": "t-clutter", "name": "楼道堆物", "default_level": HandlingLevel.COMMUNITY, "public": True,
             "accept_hours": 4, "handle_amount": 3, "handle_unit": DeadlineUnit.WORKING_DAYS, "verify_hours": 8},
        {"code": "t-building", "name": "违章搭建", "default_level": HandlingLevel.STREET, "public": True,
             "accept_hours": 8, "handle_amount": 10, "handle_unit": DeadlineUnit.WORKING_DAYS, "verify_hours": 16,
             "gbt_code": "0501"},
        {"code": "t-fire-exit", "name": "消防通道堵塞", "default_level": HandlingLevel.COMMUNITY, "public": True,
             "priority": Priority.URGENT, "skip_to_level": HandlingLevel.STREET, "accept_hours": 1, "handle_amount": 24,
             "handle_unit": DeadlineUnit.CALENDAR_HOURS, "verify_hours": 4},
        {"code": "t-dispute", "name": "邻里纠纷", "default_level": HandlingLevel.COMMUNITY, "public": False,
             "is_dispute": True, "accept_hours": 8, "handle_amount": 15, "handle_unit": DeadlineUnit.WORKING_DAYS},
    ]
    categories = {spec["code"]: Category.objects.create(**spec) for spec in specs}
    CategoryAttribute.objects.create(category=categories["t-building"], code="area", label="搭建面积（平方米）",
                                     kind=AttributeKind.NUMBER, required=False)
    return categories


def build_case_cast(cast: Cast) -> CaseCast:
    property_company = Organisation.objects.create(
        name="百花物业", kind=OrganisationKind.PROPERTY, home_area=cast.street1)
    property_company.service_areas.add(cast.community1)
    enforcement = Organisation.objects.create(
        name="林山寨综合执法中队", kind=OrganisationKind.ENFORCEMENT, home_area=cast.street1)
    enforcement.service_areas.add(cast.street1)
    property_handler = make_user("property_handler", "property_handler", cast.street1)
    enforcement_handler = make_user("enforcement_handler", "department_handler", cast.street1)
    OrganisationMember.objects.create(organisation=property_company, user=property_handler)
    OrganisationMember.objects.create(organisation=enforcement, user=enforcement_handler)
    return CaseCast(
        cast=cast,
        grid_leader=make_user("grid_leader_a", "grid_leader", cast.grid_a),
        community_staff=make_user("community_staff1", "community_staff", cast.community1),
        dispatcher=make_user("dispatcher1", "street_dispatcher", cast.street1),
        supervisor=make_user("supervisor1", "supervisor", cast.street1),
        property_company=property_company, property_handler=property_handler,
        enforcement=enforcement, enforcement_handler=enforcement_handler,
        other_street_dispatcher=make_user("dispatcher2", "street_dispatcher", cast.street2),
        categories=make_test_categories(),
    )


def tiny_photo() -> Photo:
    """A real 8×8 JPEG (what ``cases.photos`` produces), for timelines with photos."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return Photo(content=buffer.getvalue(), width=8, height=8)


def report(cc: CaseCast, *, category: str = "t-clutter", actor: Any = None, **extra: Any) -> Case:
    """A case reported in grid A by its grid worker (or ``actor``), in 待受理."""
    values: dict[str, Any] = {
        "category": cc.category(category), "description": "3号楼2单元楼道堆放杂物，堵塞通道。",
        "channel": Channel.GRID_WORKER, "grid": cc.cast.grid_a, "address": "百花小区3号楼2单元",
    }
    values.update(extra)
    return t.case_report(actor=actor or cc.cast.grid_worker_a, **values)


# The path to each state from 待受理: (verb, keyword arguments builder).
def advance(case: Case, status: str, cc: CaseCast, *, now: datetime.datetime | None = None) -> Case:
    """Drive ``case`` (in 待受理) to ``status`` through the real transitions, by the right people."""
    steps = _PATHS[status]
    for step in steps:
        case = step(case, cc, now)
    assert case.status == status, (case.status, status)
    return case


def _accept(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_accept(case=case, actor=cc.dispatcher, now=now)


def _dispatch(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company, assists=[cc.enforcement],
                           now=now)


def _sign(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_sign(case=case, actor=cc.property_handler, now=now)


def _feedback(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_feedback(case=case, actor=cc.property_handler, comment="已清理完毕。", now=now)


def _verify(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_verify(case=case, actor=cc.cast.grid_worker_a, passed=True, comment="现场已清理。", now=now)


def _close(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_close(case=case, actor=cc.dispatcher, outcome=Outcome.RESOLVED, note="已解决。", now=now)


def _hold(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_hold(case=case, actor=cc.dispatcher, reason="等待产权单位答复。", now=now)


def _reject(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_reject(case=case, actor=cc.dispatcher, reason="不属于受理范围。", now=now)


def _cancel(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_cancel(case=case, actor=REPORTER, reason="已自行解决。", now=now)


def _merge(case: Case, cc: CaseCast, now: Any) -> Case:
    original = report(cc, now=now)
    return t.case_merge(case=case, actor=cc.dispatcher, into=original, now=now)


def _split(case: Case, cc: CaseCast, now: Any) -> Case:
    t.case_split(case=case, actor=cc.dispatcher, parts=[
        (cc.category("t-clutter"), "楼道堆物"), (cc.category("t-building"), "楼顶违章搭建")], now=now)
    return Case.objects.get(pk=case.pk)


def _rate_unhappy(case: Case, cc: CaseCast, now: Any) -> Case:
    return t.case_rate(case=case, actor=REPORTER, rating=Rating.DISSATISFIED, comment="没有清理干净。", now=now)


_PATHS: dict[str, list[Any]] = {
    Status.REPORTED: [],
    Status.REJECTED: [_reject],
    Status.PENDING_DISPATCH: [_accept],
    Status.DISPATCHED: [_accept, _dispatch],
    Status.HANDLING: [_accept, _dispatch, _sign],
    Status.ON_HOLD: [_accept, _dispatch, _sign, _hold],
    Status.PENDING_VERIFY: [_accept, _dispatch, _sign, _feedback],
    Status.VERIFIED: [_accept, _dispatch, _sign, _feedback, _verify],
    Status.CLOSED: [_accept, _dispatch, _sign, _feedback, _verify, _close],
    Status.CANCELLED: [_cancel],
    Status.MERGED: [_merge],
    Status.SPLIT: [_accept, _split],
}

UNHAPPY_CLOSED = [_rate_unhappy]


def race(*calls: Callable[[], Any]) -> list[tuple[str, str]]:
    """Start the calls in threads at the same instant; ("ok", "") or ("refused", message) each."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, str]] = [("", "")] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            call()
            results[index] = ("ok", "")
        except ActionRefused as refusal:
            results[index] = ("refused", refusal.message)
        except Exception as error:  # any other error is reported in the assertion
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results
