"""The demo street passes the same rules as real data: its boundaries re-import cleanly and the
locator puts every grid's interior point in that grid."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings
from shapely.geometry import shape

from areas.boundaries import import_boundaries
from areas.boundary_export import export_boundaries
from areas.locator import locate
from areas.models import Area, Level
from demo.seed import seed_demo
from demo.tests.conftest import FAST

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def street(django_db_setup: None, django_db_blocker: Any, demo_media: Path) -> Iterator[Area]:
    """The demo street (without the registry), seeded once for the module inside a transaction
    rolled back at the end; each test runs in its own savepoint (the ``db`` fixture) inside it."""
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(demo_media), **FAST),
          transaction.atomic()):
        seed_demo(password="demo-test-pw", registry=False)
        yield Area.objects.get(level=Level.STREET)
        transaction.set_rollback(True)


def test_it_exports_boundaries_that_the_importer_accepts_unchanged(street):
    exported = export_boundaries(street)
    report = import_boundaries(json.dumps(exported), dry_run=True)
    assert report.problems == []
    assert report.created == []
    assert report.updated == []
    assert len(report.unchanged) == Area.objects.subtree_of(street).exclude(boundary=None).count()


def test_it_locates_a_point_inside_each_demo_grid(street):
    grids = Area.objects.subtree_of(street).filter(level=Level.GRID).prefetch_related("children")
    assert grids.count() >= 16
    for grid in grids:
        point = shape(grid.boundary).representative_point()
        result = locate(point.y, point.x)
        expected = {grid.code} | {child.code for child in grid.children.all()}
        assert result.area is not None
        assert result.area.code in expected
        assert result.grid is not None and result.grid.code == grid.code
        assert result.street is not None and result.street.code == street.code
