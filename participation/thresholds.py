"""Whether a ballot passed: the threshold rules as one pure function on exact fractions.

``evaluate(rule, units)`` takes the eligible units (a household, or a dwelling with its owner and
floor area) each with its vote or ``None``, and returns every figure the rule looks at, each with
its numerator, denominator, the share required and whether it is met, so a page can explain the
result figure by figure. Nothing is rounded: shares are ``fractions.Fraction``; exactly 2/3 meets
"at least two-thirds" and exactly 1/2 does not meet "more than half".

The rules:

* **majority** (过半数同意): agreeing units > 1/2 of the eligible units.
* **share** (同意率 ≥ a set share, e.g. 2/3): agreeing units ≥ share × eligible units.
* **Civil Code art. 278** (民法典第二百七十八条), for matters the owners decide jointly:
  participation by owners holding ≥ 2/3 of the floor area **and** ≥ 2/3 of the owners; then
  approval by > 1/2 (ordinary matters) or ≥ 3/4 (special matters: raising and using maintenance
  funds, rebuilding, changing the use of common parts…) of the participating area **and** of the
  participating owners. Abstaining is participating. Owners are counted as people: one owner of
  several dwellings counts once (司法解释: 同一买受人拥有一个以上专有部分的，按一人计算), and
  agrees only when every dwelling of theirs that voted agrees. A dwelling without a floor area
  makes the area test undecidable: the ballot does not pass and the figure says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

AGREE = "agree"
MAJORITY = "majority"
SHARE = "share"
CIVIL_CODE_ORDINARY = "civil_ordinary"
CIVIL_CODE_SPECIAL = "civil_special"

TWO_THIRDS = Fraction(2, 3)
HALF = Fraction(1, 2)
THREE_QUARTERS = Fraction(3, 4)


@dataclass(frozen=True)
class Unit:
    """One eligible unit: its owner (for the heads count), floor area (None: unknown) and vote."""

    key: str
    owner: str = ""
    area: Decimal | None = None
    choice: str | None = None


@dataclass(frozen=True)
class Figure:
    """One test of a rule: ``part / whole`` against ``required`` (strictly more, or at least)."""

    name: str  # participation_area, participation_owners, approval_area, approval_owners, approval_units
    part: Fraction
    whole: Fraction
    required: Fraction
    strict: bool
    missing: int = 0  # units whose figure is unknown (no floor area): the test cannot be met

    @property
    def share(self) -> Fraction | None:
        return self.part / self.whole if self.whole else None

    @property
    def met(self) -> bool:
        if self.missing or not self.whole:
            return False
        share = self.part / self.whole
        return share > self.required if self.strict else share >= self.required


@dataclass(frozen=True)
class Result:
    rule: str
    figures: tuple[Figure, ...]

    @property
    def passed(self) -> bool:
        return bool(self.figures) and all(figure.met for figure in self.figures)


def evaluate(rule: str, units: Sequence[Unit], share: Fraction = TWO_THIRDS) -> Result:
    """The figures of ``rule`` over ``units``; ``share`` is the set share of the ``share`` rule."""
    if rule == MAJORITY:
        return Result(rule, (_unit_figure(units, HALF, strict=True),))
    if rule == SHARE:
        if not 0 < share <= 1:
            raise ValueError("share must lie in (0, 1]")
        return Result(rule, (_unit_figure(units, share, strict=False),))
    if rule in (CIVIL_CODE_ORDINARY, CIVIL_CODE_SPECIAL):
        return Result(rule, _civil_code_figures(units, special=rule == CIVIL_CODE_SPECIAL))
    raise ValueError(f"unknown rule {rule!r}")


def _unit_figure(units: Sequence[Unit], required: Fraction, *, strict: bool) -> Figure:
    agreeing = sum(1 for unit in units if unit.choice == AGREE)
    return Figure("approval_units", Fraction(agreeing), Fraction(len(units)), required, strict)


def _area(units: Sequence[Unit]) -> tuple[Fraction, int]:
    """Total floor area as an exact fraction, and how many units have none."""
    known = [Fraction(unit.area) for unit in units if unit.area is not None]
    return sum(known, Fraction(0)), len(units) - len(known)


def _owners(units: Sequence[Unit]) -> dict[str, list[Unit]]:
    """Units by owner; a unit without a known owner is an owner of its own."""
    owners: dict[str, list[Unit]] = {}
    for unit in units:
        owners.setdefault(unit.owner or f"unit:{unit.key}", []).append(unit)
    return owners


def _civil_code_figures(units: Sequence[Unit], *, special: bool) -> tuple[Figure, ...]:
    voted = [unit for unit in units if unit.choice is not None]
    agreeing = [unit for unit in voted if unit.choice == AGREE]
    total_area, total_missing = _area(units)
    voted_area, voted_missing = _area(voted)
    agreeing_area, _agreeing_missing = _area(agreeing)
    owners = _owners(units)
    voting_owners = {key: [u for u in owned if u.choice is not None] for key, owned in owners.items()}
    voting_owners = {key: owned for key, owned in voting_owners.items() if owned}
    agreeing_owners = sum(1 for owned in voting_owners.values() if all(u.choice == AGREE for u in owned))
    approval = THREE_QUARTERS if special else HALF
    return (
        Figure("participation_area", voted_area, total_area, TWO_THIRDS, strict=False, missing=total_missing),
        Figure("participation_owners", Fraction(len(voting_owners)), Fraction(len(owners)), TWO_THIRDS,
               strict=False),
        Figure("approval_area", agreeing_area, voted_area, approval, strict=not special, missing=voted_missing),
        Figure("approval_owners", Fraction(agreeing_owners), Fraction(len(voting_owners)), approval,
               strict=not special),
    )
