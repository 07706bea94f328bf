"""居民评议: after implementation, the households of the proposal's area rate the result.

One rating per household (a database constraint: two submissions at once leave one row, the
other is refused). A household rates by the proposal's link/QR with a one-time code a worker
gave it (``evaluation_code_issue``), or a worker records its rating door to door
(``evaluation_record``). ``results_by_building`` counts the ratings per building.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.workflow import ActionRefused
from participation.models import Evaluation, EvaluationCode, Proposal, Rating
from registry.models import Household

__all__ = ["BuildingResult", "evaluation_by_code", "evaluation_code_issue", "evaluation_record",
           "results_by_building"]

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at the door


def _open(proposal: Proposal) -> Proposal:
    """The proposal as it is now (a page's copy may be stale), if it takes evaluations."""
    current = Proposal.objects.select_related("stage").get(pk=proposal.pk)
    if not current.evaluating:
        raise ActionRefused(_("该议题当前不在居民评议阶段。"), conflict=True)
    return current


def _of_area(proposal: Proposal, household: Household) -> None:
    if not household.grid_code.startswith(proposal.area_code):
        raise ValidationError({"household": [_("该户不在议题所属区域。")]})


def _clean(rating: str, comment: str) -> tuple[str, str]:
    if rating not in Rating.values:
        raise ValidationError({"rating": [_("请选择评价。")]})
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise ValidationError({"comment": [_("意见不能超过300个字。")]})
    return rating, comment


def _save(proposal: Proposal, household: Household, rating: str, comment: str, *, by_code: bool,
          actor: User | None) -> Evaluation:
    try:
        with transaction.atomic():
            return Evaluation.objects.create(proposal=proposal, household=household, rating=rating,
                                             comment=comment, by_code=by_code, recorded_by=actor)
    except IntegrityError as error:
        raise ActionRefused(_("该户已经评议过了。"), conflict=True) from error


@transaction.atomic
def evaluation_code_issue(*, actor: User, proposal: Proposal, household: Household) -> EvaluationCode:
    """发放评议码: the household's one-time code (the same one if already issued and unused)."""
    if not actor.has_perm("participation.add_proposal", proposal.area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))
    proposal = _open(proposal)
    _of_area(proposal, household)
    if Evaluation.objects.filter(proposal=proposal, household=household).exists():
        raise ActionRefused(_("该户已经评议过了。"), conflict=True)
    existing = EvaluationCode.objects.filter(proposal=proposal, household=household).first()
    if existing is not None:
        return existing
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _index in range(8))
        if not EvaluationCode.objects.filter(proposal=proposal, code=code).exists():
            return EvaluationCode.objects.create(proposal=proposal, household=household, code=code, issued_by=actor)


def evaluation_by_code(*, proposal: Proposal, code: str, rating: str, comment: str = "",
                       now: datetime.datetime | None = None) -> Evaluation:
    """A household rates by the link with its code; the code is spent by a conditional update."""
    proposal = _open(proposal)
    rating, comment = _clean(rating, comment)
    code = (code or "").strip().upper().replace(" ", "")
    with transaction.atomic():
        found = EvaluationCode.objects.filter(proposal=proposal, code=code).select_related("household").first()
        if found is None:
            raise ValidationError({"code": [_("评议码不正确。")]})
        if not EvaluationCode.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=now or timezone.now()):
            raise ActionRefused(_("该评议码已经用过了。"), conflict=True)
        return _save(proposal, found.household, rating, comment, by_code=True, actor=None)


def evaluation_record(*, actor: User, proposal: Proposal, household: Household, rating: str,
                      comment: str = "") -> Evaluation:
    """入户评议: a worker records the household's rating at its door."""
    if not actor.has_perm("participation.add_proposal", proposal.area):
        raise ActionRefused(_("您没有在该区域办理此操作的权限。"))
    proposal = _open(proposal)
    _of_area(proposal, household)
    rating, comment = _clean(rating, comment)
    return _save(proposal, household, rating, comment, by_code=False, actor=actor)


@dataclass
class BuildingResult:
    building: str
    households: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rated(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied_share(self) -> str:
        good = self.counts.get(Rating.SATISFIED, 0) + self.counts.get(Rating.BASIC, 0)
        return f"{good * 100 / self.rated:.1f}%" if self.rated else "—"


def results_by_building(proposal: Proposal) -> list[BuildingResult]:
    """Per building of the area: households, and the ratings by kind (two grouped queries)."""
    results: dict[str, BuildingResult] = {}
    households = (Household.objects.filter(grid_code__startswith=proposal.area_code)
                  .values("dwelling__building__name").annotate(total=Count("pk")))
    for row in households:
        name = row["dwelling__building__name"]
        results[name] = BuildingResult(name, row["total"], dict.fromkeys(Rating.values, 0))
    ratings: Any = (proposal.evaluations.values("household__dwelling__building__name", "rating")
               .annotate(total=Count("pk")))
    for row in ratings:
        name = row["household__dwelling__building__name"]
        result = results.setdefault(name, BuildingResult(name, 0, dict.fromkeys(Rating.values, 0)))
        result.counts[row["rating"]] = row["total"]
    return [results[name] for name in sorted(results)]
