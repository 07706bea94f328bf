"""Fixtures shared by the cases tests."""

from __future__ import annotations

import pytest

from accounts.testing import Cast
from cases.testing import CaseCast, build_case_cast


@pytest.fixture
def cc(cast: Cast) -> CaseCast:
    """The case cast: the foundation's cast plus units, handlers, desks and test categories."""
    return build_case_cast(cast)
