"""Coverage (覆盖情况) of an area's registry: the headline figures and the gaps.

"栋不漏户，户不漏人": every building has its dwellings, every occupied dwelling its household,
every household its people, every person their required data, and every record was checked
recently. For any area (grid, community, street, district) this module counts, over its whole
subtree (one ``grid_code`` prefix filter) and only over the records the user may see
(``visible_to(user)``: a 楼栋长 sees the numbers of their buildings only), with a small,
constant number of aggregate queries whatever the size of the area.

Definitions (the work-summary report uses the same figures):

* **楼栋数** — buildings registered in the subtree.
* **户数** — households in the subtree with at least one current member (a stay not moved out).
  Such a household is a *current household* of its dwelling.
* **人数** — residents with status 在册 (present) who are registered in the subtree
  (``Resident.grid``) or have a current stay in a household of the subtree. Each person counts
  once. The resident gaps below are counted over these same people.
* **流动人口** — of those, residency type 流动人口.
* **党员** — of those, 中共党员 and 中共预备党员.
* **care tags** — of those, the people carrying each tag the user may see here; a sensitive tag
  is shown only to holders of one of its roles (``registry.selectors``) and counts only the
  people in the areas where the user holds such a role.

Gaps:

* residential and mixed-use buildings (住宅/商住) without any dwelling — public buildings,
  factories and offices need none;
* dwellings with no current household whose use is neither 空置 (vacant) nor 经营 (a shop or
  office: it is registered as a 实有单位, not as a household);
* households without a current member;
* people missing a required field (``REQUIRED_RESIDENT_FIELDS``);
* records of each kind never verified or last verified more than
  ``settings.VERIFICATION_STALE_DAYS`` days ago, and records whose last check found a doubt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from registry.default_catalogs import translated_catalog_name
from registry.models import (
    Building,
    BuildingKind,
    Dwelling,
    DwellingUse,
    GridScoped,
    Household,
    HouseholdMember,
    PoliticalStatus,
    ResidencyType,
    Resident,
    ResidentStatus,
    VerificationState,
)
from registry.selectors import tag_condition, visible_care_tags
from registry.verification import stale_before

# --- definitions (one place) -----------------------------------------------------------------


@dataclass(frozen=True)
class RequiredField:
    """A field every present resident must have; ``missing`` selects the residents without it."""

    name: str
    label: Promise
    missing: Q
    is_missing: Callable[[Resident], bool]


# The fields a resident record is not complete without: an identity document number, a birth
# date and a phone to reach them. Emptiness of an encrypted value is read from its blind index
# (empty exactly when the value is).
REQUIRED_RESIDENT_FIELDS: tuple[RequiredField, ...] = (
    RequiredField("id_number", _("证件号码"), Q(id_number_index=""), lambda resident: not resident.id_number_index),
    RequiredField(
        "birth_date", _("出生日期"), Q(birth_date__isnull=True), lambda resident: resident.birth_date is None
    ),
    RequiredField("phone", _("联系电话"), Q(phone_index=""), lambda resident: not resident.phone_index),
)
KIND_LABELS: dict[str, Promise] = {
    "building": _("楼栋"),
    "dwelling": _("房屋"),
    "household": _("户"),
    "resident": _("居民"),
}
PARTY_STATUSES = (PoliticalStatus.PARTY_MEMBER, PoliticalStatus.PROBATIONARY)


def missing_required() -> Q:
    """Residents lacking at least one of ``REQUIRED_RESIDENT_FIELDS``."""
    condition = Q(pk__in=[])
    for required in REQUIRED_RESIDENT_FIELDS:
        condition |= required.missing
    return condition


def _current_stays() -> QuerySet[HouseholdMember]:
    return HouseholdMember.objects.current()


def has_current_member() -> Exists:
    """For households: at least one member has not moved out."""
    return Exists(_current_stays().filter(household=OuterRef("pk")))


def has_current_household() -> Exists:
    """For dwellings: one of its households has a current member."""
    return Exists(_current_stays().filter(household__dwelling=OuterRef("pk")))


def building_gap() -> Q:
    """A building that should have dwellings and has none."""
    return Q(~has_dwellings()) & Q(kind__in=[BuildingKind.RESIDENTIAL, BuildingKind.MIXED])


def dwelling_gap() -> Q:
    """A dwelling that should have a household and has none."""
    return Q(~has_current_household()) & ~Q(use__in=[DwellingUse.VACANT, DwellingUse.BUSINESS])


def has_dwellings() -> Exists:
    """For buildings: at least one dwelling is registered."""
    return Exists(Dwelling.objects.filter(building=OuterRef("pk")))


def stale(now: datetime | None = None) -> Q:
    """Records never verified, or last verified more than VERIFICATION_STALE_DAYS days ago."""
    return Q(verified_at__isnull=True) | Q(verified_at__lt=stale_before(now))


DOUBTFUL = Q(verification_state=VerificationState.DOUBTFUL)


# --- the records of an area ------------------------------------------------------------------


def area_records(model: type[GridScoped], area: Area, user: Any) -> QuerySet[Any]:
    """Records of ``model`` in the area's subtree that the user may see."""
    return model.objects.visible_to(user).filter(grid_code__startswith=area.prefix)


def area_people(area: Area, user: Any) -> QuerySet[Resident]:
    """The people counted as 人数: present, registered or currently staying in the subtree."""
    staying = _current_stays().filter(household__grid_code__startswith=area.prefix).values("resident")
    return (
        Resident.objects.visible_to(user)
        .filter(status=ResidentStatus.PRESENT)
        .filter(Q(grid_code__startswith=area.prefix) | Q(pk__in=staying))
    )


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindVerification:
    """Verification of one record kind in the area: how many records, stale and doubtful."""

    kind: str
    label: str
    total: int
    stale: int
    doubtful: int


@dataclass(frozen=True)
class CareTagCount:
    """How many people of the area carry a care tag the user may see."""

    code: str
    name: str
    is_sensitive: bool
    count: int
    pk: int = 0  # the tag's id: the resident search filters by it (``?tag=<pk>``)

    @property
    def display_name(self) -> str:
        """The tag's name in the active language (see ``CareTag.display_name``)."""
        return translated_catalog_name(self.name)


@dataclass(frozen=True)
class GapCount:
    """One line of the gap list: its key (``GAPS``), label and how many records it holds."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Coverage:
    """The coverage figures of an area as one user sees them (see the module docstring)."""

    area_code: str
    stale_days: int
    buildings: int
    dwellings: int
    households: int
    household_records: int
    people: int
    floating: int
    party_members: int
    care_tags: tuple[CareTagCount, ...]
    buildings_without_dwellings: int
    dwellings_without_household: int
    households_without_members: int
    residents_missing_fields: int
    missing_by_field: dict[str, int]
    verification: dict[str, KindVerification]

    def gaps(self) -> list[GapCount]:
        """Every gap with its count, in the order of ``GAPS`` (for pages and reports)."""
        counts = {
            "buildings_without_dwellings": self.buildings_without_dwellings,
            "dwellings_without_household": self.dwellings_without_household,
            "households_without_members": self.households_without_members,
            "residents_missing_fields": self.residents_missing_fields,
        }
        for kind, figures in self.verification.items():
            counts[f"stale_{kind}"] = figures.stale
            counts[f"doubtful_{kind}"] = figures.doubtful
        return [GapCount(key, str(gap.label), counts[key]) for key, gap in GAPS.items()]

    @property
    def gap_total(self) -> int:
        return sum(gap.count for gap in self.gaps())


def area_coverage(area: Area, user: Any, *, now: datetime | None = None) -> Coverage:
    """Count the headline figures and gaps of ``area`` over the records ``user`` may see."""
    now = now or timezone.now()
    buildings = _verification_figures(area_records(Building, area, user), now, without_dwellings=building_gap())
    dwellings = _verification_figures(
        area_records(Dwelling, area, user), now,
        without_household=dwelling_gap(),
    )
    households = _verification_figures(
        area_records(Household, area, user), now, occupied=has_current_member(), without_members=~has_current_member()
    )
    people = area_people(area, user)
    residents = _verification_figures(
        people, now,
        floating=Q(residency_type=ResidencyType.FLOATING),
        party=Q(political_status__in=PARTY_STATUSES),
        missing=missing_required(),
        **{f"missing_{required.name}": required.missing for required in REQUIRED_RESIDENT_FIELDS},
    )
    kinds = {"building": buildings, "dwelling": dwellings, "household": households, "resident": residents}
    return Coverage(
        area_code=area.code,
        stale_days=settings.VERIFICATION_STALE_DAYS,
        buildings=buildings["total"],
        dwellings=dwellings["total"],
        households=households["occupied"],
        household_records=households["total"],
        people=residents["total"],
        floating=residents["floating"],
        party_members=residents["party"],
        care_tags=_care_tag_counts(area, user, people),
        buildings_without_dwellings=buildings["without_dwellings"],
        dwellings_without_household=dwellings["without_household"],
        households_without_members=households["without_members"],
        residents_missing_fields=residents["missing"],
        missing_by_field={field.name: residents[f"missing_{field.name}"] for field in REQUIRED_RESIDENT_FIELDS},
        verification={kind: _kind_verification(kind, figures) for kind, figures in kinds.items()},
    )


def _kind_verification(kind: str, figures: dict[str, int]) -> KindVerification:
    return KindVerification(kind, str(KIND_LABELS[kind]), figures["total"], figures["stale"], figures["doubtful"])


def _verification_figures(records: QuerySet[Any], now: datetime, **conditions: Any) -> dict[str, int]:
    """One aggregate query: the total, the stale and doubtful records, and a count per condition."""
    counts = {name: Count("pk", filter=condition) for name, condition in conditions.items()}
    return records.aggregate(
        total=Count("pk"), stale=Count("pk", filter=stale(now)), doubtful=Count("pk", filter=DOUBTFUL), **counts
    )


def _care_tag_counts(area: Area, user: Any, people: QuerySet[Resident]) -> tuple[CareTagCount, ...]:
    """People per care tag, for the tags the user may see in this area (one aggregate query)."""
    tags = visible_care_tags(user, area)
    if not tags:
        return ()
    counts = people.aggregate(
        **{f"tag_{tag.pk}": Count("pk", filter=tag_condition(user, tag), distinct=True) for tag in tags}
    )
    return tuple(CareTagCount(tag.code, tag.name, tag.is_sensitive, counts[f"tag_{tag.pk}"], tag.pk) for tag in tags)


# --- the gap lists ----------------------------------------------------------------------------

_KIND_MODELS: dict[str, type[GridScoped]] = {
    "building": Building, "dwelling": Dwelling, "household": Household, "resident": Resident,
}
_RELATED: dict[str, tuple[str, ...]] = {
    "building": ("grid", "verified_by"),
    "dwelling": ("grid", "verified_by", "building", "unit"),
    "household": ("grid", "verified_by", "head", "dwelling__building", "dwelling__unit"),
    "resident": ("grid", "verified_by"),
}

Records = Callable[[Area, Any, datetime], QuerySet[Any]]


@dataclass(frozen=True)
class Gap:
    """A kind of gap: its label, the record kind it lists and how to select its records."""

    label: Promise
    kind: str
    records: Records


def _kind_records(kind: str, area: Area, user: Any) -> QuerySet[Any]:
    if kind == "resident":
        records: QuerySet[Any] = area_people(area, user)
    else:
        records = area_records(_KIND_MODELS[kind], area, user)
    return records.select_related(*_RELATED[kind]).order_by("grid_code", "pk")


def _filtered(kind: str, condition: Callable[[datetime], Any]) -> Records:
    return lambda area, user, now: _kind_records(kind, area, user).filter(condition(now))


GAPS: dict[str, Gap] = {
    "buildings_without_dwellings": Gap(
        _("没有登记房屋的楼栋"), "building", _filtered("building", lambda now: building_gap())
    ),
    "dwellings_without_household": Gap(
        _("无在住户的房屋（空置、经营除外）"), "dwelling",
        _filtered("dwelling", lambda now: dwelling_gap()),
    ),
    "households_without_members": Gap(
        _("没有在住成员的户"), "household", _filtered("household", lambda now: ~has_current_member())
    ),
    "residents_missing_fields": Gap(
        _("缺少必填信息的居民"), "resident", _filtered("resident", lambda now: missing_required())
    ),
    "stale_building": Gap(_("长期未核实的楼栋"), "building", _filtered("building", stale)),
    "stale_dwelling": Gap(_("长期未核实的房屋"), "dwelling", _filtered("dwelling", stale)),
    "stale_household": Gap(_("长期未核实的户"), "household", _filtered("household", stale)),
    "stale_resident": Gap(_("长期未核实的居民"), "resident", _filtered("resident", stale)),
    "doubtful_building": Gap(_("核实有疑问的楼栋"), "building", _filtered("building", lambda now: DOUBTFUL)),
    "doubtful_dwelling": Gap(_("核实有疑问的房屋"), "dwelling", _filtered("dwelling", lambda now: DOUBTFUL)),
    "doubtful_household": Gap(_("核实有疑问的户"), "household", _filtered("household", lambda now: DOUBTFUL)),
    "doubtful_resident": Gap(_("核实有疑问的居民"), "resident", _filtered("resident", lambda now: DOUBTFUL)),
}


def gap_records(key: str, area: Area, user: Any, *, now: datetime | None = None) -> QuerySet[Any]:
    """The records of one gap (``GAPS`` key) in the area that the user may see, in code order."""
    return GAPS[key].records(area, user, now or timezone.now())


def missing_fields_of(resident: Resident) -> list[str]:
    """Labels of the required fields this resident lacks (for the gap list)."""
    return [str(required.label) for required in REQUIRED_RESIDENT_FIELDS if required.is_missing(resident)]
