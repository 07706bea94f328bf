"""Demo seeding speed: the first ``seed_demo`` (registry and a year of cases) and a second run,
which should change nothing and be quick. Run with ``make bench``.

Each round of the first-run benchmark starts from an empty database (the transaction of the
test is rolled back between rounds by a savepoint), so it measures what ``make run`` does on a
fresh machine.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def _seed_and_roll_back(**options: Any) -> None:
    with transaction.atomic():
        seed_demo(password="bench-pw", **options)
        transaction.set_rollback(True)


def test_seed_the_street_with_registry(benchmark: Any) -> None:
    benchmark.pedantic(_seed_and_roll_back, kwargs={"cases": False}, rounds=2, iterations=1)


def test_seed_the_cases(benchmark: Any) -> None:
    benchmark.pedantic(_seed_and_roll_back, kwargs={"registry": False, "cases": True}, rounds=2, iterations=1)


def test_seed_again_changes_nothing(benchmark: Any) -> None:
    seed_demo(password="bench-pw", cases=True)
    report = benchmark.pedantic(seed_demo, kwargs={"password": "bench-pw", "cases": True}, rounds=3, iterations=1)
    assert not report.changed
