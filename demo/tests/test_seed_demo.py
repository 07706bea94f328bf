"""``manage.py seed_demo``: the demo street, its boundaries, teams and logins."""

import itertools
import re
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from shapely import union_all
from shapely.geometry import shape

from accounts.catalog import DEFAULT_ROLES
from accounts.models import (
    Duty,
    Organisation,
    OrganisationKind,
    OrganisationMember,
    Role,
    RoleAssignment,
    TeamMember,
    User,
)
from areas.models import Area, GridKind, GridTag, Level, validate_code
from audit.models import ChangeLogEntry
from demo.seed import DEFAULT_PASSWORD
from demo.tests.conftest import FAST

pytestmark = pytest.mark.django_db

STREET = "410102005000"
DEMO_GRID = "410102005001001"
MOBILE = re.compile(r"^1[358]\d{9}$")
CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    """The command without the registry: these tests are about areas, teams and logins
    (test_seed_demo_registry.py covers the registry)."""
    out = StringIO()
    call_command("seed_demo", "--without-registry", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any, demo_media: Path) -> Iterator[str]:
    """The command's output: the street seeded once for the module, inside a transaction rolled
    back at the end; each test runs in its own savepoint (the ``db`` fixture) inside it. The
    tests that run the command on a database without the street are in test_seed_demo_options.py."""
    with (django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(demo_media), **FAST),
          transaction.atomic()):
        yield seed()
        transaction.set_rollback(True)


def test_it_builds_one_district_one_street_four_communities_and_their_grids(seeded):
    street = Area.objects.get(code=STREET)
    below = Area.objects.subtree_of(street)
    assert Area.objects.filter(level=Level.DISTRICT).count() == 1
    assert Area.objects.filter(level=Level.STREET).count() == 1
    assert below.filter(level=Level.COMMUNITY).count() == 4
    assert below.filter(level=Level.GRID).count() >= 16
    assert below.filter(level=Level.MICROGRID).count() > 0
    assert street.name == "航海西路街道"
    assert street.parent.name == "中原区"


def test_it_gives_every_area_a_code_that_fits_its_parent(seeded):
    for area in Area.objects.select_related("parent"):
        parent = area.parent
        validate_code(area.code, area.level, parent.code if parent else None, parent.level if parent else None)
        area.full_clean()
    micro = Area.objects.filter(level=Level.MICROGRID).first()
    assert micro.code.startswith(micro.parent.code) and len(micro.code) == 18


def test_it_tiles_every_parent_exactly_with_its_children(seeded):
    parents = [area for area in Area.objects.prefetch_related("children") if area.level >= Level.STREET]
    tiled = [parent for parent in parents if parent.children.all()]
    assert {parent.level for parent in tiled} == {Level.STREET, Level.COMMUNITY, Level.GRID}
    for parent in tiled:
        outline = shape(parent.boundary)
        pieces = [shape(child.boundary) for child in parent.children.all()]
        assert outline.is_valid and all(piece.is_valid and piece.area > 0 for piece in pieces), parent
        union = union_all(pieces)
        assert abs(union.area - outline.area) <= 1e-9 * outline.area, parent
        assert union.symmetric_difference(outline).area <= 1e-9 * outline.area, parent
        for one, other in itertools.combinations(pieces, 2):
            assert one.intersection(other).area == 0, parent


def test_it_draws_the_street_inside_the_district_around_hanghai_road(seeded):
    street = Area.objects.get(code=STREET)
    assert shape(street.parent.boundary).contains(shape(street.boundary))
    assert 113.5 < street.min_lng < street.max_lng < 113.7
    assert 34.7 < street.min_lat < street.max_lat < 34.8


def test_it_describes_grids_like_a_real_street(seeded):
    grids = Area.objects.filter(level=Level.GRID)
    comprehensive = grids.filter(grid_kind=GridKind.COMPREHENSIVE)
    assert all(300 <= grid.household_target <= 500 for grid in comprehensive)
    assert all("东至" in grid.address and "北至" in grid.address for grid in grids)
    dedicated = grids.get(grid_kind=GridKind.DEDICATED)
    assert dedicated.served_unit == "郑州市中原区茜城小学"
    assert set(GridTag.objects.values_list("name", flat=True)) >= {
        "志愿型", "平安型", "法治型", "关爱型", "居家养老型", "文明型"
    }
    assert all(grid.tags.exists() for grid in grids)


def test_it_seats_every_duty_on_every_grid_in_duty_order(seeded):
    for grid in Area.objects.filter(level=Level.GRID):
        team = list(grid.team.order_by("sort_order", "id"))
        duties = [member.duty for member in team]
        assert set(duties) == set(Duty.values), grid
        assert duties == sorted(duties, key=Duty.values.index), grid
        assert duties.count(Duty.BUILDING_HEAD) >= 2, grid
        for member in team:
            assert CHINESE_NAME.match(member.name), member
            assert MOBILE.match(member.phone), member
        police = next(member for member in team if member.duty == Duty.POLICE_OFFICER)
        assert police.organisation.kind == OrganisationKind.POLICE
        assistants = [member for member in team if member.duty == Duty.DEPARTMENT_ASSISTANT]
        assert all(member.department for member in assistants)


def test_it_gives_each_micro_grid_its_leader(seeded):
    for micro in Area.objects.filter(level=Level.MICROGRID):
        assert micro.team.filter(duty=Duty.GRID_LEADER).count() == 1


def test_it_links_the_demo_grid_team_to_the_logins(seeded):
    team = TeamMember.objects.filter(area__code=DEMO_GRID)
    for username, duty in [("gridworker", Duty.FULLTIME_WORKER), ("gridleader", Duty.GRID_LEADER),
                           ("buildinghead", Duty.BUILDING_HEAD), ("supervisor", Duty.SUPERVISOR)]:
        user = User.objects.get(username=username)
        seat = team.get(user=user)
        assert seat.duty == duty
        assert seat.name == user.full_name and CHINESE_NAME.match(user.full_name)
    assert RoleAssignment.objects.get(user__username="gridworker").area.code == DEMO_GRID


def test_it_creates_the_organisations_that_handle_cases(seeded):
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds >= {
        OrganisationKind.PROPERTY, OrganisationKind.ENFORCEMENT, OrganisationKind.POWER, OrganisationKind.FIRE,
        OrganisationKind.HOUSING, OrganisationKind.CIVIL_AFFAIRS, OrganisationKind.POLICE,
        OrganisationKind.URBAN_MANAGEMENT, OrganisationKind.JUSTICE, OrganisationKind.MARKET,
    }
    companies = Organisation.objects.filter(kind=OrganisationKind.PROPERTY)
    assert 2 <= companies.count() <= 3
    served = {area.level for company in companies for area in company.service_areas.all()}
    assert served == {Level.COMMUNITY}
    assert all(org.home_area.level in (Level.DISTRICT, Level.STREET) for org in Organisation.objects.all())
    handlers = OrganisationMember.objects.values_list("user__username", "organisation__kind")
    assert set(handlers) == {
        ("depthandler", OrganisationKind.ENFORCEMENT), ("propertyhandler", OrganisationKind.PROPERTY)
    }


def landing_area(response) -> str:  # type: ignore[no-untyped-def]
    """The area a user lands on: the page they are sent to, or the one their work list links to."""
    if response.status_code == 302:
        sent = re.fullmatch(r"/areas/(\d+)/", response["Location"])
    else:
        assert response.status_code == 200
        sent = re.search(r'id="home-area" href="/areas/(\d+)/"', response.content.decode())
    assert sent is not None
    return sent.group(1)


def test_it_creates_one_login_per_role_that_signs_in_and_lands_on_their_work_or_area(seeded, client):
    assigned = RoleAssignment.objects.values_list("role__code", flat=True)
    assert set(assigned) == {code for code, *_ in DEFAULT_ROLES}
    assert User.objects.get(username="areaadmin").is_staff
    assert User.objects.get(username="admin").is_superuser
    for user in User.objects.all():
        assert client.login(username=user.username, password=DEFAULT_PASSWORD), user.username
        code = landing_area(client.get("/"))
        if not user.is_superuser:
            assert code in {a.area.code for a in user.assignments.select_related("area")}, user.username
        client.logout()


def test_it_sends_the_grid_worker_to_their_grid(seeded, client):
    assert client.login(username="gridworker", password=DEFAULT_PASSWORD)
    assert landing_area(client.get("/")) == DEMO_GRID


def test_it_prints_the_logins_the_password_and_a_summary(seeded):
    for username in ["admin", "gridworker", "gridleader", "buildinghead", "supervisor", "communitystaff",
                     "dispatcher", "streetleader", "depthandler", "propertyhandler", "areaadmin"]:
        assert re.search(rf"^\s+{username}\s", seeded, re.MULTILINE), username
    assert DEFAULT_PASSWORD in seeded
    assert re.search(r"communities 4, grids \d+, micro-grids \d+", seeded)


def _state() -> dict[str, object]:
    return {
        "areas": Area.objects.count(),
        "area tags": Area.tags.through.objects.count(),
        "tags": GridTag.objects.count(),
        "organisations": Organisation.objects.count(),
        "service areas": Organisation.service_areas.through.objects.count(),
        "members": OrganisationMember.objects.count(),
        "team": TeamMember.objects.count(),
        "users": User.objects.count(),
        "roles": Role.objects.count(),
        "assignments": RoleAssignment.objects.count(),
        "audit": ChangeLogEntry.objects.count(),
        "last area change": Area.objects.aggregate(last=Max("updated_at"))["last"],
        "last team change": TeamMember.objects.aggregate(last=Max("updated_at"))["last"],
        "last organisation change": Organisation.objects.aggregate(last=Max("updated_at"))["last"],
        "passwords": sorted(User.objects.values_list("password", flat=True)),
    }


def test_it_changes_nothing_when_run_again(seeded):
    before = _state()
    assert before["audit"] > 0
    output = seed()
    assert _state() == before
    assert "already up to date" in output


def test_it_restores_an_edited_demo_record_and_logs_the_change(seeded):
    seat = TeamMember.objects.get(area__code=DEMO_GRID, duty=Duty.PARTTIME_WORKER)
    original = seat.name
    seat.name = "改名字"
    seat.save()
    entries = ChangeLogEntry.objects.count()
    seed()
    seat.refresh_from_db()
    assert seat.name == original
    assert ChangeLogEntry.objects.count() == entries + 1
