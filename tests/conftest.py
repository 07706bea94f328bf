"""Fixtures of the generated tests: one world per module, built once and rolled back at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

from tests.world import World, build_world


@pytest.fixture(scope="module")
def world_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(autouse=True)
def media_root(settings: Any, world_media: Path) -> None:
    """The world's photos stay where it stored them, for every test of the module."""
    settings.MEDIA_ROOT = str(world_media)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, world_media: Path) -> Iterator[World]:
    """Built once for the module inside a transaction that is rolled back at the end; each test
    runs in its own savepoint (the ``db`` fixture) inside it."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(world_media)), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
