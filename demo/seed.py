"""Load the demo street into the database, idempotently.

``seed_demo`` makes the demo records look as ``demo.data`` describes them: it matches
records by code, username or name, creates what is missing and restores changed fields, and
saves nothing that is already right — so a second run writes no row and no audit entry.
Records that are not part of the demo are left alone.

The registry (buildings, dwellings, households, residents, units, facilities, vehicles; see
``demo.registry``) is written once per building with ``bulk_create``: those demo rows
have no audit-log entries, and a building that exists is not restored.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction

from accounts.catalog import ensure_default_roles
from accounts.models import (
    DUTY_ORDER,
    Duty,
    Organisation,
    OrganisationMember,
    Role,
    RoleAssignment,
    TeamMember,
    User,
)
from areas.models import Area, GridKind, GridTag, Level
from cases.notifications import silenced
from core.request_context import acting_as
from demo import data
from demo.cases import case_counts, seed_cases
from demo.fieldwork import seed_fieldwork
from demo.layout import Cell, Lattice, parse_map
from demo.participation import seed_participation
from demo.people import mobile_number, person_name
from demo.registry import registry_counts, seed_registry

M = TypeVar("M", bound=models.Model)

DEFAULT_PASSWORD = "wangge2026"
ASSIGNED_FROM = datetime.date(2024, 1, 1)
TEAM_SINCE = datetime.date(2024, 3, 1)
CHINESE_NUMERALS = "一二三四五六七八九十"


@dataclass
class Login:
    """A demo login as printed at the end: who, which role, where."""

    username: str
    role: str
    area_code: str
    area_name: str


@dataclass
class SeedReport:
    """What a run did: rows created and updated per model, and the demo logins."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass(frozen=True)
class Seat:
    """One row of a grid's service team."""

    duty: str
    index: int
    name: str
    phone: str
    responsibility: str
    user: User | None = None
    organisation: Organisation | None = None
    department: str = ""
    is_party_member: bool = False


def seed_demo(*, password: str = DEFAULT_PASSWORD, registry: bool = True, cases: bool = False) -> SeedReport:
    """Create or restore the demo street; returns what was done.

    ``registry=False`` skips the registry (some 17,000 residents, several seconds on the first
    run), for tests that need only the areas, teams and logins. ``cases=True`` adds a year of
    cases (``demo.cases``, some 15 seconds the first time; ``manage.py seed_demo`` does).
    """
    report = SeedReport()
    # Silenced: the demo cases' timelines are history, nobody is to be told of them now.
    with silenced(), transaction.atomic(), acting_as(None, request_id=f"seed_demo-{uuid.uuid4().hex[:12]}"):
        ensure_default_roles()
        _Seeder(report, password, registry, cases).run()
    return report


def grid_name(community: data.CommunitySpec, grid: data.GridSpec) -> str:
    return grid.name or f"{community.name}第{CHINESE_NUMERALS[grid.sequence - 1]}网格"


class _Seeder:
    def __init__(self, report: SeedReport, password: str, registry: bool = True, cases: bool = False) -> None:
        self.report = report
        self.password = password
        self.with_registry = registry
        self.with_cases = cases
        self.cells = parse_map(data.GRID_MAP)
        rows = max(row for _, row in self.cells) + 1
        columns = max(column for column, _ in self.cells) + 1
        self.lattice = Lattice(columns, rows)
        self.areas: dict[str, Area] = {}
        self.organisations: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}

    def run(self) -> None:
        tags = self.seed_tags()
        self.seed_areas(tags)
        self.seed_organisations()
        self.seed_logins()
        self.seed_teams()
        if self.with_registry:
            self.seed_registry()
        if self.with_cases:
            self.seed_cases()
        if self.with_registry and self.with_cases:
            self.seed_participation()  # stories like the cases': wishes and ballots of residents
            self.seed_fieldwork()  # the grid worker's three months of patrols, visits and diary
        self.report.counts = self.counts()

    # -- generic: change only what differs ------------------------------------------------

    def sync(self, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
        """get_or_create + update, saving only when a value differs (so no audit noise)."""
        instance = model._default_manager.filter(**lookup).first()
        label = model._meta.verbose_name_plural
        if instance is None:
            instance = model(**lookup, **values)
            self.save(instance)
            self.report.created[str(label)] += 1
        elif assign(instance, values):
            self.save(instance)
            self.report.updated[str(label)] += 1
        return instance

    @staticmethod
    def save(instance: models.Model) -> None:
        instance.full_clean()
        instance.save()

    def sync_set(self, instance: models.Model, name: str, wanted: list[Any]) -> None:
        manager = getattr(instance, name)
        current = set(manager.values_list("pk", flat=True))
        if current != {item.pk for item in wanted}:
            manager.set(wanted)
            label = f"{instance._meta.verbose_name} · {name}"
            (self.report.updated if current else self.report.created)[label] += 1

    # -- catalog, areas, organisations ----------------------------------------------------

    def seed_tags(self) -> dict[str, GridTag]:
        return {
            tag.code: self.sync(GridTag, {"code": tag.code},
                                {"name": tag.name, "description": tag.description, "sort_order": order * 10})
            for order, tag in enumerate(data.TAGS)
        }

    def seed_areas(self, tags: dict[str, GridTag]) -> None:
        outline = [list(point) for point in (*data.DISTRICT_OUTLINE, data.DISTRICT_OUTLINE[0])]
        self.areas["district"] = district = self.sync_area(
            data.DISTRICT_CODE, Level.DISTRICT, None, {"type": "Polygon", "coordinates": [outline]},
            name=data.DISTRICT_NAME, address="河南省郑州市中原区",
        )
        self.areas["street"] = street = self.sync_area(
            data.STREET_CODE, Level.STREET, district, self.lattice.polygon(self.cells),
            name=data.STREET_NAME, address=data.four_bounds(data.STREET_BOUNDS),
            household_target=sum(grid.households or 0 for c in data.COMMUNITIES for grid in c.grids),
        )
        for community in data.COMMUNITIES:
            self.areas[community.key] = area = self.sync_area(
                community.code, Level.COMMUNITY, street, self.lattice.polygon(self.cells_of(community)),
                name=community.name, address=data.four_bounds(community.bounds),
                description=community.description,
                household_target=sum(grid.households or 0 for grid in community.grids),
            )
            for grid in community.grids:
                self.areas[grid.key] = self.seed_grid(community, grid, area, tags)

    def cells_of(self, community: data.CommunitySpec) -> list[Cell]:
        keys = {grid.key for grid in community.grids}
        return [cell for cell, key in self.cells.items() if key in keys]

    def seed_grid(
        self, community: data.CommunitySpec, grid: data.GridSpec, parent: Area, tags: dict[str, GridTag]
    ) -> Area:
        cells = [cell for cell, key in self.cells.items() if key == grid.key]
        area = self.sync_area(
            f"{community.code}{grid.sequence:03d}", Level.GRID, parent, self.lattice.polygon(cells),
            name=grid_name(community, grid), address=grid.address, household_target=grid.households,
            grid_kind=GridKind.DEDICATED if grid.served_unit else GridKind.COMPREHENSIVE,
            served_unit=grid.served_unit,
        )
        self.sync_set(area, "tags", [tags[code] for code in grid.tags])
        if grid.microgrids:
            # One micro-grid per building, numbered from the north-west like the buildings.
            ordered = sorted(cells, key=lambda cell: (-cell[1], cell[0]))
            for number, (cell, building) in enumerate(zip(ordered, grid.buildings, strict=True), start=1):
                self.areas[f"{grid.key}{number}"] = self.sync_area(
                    f"{area.code}{number:03d}", Level.MICROGRID, area, self.lattice.polygon([cell]),
                    name=f"{building}微网格", address=building,
                    household_target=48, grid_kind=GridKind.COMPREHENSIVE,
                )
        return area

    def sync_area(
        self, code: str, level: Level, parent: Area | None, boundary: dict[str, Any], **values: Any
    ) -> Area:
        area = Area.objects.filter(code=code).first()
        label = str(Area._meta.verbose_name_plural)
        created = area is None
        if area is None:
            area = Area(code=code)
        changed = assign(area, {"level": level, "parent": parent, **values})
        if area.boundary != boundary:
            area.set_boundary(boundary)
            changed = True
        if created or changed:
            self.save(area)
            (self.report.created if created else self.report.updated)[label] += 1
        return area

    def seed_organisations(self) -> None:
        for spec in data.ORGANISATIONS:
            organisation = self.sync(
                Organisation, {"home_area": self.areas[spec.home], "name": spec.name},
                {"kind": spec.kind, "phone": spec.phone, "address": spec.address, "is_active": True},
            )
            self.sync_set(organisation, "service_areas", [self.areas[key] for key in spec.serves])
            self.organisations[spec.name] = organisation

    # -- logins --------------------------------------------------------------------------

    def seed_logins(self) -> None:
        password_hash = self.password_hash([data.SUPERUSER, *(spec.username for spec in data.LOGINS)])
        admin = self.sync_user(data.SUPERUSER, data.SUPERUSER_NAME, password_hash, is_staff=True, is_superuser=True)
        district = self.areas["district"]
        self.report.logins.append(Login(admin.username, "superuser", district.code, district.name))
        roles = {role.code: role for role in Role.objects.all()}
        for spec in data.LOGINS:
            user = self.sync_user(spec.username, spec.full_name, password_hash, is_staff=spec.is_staff)
            self.users[spec.username] = user
            for key in spec.areas:
                area = self.areas[key]
                self.sync(RoleAssignment, {"user": user, "role": roles[spec.role], "area": area},
                          {"valid_from": ASSIGNED_FROM, "valid_until": None})
                self.report.logins.append(Login(user.username, spec.role, area.code, area.name))
            if spec.organisation:
                self.sync(OrganisationMember, {"organisation": self.organisations[spec.organisation], "user": user},
                          {"title": spec.title})

    def password_hash(self, usernames: list[str]) -> str:
        """A hash of the demo password, reusing a stored one that matches (hashing is slow)."""
        stored = set(User.objects.filter(username__in=usernames).values_list("password", flat=True))
        for encoded in sorted(stored):
            if encoded and check_password(self.password, encoded):
                return encoded
        return make_password(self.password)

    def sync_user(self, username: str, full_name: str, password_hash: str, **flags: bool) -> User:
        values: dict[str, Any] = {
            "full_name": full_name, "phone": mobile_number(f"user:{username}"), "is_active": True,
            "is_staff": flags.get("is_staff", False), "is_superuser": flags.get("is_superuser", False),
        }
        user = User.objects.filter(username=username).first()
        if user is None or not check_stored(user.password, password_hash, self.password):
            values["password"] = password_hash
        return self.sync(User, {"username": username}, values)

    # -- teams ---------------------------------------------------------------------------

    def seed_teams(self) -> None:
        areas = [self.areas[key] for key in self.areas if key not in ("district", "street")]
        stored = {
            (member.area_id, member.duty, member.sort_order): member
            for member in TeamMember.objects.filter(area__in=[area for area in areas if area.is_grid])
        }
        position = 0
        for community in data.COMMUNITIES:
            for grid in community.grids:
                seats = self.grid_seats(community, grid, position)
                self.sync_seats(self.areas[grid.key], seats, stored)
                if grid.microgrids:
                    buildings = [seat for seat in seats if seat.duty == Duty.BUILDING_HEAD]
                    for number, head in enumerate(buildings, start=1):
                        leader = Seat(Duty.GRID_LEADER, 0, head.name, head.phone,
                                      f"微网格长 · {grid.buildings[number - 1]}", user=head.user,
                                      is_party_member=head.is_party_member)
                        self.sync_seats(self.areas[f"{grid.key}{number}"], [leader], stored)
                position += 1

    def grid_seats(self, community: data.CommunitySpec, grid: data.GridSpec, position: int) -> list[Seat]:
        """The full team of a grid, one or more seats per duty, in Duty order."""
        code = f"{community.code}{grid.sequence:03d}"
        police = self.organisations[data.POLICE_STATION]
        unit = grid.served_unit or data.LOCAL_UNITS[position % len(data.LOCAL_UNITS)]
        seats = [
            self.seat(grid, Duty.GRID_LEADER, 0, f"{code}:leader", "网格统筹、督促整改", party=True),
            self.seat(grid, Duty.FULLTIME_WORKER, 0, f"{code}:worker", f"{grid.estate} 巡查走访、信息采集"),
            self.seat(grid, Duty.PARTTIME_WORKER, 0, f"{code}:parttime", "协助巡查、政策宣传"),
            self.seat(grid, Duty.PARTY_GROUP_LEADER, 0, f"{code}:party", "网格党小组", party=True),
        ]
        seats += [
            self.seat(grid, Duty.BUILDING_HEAD, index, f"{code}:building:{index}", building)
            for index, building in enumerate(grid.buildings)
        ]
        seats.append(self.seat(grid, Duty.POLICE_OFFICER, 0, f"{community.code}:police", "社区民警",
                               organisation=police, department="航海西路派出所"))
        for index, offset in enumerate((0, 3)):
            department, organisation = data.ASSISTANT_DEPARTMENTS[(position + offset) % len(data.ASSISTANT_DEPARTMENTS)]
            seats.append(self.seat(
                grid, Duty.DEPARTMENT_ASSISTANT, index, f"{community.code}:assistant:{department}",
                f"{department}协管", organisation=self.organisations.get(organisation), department=department,
            ))
        seats.append(self.seat(grid, Duty.UNIT_LIAISON, 0, f"unit:{unit}", "共驻共建、资源对接", department=unit))
        seats.append(self.seat(grid, Duty.SUPERVISOR, 0, f"{community.code}:supervisor", "督导社区网格工作",
                               department="航海西路街道党工委", party=True))
        return seats

    def seat(
        self, grid: data.GridSpec, duty: str, index: int, person: str, responsibility: str, *,
        party: bool = False, organisation: Organisation | None = None, department: str = "",
    ) -> Seat:
        """A seat filled by a generated person, or by a demo login that claims it."""
        login = next((spec for spec in data.LOGINS if (grid.key, duty, index) in spec.seats), None)
        user = self.users[login.username] if login else None
        return Seat(
            duty, index,
            name=user.full_name if user else person_name(person),
            phone=user.phone if user else mobile_number(person),
            responsibility=responsibility[:100], user=user, organisation=organisation, department=department,
            is_party_member=party or random.Random(f"party:{person}").random() < 0.35,
        )

    def sync_seats(self, area: Area, seats: list[Seat], stored: dict[tuple[int, str, int], TeamMember]) -> None:
        label = str(TeamMember._meta.verbose_name_plural)
        for seat in seats:
            values = {
                "name": seat.name, "phone": seat.phone, "user": seat.user, "organisation": seat.organisation,
                "department": seat.department, "responsibility": seat.responsibility,
                "is_party_member": seat.is_party_member, "since": TEAM_SINCE,
            }
            sort_order = DUTY_ORDER[seat.duty] * 10 + seat.index
            member = stored.get((area.pk, seat.duty, sort_order))
            if member is None:
                self.save(TeamMember(area=area, duty=seat.duty, sort_order=sort_order, **values))
                self.report.created[label] += 1
            elif assign(member, values):
                self.save(member)
                self.report.updated[label] += 1

    # -- registry (基础信息) ---------------------------------------------------------------

    def seed_registry(self) -> None:
        for label, rows in seed_registry(self.areas, self.organisations, self.users).items():
            self.report.created[label] += rows

    def seed_fieldwork(self) -> None:
        for label, rows in seed_fieldwork(self.areas, self.users).items():
            self.report.created[label] += rows

    def seed_participation(self) -> None:
        for label, rows in seed_participation(self.areas, self.users).items():
            self.report.created[label] += rows

    # -- cases (事件) ---------------------------------------------------------------------------

    def seed_cases(self) -> None:
        for label, rows in seed_cases(self.areas, self.organisations, self.users).items():
            self.report.created[label] += rows

    # -- summary -------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        street = self.areas["street"]
        levels = Counter(Area.objects.subtree_of(street).values_list("level", flat=True))
        return {
            "district": 1,
            "street": levels[Level.STREET],
            "communities": levels[Level.COMMUNITY],
            "grids": levels[Level.GRID],
            "micro-grids": levels[Level.MICROGRID],
            "organisations": len(self.organisations),
            "team members": TeamMember.objects.filter(area__code__startswith=street.prefix).count(),
            "logins": len(data.LOGINS) + 1,
            **registry_counts(street),
            **case_counts(street),
        }


def assign(instance: models.Model, values: dict[str, Any]) -> bool:
    """Set the fields that differ; True when anything changed. Foreign keys compare by id."""
    changed = False
    for name, value in values.items():
        field_object = instance._meta.get_field(name)
        if isinstance(field_object, models.ForeignKey):
            current, wanted = getattr(instance, field_object.attname), value.pk if value is not None else None
        else:
            current, wanted = getattr(instance, name), value
        if current != wanted:
            setattr(instance, name, value)
            changed = True
    return changed


def check_stored(encoded: str, demo_hash: str, password: str) -> bool:
    """Whether a stored password hash already accepts the demo password."""
    return encoded == demo_hash or bool(encoded and check_password(password, encoded))
