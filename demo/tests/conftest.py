"""Fixtures of the demo tests: the seeded demo registry, built once per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test.utils import override_settings

from demo.seed import SeedReport, seed_demo

FAST = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
}


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_registry(django_db_setup: None, django_db_blocker: Any, demo_media: Path) -> Iterator[SeedReport]:
    """``seed_demo`` with the registry (some 17,000 residents), once for the module, inside a
    transaction rolled back at the end; each test runs in its own savepoint (the ``db`` fixture)
    inside it. Seeding it again for each test cost half a minute a test."""
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(demo_media), **FAST),
          transaction.atomic()):
        yield seed_demo(password="demo-test-pw")
        transaction.set_rollback(True)
