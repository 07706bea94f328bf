"""Fixtures shared by the fieldwork tests."""

from __future__ import annotations

import pytest

from accounts.testing import Cast
from fieldwork.testing import FieldCast, build_field_cast


@pytest.fixture
def fc(cast: Cast) -> FieldCast:
    """The fieldwork cast: homes with care tags, a 一日双巡 plan and a fire-safety campaign in community 1."""
    return build_field_cast(cast)
