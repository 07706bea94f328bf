"""``seed_demo`` without the registry first, the registry added by a later run (kept apart from
test_seed_demo_registry.py, whose module-wide seeded registry would already be there)."""

from __future__ import annotations

import pytest

from audit.models import ChangeLogEntry
from demo.seed import seed_demo
from registry.models import Building, Resident

pytestmark = pytest.mark.django_db


def test_it_can_leave_the_registry_out_and_add_it_later():
    seed_demo(password="demo-test-pw", registry=False)
    assert not Resident.objects.exists() and not Building.objects.exists()
    audit = ChangeLogEntry.objects.count()
    report = seed_demo(password="demo-test-pw")
    assert report.created["居民"] == Resident.objects.count() >= 2000
    assert report.counts["residents"] == Resident.objects.count()
    assert ChangeLogEntry.objects.count() == audit  # demo rows written in bulk are not audited
