"""The reads behind the participation pages: scoped lists, the public wall, the figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.translation import gettext

from areas.models import Area, Level
from participation.models import Ballot, BallotState, ClaimantKind, Proposal, Wish, WishState

FULFILLED_STATES = (WishState.FULFILLED, WishState.CONFIRMED)


def wishes_for(user: Any, state: str = "") -> QuerySet[Wish]:
    wishes = Wish.objects.visible_to(user).select_related("area", "care_tag")
    return wishes.filter(state=state) if state else wishes


def wall_area(area: Area) -> Area:
    """The wall of a grid is its community's: neighbours help across grid lines."""
    while area.parent_id and area.level in (Level.GRID, Level.MICROGRID):
        area = area.parent  # type: ignore[assignment]
    return area


def wall_wishes(area: Area) -> QuerySet[Wish]:
    """Published wishes under ``area``; the wall reads only the public fields of each."""
    return (Wish.objects.filter(state=WishState.PUBLISHED, area_code__startswith=area.code)
            .only("token", "title", "details", "public_label", "estimated_value", "published_at")
            .order_by("published_at", "pk"))


@dataclass(frozen=True)
class AreaFigures:
    area: Area
    collected: int
    fulfilled: int
    average_days: float | None
    claimed_by: dict[str, int]  # wishes claimed (still or once fulfilled) per claimant kind


def wish_figures(user: Any, parent: Area, since: datetime.datetime | None = None,
                 until: datetime.datetime | None = None) -> list[AreaFigures]:
    """Wishes collected in the period, fulfilled, the average days from collection to fulfilment
    and the claimants by kind, for each child area of ``parent`` the user may see: one grouped
    query. (A claim that expired is cleared, so it no longer counts for its kind.)"""
    children = {area.code: area for area in Area.objects.visible_to(user).filter(parent=parent)}
    if not children:
        return []
    wishes = Wish.objects.visible_to(user).filter(area_code__startswith=parent.code)
    if since:
        wishes = wishes.filter(created_at__gte=since)
    if until:
        wishes = wishes.filter(created_at__lt=until)
    length = len(next(iter(children)))
    took = ExpressionWrapper(F("fulfilled_at") - F("created_at"), output_field=DurationField())
    kinds = {kind: Count("pk", filter=Q(claimant_kind=kind)) for kind in ClaimantKind.values}
    rows = (wishes.annotate(child=Substr("area_code", 1, length)).values("child")
            .annotate(collected=Count("pk"), fulfilled=Count("pk", filter=Q(state__in=FULFILLED_STATES)),
                      took=Avg(took, filter=Q(state__in=FULFILLED_STATES)), **kinds))
    found = {row["child"]: row for row in rows}
    figures = []
    for code, area in sorted(children.items()):
        row = found.get(code, {})
        took_value = row.get("took")
        figures.append(AreaFigures(area, row.get("collected", 0), row.get("fulfilled", 0),
                                   round(took_value.total_seconds() / 86400, 1) if took_value else None,
                                   {kind: row.get(kind, 0) for kind in ClaimantKind.values}))
    return figures


def wish_links_to_visit(visit: Any, user: Any) -> list[tuple[str, str, str]]:
    """微心愿 on a visit's page: the wishes recorded on it, and 记录微心愿 (registered with
    ``fieldwork.visit_links`` in ``ParticipationConfig.ready``)."""
    if not user.has_perm("participation.view_wish"):
        return []
    links = [(gettext("微心愿"), wish.title, reverse("participation:wish_detail", args=[wish.pk]))
             for wish in Wish.objects.visible_to(user).filter(source_visit=visit)]
    if (visit.resident_id or visit.household_id) and user.has_perm("participation.add_wish", visit.grid):
        links.append((gettext("微心愿"), gettext("记录微心愿"),
                      reverse("participation:wish_new") + f"?visit={visit.pk}"))
    return links


def proposal_links_to_case(case: Any, user: Any) -> list[tuple[str, str, str | None]]:
    """议事 on the case page: the proposal the case became or came from, and the way to convert it
    (registered with ``cases.links`` in ``ParticipationConfig.ready``)."""
    if not user.has_perm("participation.view_proposal"):
        return []
    proposals = Proposal.objects.visible_to(user).filter(Q(source_case=case) | Q(spawned_cases=case)).distinct()
    links: list[tuple[str, str, str | None]] = [
        (gettext("议事"), proposal.title, reverse("participation:proposal_detail", args=[proposal.pk]))
        for proposal in proposals
    ]
    if not links and user.has_perm("participation.add_proposal", case.grid):
        links.append((gettext("议事"), gettext("转为议题（社区共同决定的事项）"),
                      reverse("participation:proposal_from_case", args=[case.number])))
    return links


def public_ballots(area: Area) -> QuerySet[Ballot]:
    """Closed ballots whose results are public (``publish_result``) and that reach ``area``'s
    buildings: what its public page may show, latest first."""
    reaching = Ballot.buildings.through.objects.filter(building__grid_code__startswith=area.code).values("ballot_id")
    return (Ballot.objects.filter(state=BallotState.CLOSED, publish_result=True, pk__in=reaching)
            .select_related("area").order_by("-closed_at", "-pk"))
