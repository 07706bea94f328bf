"""The demo street's registry (基础信息): buildings, dwellings, households, residents, units, 部件, vehicles.

``seed_registry`` plans the whole registry from fixed random seeds (``registry_places`` for
buildings, units and facilities, ``registry_people`` for households) and writes what is missing:

* A building is written once, with everything in it (units, dwellings, households, residents,
  stays, care tags, vehicles); a building that exists is left as it is. Units (实有单位) are
  matched by credit code and facilities by their 16-digit code.
* A second run plans only the buildings, units and facilities (no people) and, finding them
  all, writes nothing: it costs a handful of queries.
* Rows are written with ``bulk_create`` for speed, so the derived columns that ``save()``
  normally fills (``grid_code``, the blind indexes) are set here, and **demo rows written in
  bulk have no audit-log entries** — acceptable for demo data, which nobody edited. The
  encrypted fields still encrypt (``EncryptedCharField.get_prep_value`` runs on insert).

Deliberate coverage gaps, so that the coverage pages have something to show: one building
without dwellings (通惠花苑20号楼), two rented flats nobody has registered, one household without
members, a few elderly residents without a phone, and records 待核实/有疑问 or verified long ago.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone
from shapely.geometry import Point, shape

from accounts.models import Organisation, OrganisationKind, User
from areas.models import Area
from demo.registry_people import (
    AS_OF,
    HouseholdPlan,
    PersonPlan,
    Population,
    StayPlan,
    assign_care_tags,
)
from demo.registry_places import (
    BuildingPlan,
    DwellingPlan,
    building_plans,
    establishment_plans,
    facility_plans,
)
from registry.addresses import refresh_address_keys
from registry.catalog import ensure_default_catalogs
from registry.fields import document_index, index_value
from registry.models import (
    Building,
    BuildingUnit,
    CareTag,
    Dwelling,
    DwellingUse,
    Establishment,
    Facility,
    FacilityCategory,
    Gender,
    Household,
    HouseholdMember,
    Relation,
    ResidencyType,
    Resident,
    ResidentStatus,
    Vehicle,
    VehicleKind,
    VerificationState,
)

SEED = 20260101
# The 楼栋长 login heads this building of the demo grid (its TeamMember seat names it too).
HEADED_BUILDING = ("茜城花园北区", "1号楼")
# Coverage gaps on purpose (building label, n-th rented dwelling): rented flats nobody registered.
UNREGISTERED_RENTALS = {"五星花苑3号楼", "锦艺城15号楼"}
MEMBERLESS_HOUSEHOLD = "城富花苑5号楼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class RegistryPlan:
    """Everything planned for one building: its dwellings' households (None: nobody lives there)."""

    building: BuildingPlan
    households: list[HouseholdPlan | None] = field(default_factory=list)
    landlords: list[str] = field(default_factory=list)


def seed_registry(
    areas: dict[str, Area], organisations: dict[str, Organisation], users: dict[str, User]
) -> dict[str, int]:
    """Write the missing part of the demo registry; returns rows created per model (verbose plural)."""
    ensure_default_catalogs()
    buildings = building_plans(random.Random(f"{SEED}:buildings"))
    establishments = establishment_plans(random.Random(f"{SEED}:units"), buildings)
    facilities = facility_plans(random.Random(f"{SEED}:facilities"), buildings)
    writer = _Writer(areas, organisations, users)
    stored = set(
        Building.objects.filter(grid__in=writer.grid_areas(buildings)).values_list("grid_id", "estate", "name")
    )
    missing = [plan for plan in buildings if (areas[plan.area_key].pk, plan.estate, plan.name) not in stored]
    if missing:
        plans = plan_people(buildings)
        wanted = {id(plan) for plan in missing}
        writer.write_buildings([plan for plan in plans if id(plan.building) in wanted])
    writer.write_establishments(establishments, buildings)
    writer.write_facilities(facilities)
    return writer.created


def plan_people(buildings: list[BuildingPlan]) -> list[RegistryPlan]:
    """Households for every dwelling of every building (always all, so the draw is reproducible)."""
    draw = random.Random(f"{SEED}:people")
    population = Population(draw)
    plans = []
    for building in buildings:
        plan = RegistryPlan(building)
        rentals = 0
        for dwelling in building.dwellings:
            household: HouseholdPlan | None = None
            if dwelling.use == DwellingUse.OWNER_OCCUPIED:
                household = population.owner_household(building.profile.age, building.profile.built,
                                                       building.profile.retired_from)
            elif dwelling.use == DwellingUse.RENTED:
                rentals += 1
                if building.profile.age == "new" and draw.random() < 0.03:
                    household = population.overseas_household()
                elif not (building.label in UNREGISTERED_RENTALS and rentals == 1):
                    household = population.tenant_household(building.profile.built)
            if household is not None:
                add_history(population, household)
                if building.estate == "茜城小学" and household.head and household.head.age() < 60:
                    household.head.workplace = "郑州市中原区茜城小学"
            plan.households.append(household)
            plan.landlords.append(population.surname() + population.given_name(draw.choice(Gender.values)))
        if building.label == MEMBERLESS_HOUSEHOLD:
            first = next(index for index, household in enumerate(plan.households) if household)
            plan.households[first] = HouseholdPlan("memberless", notes="原户主已迁出，新入住家庭成员待登记。")
        plans.append(plan)
    assign_care_tags([h for plan in plans for h in plan.households if h is not None], draw)
    return plans


def add_history(population: Population, household: HouseholdPlan) -> None:
    """Some past stays: a grown child who moved away, a late spouse (history the profile shows)."""
    draw = population.draw
    head = household.head
    if head is None:
        return
    if household.kind == "mature_family" and draw.random() < 0.15:
        child = population.person(draw.choice(Gender.values), (24, 32), head.residency, surname=head.name[0])
        child.status, child.notes = ResidentStatus.MOVED_AWAY, "已在外地工作定居。"
        moved_in = max(household.stays[0].moved_in_on, child.birth_date)
        moved_out = AS_OF - datetime.timedelta(days=draw.randrange(200, 1500))
        if moved_out > moved_in:
            household.stays.append(StayPlan(child, Relation.CHILD, moved_in, moved_out))
    elif household.kind == "single_elderly" and draw.random() < 0.12:
        gender = Gender.MALE if head.gender == Gender.FEMALE else Gender.FEMALE
        spouse = population.person(gender, (head.age() + 1, head.age() + 4), head.residency)
        spouse.status, spouse.notes = ResidentStatus.DECEASED, "已故。"
        moved_out = AS_OF - datetime.timedelta(days=draw.randrange(100, 1800))
        if moved_out > household.stays[0].moved_in_on:
            household.stays.append(StayPlan(spouse, Relation.SPOUSE, household.stays[0].moved_in_on, moved_out))


class _Writer:
    """Turns plans into rows with bulk_create, filling the columns ``save()`` would derive."""

    def __init__(self, areas: dict[str, Area], organisations: dict[str, Organisation], users: dict[str, User]) -> None:
        self.areas = areas
        self.organisations = organisations
        self.users = users
        self.created: dict[str, int] = {}
        self.now = timezone.now()
        self.draw = random.Random(f"{SEED}:records")
        self.shapes: dict[str, Any] = {}
        self.tags = {tag.code: tag for tag in CareTag.objects.all()}
        self.plates: set[str] = set()
        self.keys = {area.pk: key for key, area in areas.items()}
        self.property_companies = {
            area.pk: org
            for org in Organisation.objects.filter(kind=OrganisationKind.PROPERTY, pk__in=[
                o.pk for o in organisations.values()]).prefetch_related("service_areas")
            for area in org.service_areas.all()
        }

    def grid_areas(self, plans: Iterable[BuildingPlan]) -> list[Area]:
        return list({self.areas[plan.area_key].pk: self.areas[plan.area_key] for plan in plans}.values())

    def count(self, model: type[models.Model], rows: int) -> None:
        if rows:
            label = str(model._meta.verbose_name_plural)
            self.created[label] = self.created.get(label, 0) + rows

    # -- common columns -------------------------------------------------------------------

    def scoped(self, area_key: str) -> dict[str, Any]:
        """grid, grid_code and a verification state: mostly 已核实 within two years, some 待核实/有疑问."""
        area = self.areas[area_key]
        roll = self.draw.random()
        state = (VerificationState.VERIFIED if roll < 0.85 else
                 VerificationState.PENDING if roll < 0.96 else VerificationState.DOUBTFUL)
        values: dict[str, Any] = {"grid": area, "grid_code": area.code, "verification_state": state}
        if state != VerificationState.PENDING:
            recent = self.draw.random() < 0.75
            days = self.draw.randrange(3, 365) if recent else self.draw.randrange(365, 730)
            values["verified_at"] = self.now - datetime.timedelta(days=days, minutes=self.draw.randrange(600))
            values["verified_by"] = self.verifier(area_key)
        return values

    def verifier(self, area_key: str) -> User | None:
        if area_key.startswith("a"):
            return self.users.get("gridworker")
        return self.users.get("communitystaff") if area_key[0] in "bcdes" else None

    def location(self, area_key: str, key: str) -> tuple[float, float]:
        """A point inside the grid's polygon, the same for the same key."""
        if area_key not in self.shapes:
            self.shapes[area_key] = shape(self.areas[area_key].boundary or {})
        polygon = self.shapes[area_key]
        draw = random.Random(f"{SEED}:location:{key}")
        min_x, min_y, max_x, max_y = polygon.bounds
        for _attempt in range(50):
            point = Point(draw.uniform(min_x, max_x), draw.uniform(min_y, max_y))
            if polygon.contains(point):
                return round(point.x, 7), round(point.y, 7)
        point = polygon.representative_point()
        return round(point.x, 7), round(point.y, 7)

    def property_company(self, community_key: str) -> Organisation | None:
        """The 物业 organisation serving the community."""
        return self.property_companies.get(self.areas[community_key].pk)

    # -- buildings and everything in them -------------------------------------------------

    def write_buildings(self, plans: list[RegistryPlan]) -> None:
        buildings = [self.building(plan.building) for plan in plans]
        Building.objects.bulk_create(buildings)
        self.count(Building, len(buildings))
        head = self.users.get("buildinghead")
        headed = [b for b in buildings if (b.estate, b.name) == HEADED_BUILDING]
        if head is not None and headed:
            Building.heads.through.objects.bulk_create(
                [Building.heads.through(building=building, user=head) for building in headed])
        units = {
            (id(building), number): BuildingUnit(building=building, number=f"{number}单元")
            for building in buildings for number in range(1, building.unit_count + 1)
        }
        BuildingUnit.objects.bulk_create(units.values())
        self.count(BuildingUnit, len(units))
        residents = self.write_residents(plans, buildings)
        dwellings, households = [], []
        for plan, building in zip(plans, buildings, strict=True):
            for dwelling_plan, household, landlord in zip(
                plan.building.dwellings, plan.households, plan.landlords, strict=True
            ):
                dwelling = self.dwelling(building, units[(id(building), dwelling_plan.unit)], dwelling_plan,
                                         household, landlord, residents)
                dwellings.append(dwelling)
                if household is not None:
                    households.append((household, dwelling))
        Dwelling.objects.bulk_create(dwellings)
        self.count(Dwelling, len(dwellings))
        self.write_households(households, residents)

    def building(self, plan: BuildingPlan) -> Building:
        lng, lat = self.location(plan.area_key, plan.label)
        address = f"郑州市中原区{plan.label}" if plan.estate else f"郑州市中原区{plan.name}"
        return Building(
            name=plan.name, estate=plan.estate, address=address, kind=plan.kind, floors=plan.floors,
            unit_count=plan.unit_count, lng=lng, lat=lat,
            property_company=self.property_company(plan.community) if plan.profile.property_company else None,
            **self.scoped(plan.area_key),
        )

    def dwelling(
        self, building: Building, unit: BuildingUnit, plan: DwellingPlan, household: HouseholdPlan | None,
        landlord: str, residents: dict[int, Resident],
    ) -> Dwelling:
        owner = None
        if plan.use == DwellingUse.OWNER_OCCUPIED and household is not None and household.head is not None:
            owner = residents.get(id(household.head))
        values = self.scoped_like(building)
        return Dwelling(
            building=building, unit=unit, floor=plan.floor, room=plan.room, floor_area=plan.floor_area, use=plan.use,
            owner=owner, owner_name="" if owner else landlord, **values,
        )

    def scoped_like(self, record: models.Model) -> dict[str, Any]:
        """The scoped columns for a record in the same grid as ``record``."""
        return self.scoped(self.keys[record.grid_id])  # type: ignore[attr-defined]

    def write_residents(self, plans: list[RegistryPlan], buildings: list[Building]) -> dict[int, Resident]:
        """Residents of these buildings, keyed by id() of their plan; people already stored are skipped."""
        stored = set(Resident.objects.exclude(id_number_index="").values_list("id_number_index", flat=True))
        residents: dict[int, Resident] = {}
        for plan, building in zip(plans, buildings, strict=True):
            for household in plan.households:
                for stay in household.stays if household else []:
                    resident = self.resident(stay.person, self.scoped_like(building))
                    if resident.id_number_index not in stored:
                        residents[id(stay.person)] = resident
        Resident.objects.bulk_create(residents.values(), batch_size=2000)
        self.count(Resident, len(residents))
        return residents

    def resident(self, person: PersonPlan, values: dict[str, Any]) -> Resident:
        phone = person.phone
        return Resident(
            name=person.name, gender=person.gender, birth_date=person.birth_date, document_type=person.document_type,
            id_number=person.number, id_number_index=document_index(person.document_type, person.number),
            phone=phone, phone_index=index_value("phone", phone), ethnicity=person.ethnicity,
            political_status=person.political, residency_type=person.residency, workplace=person.workplace,
            status=person.status, notes=person.notes, **values,
        )

    def write_households(
        self, households: list[tuple[HouseholdPlan, Dwelling]], residents: dict[int, Resident]
    ) -> None:
        rows = [
            Household(dwelling=dwelling, head=residents.get(id(plan.head)) if plan.head else None, notes=plan.notes,
                      **self.scoped_like(dwelling.building))
            for plan, dwelling in households
        ]
        Household.objects.bulk_create(rows, batch_size=2000)
        self.count(Household, len(rows))
        members, tags, vehicles = [], [], []
        self.plates = set(Vehicle.objects.values_list("plate", flat=True))
        for (plan, _dwelling), household in zip(households, rows, strict=True):
            for stay in plan.stays:
                resident = residents.get(id(stay.person))
                if resident is None:
                    continue
                members.append(HouseholdMember(household=household, resident=resident, relation=stay.relation,
                                               moved_in_on=stay.moved_in_on, moved_out_on=stay.moved_out_on))
                tags += [Resident.care_tags.through(resident=resident, caretag=self.tags[code])
                         for code in sorted(stay.person.tags) if code in self.tags]
            vehicles += self.vehicles(plan, household, residents)
        HouseholdMember.objects.bulk_create(members, batch_size=2000)
        self.count(HouseholdMember, len(members))
        refresh_address_keys(member.resident_id for member in members)
        Resident.care_tags.through.objects.bulk_create(tags, batch_size=2000)
        Vehicle.objects.bulk_create(vehicles, batch_size=2000)
        self.count(Vehicle, len(vehicles))

    # -- vehicles -------------------------------------------------------------------------

    def vehicles(self, plan: HouseholdPlan, household: Household, residents: dict[int, Resident]) -> list[Vehicle]:
        """A car for about a third of households, an e-bike for almost half; plates unique."""
        draw = self.draw
        drivers = [residents[id(p)] for p in plan.current if id(p) in residents and 23 <= p.age() <= 72]
        riders = [residents[id(p)] for p in plan.current if id(p) in residents and 16 <= p.age() <= 75]
        found: list[Vehicle] = []
        if drivers and draw.random() < 0.38:
            tenant = plan.head is not None and plan.head.residency == ResidencyType.FLOATING
            found.append(Vehicle(plate=self.unique(lambda: self.car_plate(tenant)), kind=VehicleKind.CAR,
                                 owner=drivers[0], **self.scoped_like(household)))
        if riders and draw.random() < 0.45:
            found.append(Vehicle(plate=self.unique(lambda: f"郑州{draw.choice('ABCDEF')}{draw.randrange(10**5):05d}"),
                                 kind=VehicleKind.EBIKE, owner=draw.choice(riders), **self.scoped_like(household)))
        return found

    def unique(self, make: Callable[[], str]) -> str:
        """A plate nobody has yet (plates already stored count too)."""
        while (plate := make()) in self.plates:
            pass
        self.plates.add(plate)
        return plate

    def car_plate(self, from_elsewhere: bool) -> str:
        """豫A12345 or 豫AD12345 (new energy); some tenants drive cars registered elsewhere."""
        draw = self.draw
        prefix = "豫A"
        if from_elsewhere and draw.random() < 0.3:
            prefix = draw.choice(("豫B", "豫C", "豫K", "豫P", "豫Q", "皖A", "鲁R", "冀E", "鄂A"))
        if draw.random() < 0.16:
            return f"{prefix}{draw.choice('DF')}{draw.randrange(10**5):05d}"
        tail = f"{draw.randrange(10**5):05d}"
        if draw.random() < 0.4:
            position = draw.randrange(5)
            tail = tail[:position] + draw.choice(PLATE_LETTERS) + tail[position + 1:]
        return prefix + tail

    # -- units and facilities -------------------------------------------------------------

    def write_establishments(self, plans: list[Any], buildings: list[BuildingPlan]) -> None:
        stored = set(Establishment.objects.filter(credit_code__in=[p.credit_code for p in plans])
                     .values_list("credit_code", flat=True))
        todo = [plan for plan in plans if plan.credit_code not in stored]
        if not todo:
            return
        rows = {
            (building.grid_id, building.estate, building.name): building
            for building in Building.objects.filter(grid__in=self.grid_areas(buildings))
        }
        by_label = {plan.label: plan for plan in buildings}
        people = Population(random.Random(f"{SEED}:contacts"))
        created = []
        for plan in todo:
            building_plan = by_label.get(plan.building)
            building = rows.get((self.areas[building_plan.area_key].pk, building_plan.estate, building_plan.name)) \
                if building_plan else None
            contact = people.surname() + people.given_name(people.draw.choice(Gender.values))
            safety = contact if people.draw.random() < 0.5 else people.surname() + people.given_name(Gender.MALE)
            phone = people.mobile()
            created.append(Establishment(
                name=plan.name, credit_code=plan.credit_code, kind=plan.kind, address=plan.address, building=building,
                contact_name=contact, contact_phone=phone, contact_phone_index=index_value("phone", phone),
                safety_person=safety, notes=plan.notes, **self.scoped(plan.area_key),
            ))
        Establishment.objects.bulk_create(created)
        self.count(Establishment, len(created))

    def write_facilities(self, plans: list[Any]) -> None:
        stored = set(Facility.objects.filter(code__in=[p.code for p in plans]).values_list("code", flat=True))
        todo = [plan for plan in plans if plan.code not in stored]
        if not todo:
            return
        categories = {category.code: category for category in FacilityCategory.objects.all()}
        rows = []
        for plan in todo:
            responsible = (self.property_company(plan.community) if plan.responsible == "property"
                           else self.organisations.get(plan.responsible))
            lng, lat = self.location(plan.area_key, plan.code)
            rows.append(Facility(code=plan.code, category=categories[plan.class_code], name=plan.name,
                                 address=plan.address, lng=lng, lat=lat, state=plan.state, responsible=responsible,
                                 **self.scoped(plan.area_key)))
        Facility.objects.bulk_create(rows)
        self.count(Facility, len(rows))


def registry_counts(street: Area) -> dict[str, int]:
    """The headline figures of the demo registry, for the seed summary."""
    prefix = {"grid_code__startswith": street.prefix}
    return {
        "buildings": Building.objects.filter(**prefix).count(),
        "dwellings": Dwelling.objects.filter(**prefix).count(),
        "households": Household.objects.filter(**prefix).count(),
        "residents": Resident.objects.filter(**prefix).count(),
        "establishments": Establishment.objects.filter(**prefix).count(),
        "facilities": Facility.objects.filter(**prefix).count(),
        "vehicles": Vehicle.objects.filter(**prefix).count(),
    }
