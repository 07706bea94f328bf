"""Objects for the scope matrix (tests/test_scope_matrix.py), made inside its rolled-back requests."""

from __future__ import annotations

import datetime

from areas.models import Area
from participation.models import (
    Ballot,
    Convention,
    ConventionState,
    ConventionVersion,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalSource,
    VoteLink,
)
from participation.votelinks import hash_token
from registry.models import Building, Household


def matrix_proposal(grid: Area) -> Proposal:
    """A proposal of ``grid`` waiting to be submitted."""
    return Proposal.objects.create(area=grid, title="矩阵议题", source=ProposalSource.DESK)


def matrix_meeting(grid: Area) -> Meeting:
    """A consultation meeting of ``grid`` whose sign-in is open."""
    return Meeting.objects.create(area=grid, kind=MeetingKind.CONSULTATION, title="矩阵协商会", place="网格活动室",
                                  held_on=datetime.date(2026, 12, 7))


def matrix_vote_link(ballot: Ballot, household: Household) -> str:
    """The token of a household's voting link (扫码表决) for ``ballot``."""
    token = f"matrix-{ballot.pk}-{household.pk}-0123456789abcdef"
    VoteLink.objects.get_or_create(ballot=ballot, dwelling=household.dwelling, household=household,
                                   defaults={"token_hash": hash_token(token)})
    return token


def matrix_convention(grid: Area, building: Building) -> Convention:
    """A 楼道公约 of ``grid``'s ``building`` open for comments (its public page answers; it has
    no adoption yet, so nothing to print)."""
    convention = Convention.objects.create(area=grid, title="矩阵楼道公约", state=ConventionState.COMMENTING)
    convention.buildings.add(building)
    ConventionVersion.objects.create(convention=convention, number=1, text="楼道内不堆放杂物。")
    return convention
