"""An installation whose roles predate 整改清单 and 结对帮扶 gets their permissions from migration 0007."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Role

pytestmark = pytest.mark.django_db

NAME = "0007_grant_rectification_and_pairing_permissions"


def test_existing_default_roles_receive_the_new_permissions_and_keep_the_rest():
    leader = Role.objects.get(code="grid_leader")
    new = leader.permissions.filter(codename__in=["add_rectificationlist", "view_rectificationlist", "add_pairing"])
    leader.permissions.remove(*new)
    kept = set(leader.permissions.values_list("codename", flat=True))
    handler = Role.objects.get(code="property_handler")
    before_handler = set(handler.permissions.values_list("pk", flat=True))
    migration = importlib.import_module(f"fieldwork.migrations.{NAME}")
    state = MigrationExecutor(connection).loader.project_state(("fieldwork", NAME))
    migration.grant(state.apps, None)
    now = set(leader.permissions.values_list("codename", flat=True))
    assert kept | {"add_rectificationlist", "view_rectificationlist", "add_pairing"} <= now
    assert set(handler.permissions.values_list("pk", flat=True)) == before_handler
