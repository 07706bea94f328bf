"""Template helpers of the registry pages."""

from __future__ import annotations

from django import template
from django.utils import dateformat
from django.utils.translation import gettext as _

from registry.models import HouseholdMember

register = template.Library()


@register.filter
def moved_in(stay: HouseholdMember) -> str:
    """When a stay began, or 出生 for a resident born into the household: a moving-in date that is
    the birth date would show the birth date in full beside the masked ID number, which the pages
    never do (``registry.pii.masked_resident``, docs/personal-data.md)."""
    if stay.resident.birth_date is not None and stay.moved_in_on == stay.resident.birth_date:
        return _("出生")
    return dateformat.format(stay.moved_in_on, "Y-m-d")
