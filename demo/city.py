"""A synthetic city of any size (``manage.py generate_city``), for load tests and benchmarks.

One district (``CITY_DISTRICT_CODE``) with ``streets`` streets, each of ``communities``
communities of ``grids`` grids; per street a dispatcher, per community its staff and a property
company, per grid a 网格员 and a 网格长, per street the departments that take dispatched cases.
Residents (in buildings, dwellings and households, with population types and care tags in the
demo's proportions) and cases (over ``years`` years, in every state, with timelines computed by
the working-day calendar from each category's limits) are spread evenly over the grids and
written in bulk (``demo.bulk``: ``COPY`` on PostgreSQL), one street per transaction.

Everything is drawn from ``random.Random`` seeded with ``seed`` and the street number, and times
count back from ``as_of`` (noon of that day), so the same arguments give the same city. Nothing
is announced and nothing goes to the change log: this is history, not activity. The logins
(``city-…``) share one password; see ``docs/performance.md``.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.catalog import ensure_default_roles
from accounts.models import Organisation, OrganisationKind, OrganisationMember, Role, RoleAssignment, User
from areas.models import Area, GridKind, Level
from cases import partitions
from cases.holidays import seed_holidays
from cases.models import Case, CaseAssignment, CaseEvent
from cases.rollups import rebuild as rebuild_rollups
from demo.bulk import analyze, without_secondary_indexes
from demo.city_rows import StreetWriter, Vocabulary
from demo.people import mobile_number, person_name
from registry.models import Dwelling, Household, HouseholdMember, Resident

CITY_DISTRICT_CODE = "410199000000"
# The tables written by the million (``demo.city_rows``): copied into without secondary indexes.
BULK_MODELS = (Case, CaseEvent, CaseAssignment, Resident, HouseholdMember, Household, Dwelling)
CITY_DISTRICT_NAME = "网格新区"
ASSIGNED_FROM = datetime.date(2020, 1, 1)
STREET_NAMES = (
    "建设路", "桐柏路", "秦岭路", "林山寨", "绿东村", "汝河路", "须水", "石佛", "沟赵", "莲花", "中原西路", "航海东路",
    "嵩山路", "伏牛路", "棉纺路", "三官庙", "郑州路", "淮河路", "五里堡", "福华街",
)
COMMUNITY_NAMES = ("幸福", "和谐", "阳光", "康宁", "锦绣", "翠竹", "桂园", "兴华", "明珠", "长青", "百合", "春晖")
# Departments per street that take dispatched cases: (kind, name suffix).
STREET_UNITS = (
    (OrganisationKind.ENFORCEMENT, "综合行政执法中队"), (OrganisationKind.POLICE, "派出所"),
    (OrganisationKind.JUSTICE, "司法所"), (OrganisationKind.MARKET, "市场监管所"),
    (OrganisationKind.URBAN_MANAGEMENT, "城管中队"), (OrganisationKind.CIVIL_AFFAIRS, "民政办"),
)
# A street is a square of 0.03° (about 3 km); its communities and grids tile it.
STREET_SIDE = 0.03
ORIGIN = (113.40, 34.60)


@dataclass(frozen=True)
class CitySize:
    streets: int = 2
    residents: int = 2_000
    cases: int = 1_000
    years: int = 2
    seed: int = 1
    communities: int = 6
    grids: int = 6
    as_of: datetime.date = field(default_factory=datetime.date.today)

    @property
    def grid_count(self) -> int:
        return self.streets * self.communities * self.grids

    def share(self, total: int, index: int) -> int:
        """Grid ``index``'s part of ``total`` (the first grids take the remainder)."""
        base, extra = divmod(total, self.grid_count)
        return base + (1 if index < extra else 0)


@dataclass
class CityReport:
    rows: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class StreetPeople:
    """The generated people of a street, by area code; what the case timelines name."""

    street_id: int
    dispatcher: User
    staff: dict[str, User]  # community code -> staff
    workers: dict[str, User]  # grid code -> 网格员
    leaders: dict[str, User]  # grid code -> 网格长
    property_units: dict[str, Organisation]  # community code -> 物业
    units: dict[str, Organisation]  # OrganisationKind -> the street's unit
    handlers: dict[int, User]  # organisation id -> a handler


class CityExists(Exception):
    pass


def username(*parts: object) -> str:
    return "-".join(["city", *(str(part) for part in parts)])


def generate_city(
    size: CitySize, *, password: str, progress: Callable[[str], None] = lambda message: None,
) -> CityReport:
    """Write the city; refuses (``CityExists``) when its district is already there."""
    if Area.objects.filter(code=CITY_DISTRICT_CODE).exists():
        raise CityExists(CITY_DISTRICT_CODE)
    started = time.monotonic()
    report = CityReport()
    zone = ZoneInfo(settings.TIME_ZONE)
    now = datetime.datetime.combine(size.as_of, datetime.time(12), zone)
    ensure_default_roles()
    seed_holidays(range(size.as_of.year - size.years - 1, size.as_of.year + 1))
    roles = {role.code: role for role in Role.objects.all()}
    password_hash = make_password(password)
    if partitions.supported():  # the history's months, so its rows are copied straight into them
        first = datetime.date(size.as_of.year - size.years - 1, 1, 1)
        report.rows["monthly partitions"] = len(partitions.ensure(since=partitions.Month(first.year, first.month)))
    with transaction.atomic():
        _generate(size, password_hash, roles, now, report, started, progress)
    analyze()
    # Written in bulk, not through the transitions: the statistics rollups are summed afterwards.
    report.rows["statistics rollup rows"] = rebuild_rollups()
    if partitions.supported():  # anything still in DEFAULT (a history reaching past this month)
        report.rows["monthly partitions"] += len(partitions.ensure())
    return report


def _generate(
    size: CitySize, password_hash: str, roles: dict[str, Role], now: datetime.datetime, report: CityReport,
    started: float, progress: Callable[[str], None],
) -> CityReport:
    """All or nothing: a city cut short by an error leaves nothing behind."""
    district = _area(CITY_DISTRICT_CODE, CITY_DISTRICT_NAME, Level.DISTRICT, None, 0, 0, STREET_SIDE * 10)
    district.save()
    leader = _user(username("district", "leader"), "district", password_hash)
    leader.save()
    RoleAssignment.objects.create(user=leader, role=roles["street_leader"], area=district, valid_from=ASSIGNED_FROM)
    report.logins.append((leader.username, "street_leader", district.code))
    vocabulary = Vocabulary.load()
    grid_index = 0
    # The big tables are copied into without their secondary indexes, made again at the end.
    with without_secondary_indexes(*BULK_MODELS):
        for number in range(1, size.streets + 1):
            street, grids, people = _street(size, number, district, roles, password_hash, report)
            writer = StreetWriter(size=size, vocabulary=vocabulary, now=now, people=people,
                                  rng=random.Random(f"{size.seed}:{number}"))
            for grid in grids:
                writer.grid(grid, residents=size.share(size.residents, grid_index),
                            cases=size.share(size.cases, grid_index))
                grid_index += 1
            writer.finish()
            report.rows.update(writer.rows)
            progress(f"street {number}/{size.streets} ({street.code}): {dict(writer.rows)}")
    report.rows["areas"] = Area.objects.filter(code__startswith=CITY_DISTRICT_CODE[:6]).count()
    report.seconds = time.monotonic() - started
    return report


def _area(
    code: str, name: str, level: int, parent: Area | None, x: float, y: float, side: float, height: float = 0.0,
) -> Area:
    west, south = ORIGIN[0] + x, ORIGIN[1] + y
    east, north = west + side, south + (height or side)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    area = Area(code=code, name=name, level=level, parent=parent, address=name)
    if level >= Level.GRID:
        area.grid_kind = GridKind.COMPREHENSIVE
        area.household_target = 400
    area.set_boundary({"type": "Polygon", "coordinates": [ring]})
    return area


def _user(name: str, key: str, password_hash: str) -> User:
    return User(username=name, full_name=person_name(f"city:{key}"), phone=mobile_number(f"city:{key}"),
                password=password_hash, is_active=True)


def _street(
    size: CitySize, number: int, district: Area, roles: dict[str, Role], password_hash: str, report: CityReport,
) -> tuple[Area, list[Area], StreetPeople]:
    """The street's areas, logins and units (a few hundred rows: ``bulk_create``)."""
    code = f"{CITY_DISTRICT_CODE[:6]}{number:03d}000"
    base = STREET_NAMES[(number - 1) % len(STREET_NAMES)]
    name = f"{base}街道" if number <= len(STREET_NAMES) else f"{base}第{number}街道"
    x, y = ((number - 1) % 10) * STREET_SIDE, ((number - 1) // 10) * STREET_SIDE
    street = _area(code, name, Level.STREET, district, x, y, STREET_SIDE)
    street.save()
    side = STREET_SIDE / size.communities
    communities = Area.objects.bulk_create([
        _area(f"{code[:9]}{c:03d}", f"{COMMUNITY_NAMES[(c - 1) % len(COMMUNITY_NAMES)]}社区{'' if c <= 12 else c}",
              Level.COMMUNITY, street, x + (c - 1) * side, y, side, STREET_SIDE)
        for c in range(1, size.communities + 1)
    ])
    grids = Area.objects.bulk_create([
        _area(f"{community.code}{g:03d}", f"{community.name}第{g}网格", Level.GRID, community,
              x + c * side, y + (g - 1) * STREET_SIDE / size.grids, side, STREET_SIDE / size.grids)
        for c, community in enumerate(communities) for g in range(1, size.grids + 1)
    ])
    users: dict[str, User] = {}
    assignments: list[tuple[str, str, Area]] = []

    def login(key: str, role: str, area: Area) -> None:
        users[key] = _user(username(key), key, password_hash)
        assignments.append((key, role, area))

    login(f"s{number:03d}-dispatcher", "street_dispatcher", street)
    for community in communities:
        login(f"{community.code}-staff", "community_staff", community)
    for grid in grids:
        login(f"{grid.code}-worker", "grid_worker", grid)
        login(f"{grid.code}-leader", "grid_leader", grid)
    units: dict[str, Organisation] = {
        kind: Organisation(name=f"{base}{suffix}", kind=kind, home_area=street, is_active=True)
        for kind, suffix in STREET_UNITS
    }
    property_units = {
        community.code: Organisation(name=f"{community.name}物业服务有限公司", kind=OrganisationKind.PROPERTY,
                                     home_area=community, is_active=True)
        for community in communities
    }
    Organisation.objects.bulk_create([*units.values(), *property_units.values()])
    for organisation in [*units.values(), *property_units.values()]:
        role = "property_handler" if organisation.kind == OrganisationKind.PROPERTY else "department_handler"
        login(f"o{organisation.pk}-handler", role, organisation.home_area)
    User.objects.bulk_create(users.values())
    RoleAssignment.objects.bulk_create([
        RoleAssignment(user=users[key], role=roles[role], area=area, valid_from=ASSIGNED_FROM)
        for key, role, area in assignments
    ])
    through = Organisation.service_areas.through
    through.objects.bulk_create(
        [through(organisation_id=unit.pk, area_id=street.pk) for unit in units.values()]
        + [through(organisation_id=unit.pk, area_id=unit.home_area_id) for unit in property_units.values()]
    )
    handlers = {organisation.pk: users[f"o{organisation.pk}-handler"]
                for organisation in [*units.values(), *property_units.values()]}
    OrganisationMember.objects.bulk_create([
        OrganisationMember(organisation_id=pk, user=user) for pk, user in handlers.items()
    ])
    report.rows["logins"] += len(users)
    report.logins.append((users[f"s{number:03d}-dispatcher"].username, "street_dispatcher", street.code))
    report.logins.append((users[f"{grids[0].code}-worker"].username, "grid_worker", grids[0].code))
    people = StreetPeople(
        street_id=street.pk,
        dispatcher=users[f"s{number:03d}-dispatcher"],
        staff={community.code: users[f"{community.code}-staff"] for community in communities},
        workers={grid.code: users[f"{grid.code}-worker"] for grid in grids},
        leaders={grid.code: users[f"{grid.code}-leader"] for grid in grids},
        property_units=property_units, units=units, handlers=handlers,
    )
    return street, grids, people
