"""Objects for the scope matrix (tests/test_scope_matrix.py), made inside its rolled-back requests."""

from __future__ import annotations

import datetime

from areas.models import Area
from participation.models import Meeting, MeetingKind, Proposal, ProposalSource


def matrix_proposal(grid: Area) -> Proposal:
    """A proposal of ``grid`` waiting to be submitted."""
    return Proposal.objects.create(area=grid, title="矩阵议题", source=ProposalSource.DESK)


def matrix_meeting(grid: Area) -> Meeting:
    """A consultation meeting of ``grid`` whose sign-in is open."""
    return Meeting.objects.create(area=grid, kind=MeetingKind.CONSULTATION, title="矩阵协商会", place="网格活动室",
                                  held_on=datetime.date(2026, 12, 7))
