"""The threshold rules on hand-built units: exact fractions, boundaries, area against heads."""

from decimal import Decimal
from fractions import Fraction

import pytest

from participation.thresholds import (
    CIVIL_CODE_ORDINARY,
    CIVIL_CODE_SPECIAL,
    MAJORITY,
    SHARE,
    Unit,
    evaluate,
)


def units(*rows: tuple[str, str, str | None]) -> list[Unit]:
    """(owner, area, choice) rows."""
    return [Unit(key=str(i), owner=owner, area=Decimal(area), choice=choice) for i, (owner, area, choice) in
            enumerate(rows)]


def figures(result):  # type: ignore[no-untyped-def]
    return {figure.name: figure for figure in result.figures}


def test_it_needs_more_than_half_for_a_majority():
    assert not evaluate(MAJORITY, units(("a", "1", "agree"), ("b", "1", "against"))).passed
    assert evaluate(MAJORITY, units(("a", "1", "agree"), ("b", "1", "agree"), ("c", "1", None))).passed


def test_exactly_two_thirds_meets_a_two_thirds_share():
    three = units(("a", "1", "agree"), ("b", "1", "agree"), ("c", "1", "against"))
    assert evaluate(SHARE, three, share=Fraction(2, 3)).passed
    six = units(*[(x, "1", "agree") for x in "abc"], ("d", "1", None), ("e", "1", "against"), ("f", "1", None))
    result = evaluate(SHARE, six, share=Fraction(2, 3))
    assert not result.passed
    assert figures(result)["approval_units"].share == Fraction(1, 2)


def test_an_empty_ballot_does_not_pass():
    assert not evaluate(MAJORITY, []).passed


def test_the_double_test_passes_an_ordinary_matter():
    result = evaluate(CIVIL_CODE_ORDINARY, units(("a", "100", "agree"), ("b", "100", "agree"), ("c", "100", None)))
    found = figures(result)
    assert found["participation_area"].share == Fraction(2, 3)  # exactly 2/3 is enough
    assert found["participation_owners"].share == Fraction(2, 3)
    assert found["approval_area"].share == 1
    assert result.passed


def test_participation_just_short_of_two_thirds_fails():
    result = evaluate(CIVIL_CODE_ORDINARY, units(("a", "100", "agree"), ("b", "99.99", "agree"),
                                                 ("c", "100.01", None)))
    assert not figures(result)["participation_area"].met
    assert figures(result)["participation_owners"].met
    assert not result.passed


def test_exactly_half_is_not_more_than_half_for_an_ordinary_matter():
    result = evaluate(CIVIL_CODE_ORDINARY, units(("a", "50", "agree"), ("b", "50", "against")))
    assert figures(result)["approval_area"].share == Fraction(1, 2)
    assert not result.passed


def test_exactly_three_quarters_passes_a_special_matter():
    rows = units(("a", "75", "agree"), ("b", "75", "agree"), ("c", "75", "agree"), ("d", "75", "abstain"))
    result = evaluate(CIVIL_CODE_SPECIAL, rows)
    assert figures(result)["approval_area"].share == Fraction(3, 4)
    assert figures(result)["approval_owners"].share == Fraction(3, 4)
    assert result.passed
    assert not evaluate(CIVIL_CODE_SPECIAL, [*rows[:3], Unit("x", "d", Decimal("75.01"), "abstain")]).passed


def test_a_vote_that_passes_on_heads_fails_on_area():
    """Three small flats agree, one large one (the most area) is against."""
    rows = units(("a", "50", "agree"), ("b", "50", "agree"), ("c", "50", "agree"), ("d", "250", "against"))
    found = figures(evaluate(CIVIL_CODE_ORDINARY, rows))
    assert found["approval_owners"].met and found["approval_owners"].share == Fraction(3, 4)
    assert not found["approval_area"].met and found["approval_area"].share == Fraction(150, 400)


def test_an_owner_of_several_flats_counts_once():
    rows = units(("a", "60", "agree"), ("a", "60", "agree"), ("b", "60", "against"))
    found = figures(evaluate(CIVIL_CODE_ORDINARY, rows))
    assert found["participation_owners"].whole == 2
    assert found["approval_owners"].part == 1
    assert found["approval_area"].share == Fraction(2, 3)


def test_a_flat_without_floor_area_makes_the_area_test_undecidable():
    rows = [Unit("1", "a", Decimal("80"), "agree"), Unit("2", "b", None, "agree")]
    found = figures(evaluate(CIVIL_CODE_ORDINARY, rows))
    assert found["participation_area"].missing == 1
    assert not found["participation_area"].met


def test_an_unknown_rule_or_share_is_refused():
    with pytest.raises(ValueError):
        evaluate("free text", [])
    with pytest.raises(ValueError):
        evaluate(SHARE, [], share=Fraction(3, 2))
