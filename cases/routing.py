"""Routing (派单规则): which organisation handles a category of case in an area.

A ``RoutingRule`` says "cases of this category in this area's subtree go to this unit". For a
case in grid G of category C, the candidate rules are the active ones whose area is G or one of
its ancestors and whose category is C or one of its ancestors, pointing at an active unit.
The most specific wins:

1. the deepest area first (a rule for the community beats one for the street, which beats
   one for the district);
2. then the nearest category (a rule for 路灯 beats one for its parent 设施损坏).

So a community's rule for 设施损坏 beats the street's rule for 路灯: place before kind, because
the units serving a place (物业, 社区) know it best. ``docs/cases-catalog.md`` has the table.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from accounts.models import Organisation
from areas.models import PREFIX_LENGTH, Area
from cases.models import Case, Category, RoutingRule

# Categories are a shallow tree; a loop guard for a cycle an administrator might create.
MAX_CATEGORY_DEPTH = 10


def covering_codes(code: str) -> list[str]:
    """The codes of the area with this code and of all its ancestors, top down, from the code alone.

    '410102001001001' (a grid) -> the province, city, district, street and community codes
    (zero-padded to 12 digits) and the grid's own code.
    """
    codes = [code[:length].ljust(12, "0") for length in sorted(PREFIX_LENGTH.values()) if length <= len(code)]
    return list(dict.fromkeys(codes))


def category_lineage(category: Category) -> list[int]:
    """This category's id and its ancestors' ids, nearest first (one small query per level above)."""
    ids = [category.pk]
    parent_id = category.parent_id
    while parent_id is not None and parent_id not in ids and len(ids) < MAX_CATEGORY_DEPTH:
        ids.append(parent_id)
        parent_id = Category.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return ids


def matching_rules(category: Category, area: Area) -> list[RoutingRule]:
    """Active rules covering this category and area, most specific first (see the module docstring)."""
    lineage = category_lineage(category)
    rules = (
        RoutingRule.objects.filter(
            is_active=True, organisation__is_active=True, category_id__in=lineage,
            area__code__in=covering_codes(area.code),
        )
        .select_related("area", "organisation", "category")
    )
    return sorted(rules, key=lambda rule: (-rule.area.level, lineage.index(rule.category_id)))


def route_for(category: Category, area: Area) -> Organisation | None:
    """The unit the most specific active rule names for this category in this area, if any."""
    rules = matching_rules(category, area)
    return rules[0].organisation if rules else None


def covering_units(code: str) -> QuerySet[Organisation]:
    """Active units serving the area with this code (or an ancestor), or based in one of them.

    Ordered nearest first: a unit serving the community comes before one serving the district.
    """
    codes = covering_codes(code)
    # Depths by subqueries for the few matching units: joins of the areas made PostgreSQL hash the
    # whole area table (it cannot estimate how few units match).
    served = Organisation.service_areas.through.objects.filter(organisation=OuterRef("pk"), area__code__in=codes)
    served_depth = Subquery(served.order_by("-area__level").values("area__level")[:1])
    home_depth = Subquery(Area.objects.filter(pk=OuterRef("home_area"), code__in=codes).values("level")[:1])
    return (
        Organisation.objects.filter(is_active=True).filter(based_or_serving(Area.objects.filter(code__in=codes)))
        .annotate(depth=Greatest(Coalesce(served_depth, Value(0)), Coalesce(home_depth, Value(0))))
        .order_by("-depth", "kind", "name")
    )


def based_or_serving(areas: QuerySet[Area]) -> Q:
    """The condition for units based in one of these areas or serving one of them.

    The areas are found first (by their indexed code), then the units by their area ids: a
    condition on the codes across the joins (``home_area__code`` or ``service_areas__code``)
    made PostgreSQL scan every area and unit of the city (8,600 and 2,400 on 1 M cases).
    """
    ids = areas.values("pk")
    served = Organisation.service_areas.through.objects.filter(area__in=ids).values("organisation_id")
    return Q(home_area__in=ids) | Q(pk__in=served)


def suggested_units(case: Case) -> list[Organisation]:
    """Units to offer when dispatching this case: the routed unit first, then the covering units."""
    routed = route_for(case.category, case.grid)
    units = list(covering_units(case.grid_code))
    if routed is None:
        return units
    return [routed, *(unit for unit in units if unit.pk != routed.pk)]

