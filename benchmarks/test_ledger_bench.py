"""Ledger export speed: the 事件台账 of 20,000 cases written to .xlsx. Run with ``make bench``.

The cases are bulk-inserted into the test cast's grids (about half closed, with deadlines, a
lead unit, a masked phone and a rating), so every column has something to write.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from cases import ledgers
from cases.filters import CaseFilterForm
from cases.models import Case, Category, Channel, HandlingLevel, Rating, Status
from registry.pii import index_value

pytestmark = pytest.mark.django_db

CASES = 20_000


def _cases(cast: Any) -> None:
    category = Category.objects.create(code="b-lamp", name="路灯")
    unit = Organisation.objects.create(name="百花物业", kind=OrganisationKind.PROPERTY, home_area=cast.street1)
    grids = [cast.grid_a, cast.grid_b, cast.grid_c]
    start = timezone.now() - datetime.timedelta(days=365)
    rows = []
    for n in range(CASES):
        grid = grids[n % 3]
        reported = start + datetime.timedelta(minutes=20 * n)
        closed = n % 2 == 0
        rows.append(Case(
            number=f"B{n:08d}", tracking_code=f"bench{n:07d}", category=category, channel=Channel.GRID_WORKER,
            description=f"第{n}号测试事件：楼道堆放杂物，影响通行，请尽快处理。" * 3, address=f"百花小区{n % 40}号楼",
            grid=grid, grid_code=grid.code, community_code=grid.code[:12], street_code=grid.code[:9] + "000",
            desk_area=grid, level=HandlingLevel.GRID, reported_at=reported, reporter_name="王大妈",
            reporter_phone="13812345678", reporter_phone_index=index_value("phone", "13812345678"),
            accept_due_at=reported + datetime.timedelta(hours=4), accepted_at=reported + datetime.timedelta(hours=1),
            lead_organisation=unit, handle_due_at=reported + datetime.timedelta(days=3),
            status=Status.CLOSED if closed else Status.HANDLING,
            closed_at=reported + datetime.timedelta(hours=30) if closed else None,
            outcome="resolved" if closed else "", rating=Rating.SATISFIED if closed else "",
        ))
    Case.objects.bulk_create(rows, batch_size=2000)


def test_read_the_rows_of_20000_cases(benchmark: Any, cast: Any) -> None:
    """The streaming query and the row values alone (no workbook)."""
    _cases(cast)

    def rows() -> int:
        return sum(1 for _row in ledgers.case_rows(Case.objects.visible_to(cast.superuser)))

    assert benchmark.pedantic(rows, rounds=2, iterations=1) == CASES


def test_export_the_case_ledger_of_20000_cases(benchmark: Any, cast: Any) -> None:
    """The whole .xlsx as the task worker writes it."""
    _cases(cast)
    ledger = ledgers.LEDGERS[ledgers.CASES]
    head = ledgers.heading(ledger, CaseFilterForm(None, user=cast.superuser))

    def export() -> int:
        return ledgers.write(ledger, io.BytesIO(), Case.objects.visible_to(cast.superuser), head)

    assert benchmark.pedantic(export, rounds=2, iterations=1) == CASES
