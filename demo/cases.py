"""Demo cases (事件) for the demo street: routing rules, the people who act, a year of cases.

``seed_cases`` (called by ``demo.seed``) makes sure of, every run:

* routing rules (派单规则) for the street: each estate's 物业 for problems inside the estates,
  the 综合执法中队, 派出所, 市场监管所, 司法所, 城管局 and 民政局 for theirs;
* the people behind the timelines who are not demo logins: one 网格员 per grid (the person on
  the grid's team board, ``gw-<grid code>``) and one handler per unit without a demo login
  (``handler-NN``). They have no usable password: they exist to act in the stories.

Then, only when the street has no case yet, it tells several hundred case stories
(``demo.case_stories``) spread over the last twelve months through the real transitions,
in every state: most closed and rated (some unhappy, some reopened), some rejected, cancelled,
merged or split, some overdue with their supervision rungs, disputes with mediation sessions,
and a set of recent open cases in the queues of the demo logins (gridleader, gridworker,
communitystaff, dispatcher, propertyhandler, depthandler). Cases are never restored: once the
street has cases the stories are not told again (start from a fresh database to retell them).
"""

from __future__ import annotations

import datetime
import io
import logging
import random
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, OrganisationMember, Role, RoleAssignment, User
from areas.models import Area
from cases.calendar import WorkCalendar
from cases.holidays import seed_holidays
from cases.models import Case, Category, Channel, RoutingRule, Status
from cases.supervision import ladder, warning_percent
from cases.workflow import Photo
from demo import case_texts as texts
from demo import data
from demo.case_stories import Plan, Story, World
from demo.people import mobile_number, person_name
from registry.models import Building

logger = logging.getLogger(__name__)

SEED = "wangge-demo-cases"
HISTORY_CASES = 420
DAYS = 365
ASSIGNED_FROM = datetime.date(2024, 1, 1)

# (category code, area key, organisation name): community rules for the estates' 物业 are added per community.
ESTATE_CATEGORIES = ("stairwell-clutter", "ebike-charging", "fire-exit-blocked", "water-leak", "street-lamp",
                     "pavilion", "fitness-equipment", "pests", "noise")
UNIT_RULES: tuple[tuple[str, str, str], ...] = (
    ("illegal-construction", "street", data.ENFORCEMENT_SQUAD),
    ("parcel-station", "street", data.ENFORCEMENT_SQUAD),
    ("thrown-objects", "street", data.POLICE_STATION),
    ("public-security", "street", data.POLICE_STATION),
    ("vehicles", "street", data.POLICE_STATION),
    ("food-safety", "street", "中原区市场监督管理局航海西路市场监管所"),
    ("neighbour-dispute", "street", "航海西路街道司法所"),
    ("property-dispute", "street", "航海西路街道司法所"),
    ("road-surface", "district", "中原区城市管理局"),
    ("sanitation", "district", "中原区城市管理局"),
    ("assistance", "district", "中原区民政局"),
)
PROPERTY_OF = {"C1": "郑州茜城物业服务有限公司", "C2": "河南锦艺物业管理有限公司", "C3": "郑州通惠物业服务有限公司",
               "C4": "郑州通惠物业服务有限公司"}

CHANNELS_PUBLIC = {Channel.GRID_WORKER: 55, Channel.RESIDENT: 20, Channel.HOTLINE: 12, Channel.WECHAT: 6,
                   Channel.WALK_IN: 5, Channel.LEADER: 2}
CHANNELS_PRIVATE = {Channel.GRID_WORKER: 70, Channel.WALK_IN: 20, Channel.HOTLINE: 10}


def seed_cases(
    areas: dict[str, Area], organisations: dict[str, Organisation], users: dict[str, User],
    *, now: datetime.datetime | None = None,
) -> Counter[str]:
    """Routing rules and story people (every run), and the cases (once); returns rows created."""
    created: Counter[str] = Counter()
    created["派单规则"] += seed_routing(areas, organisations)
    grid_workers, handlers, created["用户"] = seed_people(areas, organisations, users)
    street = areas["street"]
    if not Case.objects.filter(street_code=street.code).exists():
        world = build_world(areas, organisations, users, grid_workers, handlers, now or timezone.now())
        if world is not None:
            tell_stories(world, areas)
            created["事件"] += Case.objects.filter(street_code=street.code).count()
    return +created  # without the zero counts


def tell_stories(world: World, areas: dict[str, Area]) -> None:
    """A year of cases, in the order they were reported (a duplicate needs its original)."""
    seed_holidays(range((world.now - datetime.timedelta(days=DAYS + 30)).year, world.now.year + 1))
    for plan in sorted(plans(world, areas), key=lambda plan: plan.reported_at):
        case = Story(world, with_duplicate(world, plan)).tell()
        if case is not None:
            world.cases.append(case)
    if world.problems:
        logger.warning("Demo case stories cut short: %s", "; ".join(world.problems))


def case_counts(street: Area) -> dict[str, int]:
    cases = Case.objects.filter(street_code=street.code)
    return {"cases": cases.count(), "open cases": cases.open().count()}


# -- routing rules and people -----------------------------------------------------------------

def seed_routing(areas: dict[str, Area], organisations: dict[str, Organisation]) -> int:
    categories = {category.code: category for category in Category.objects.all()}
    wanted: list[tuple[str, Area, Organisation]] = []
    for community, unit_name in PROPERTY_OF.items():
        wanted += [(code, areas[community], organisations[unit_name]) for code in ESTATE_CATEGORIES]
    wanted += [(code, areas[area], organisations[unit_name]) for code, area, unit_name in UNIT_RULES]
    created = 0
    for code, area, unit in wanted:
        if code not in categories:
            continue
        rule = RoutingRule.objects.filter(category=categories[code], area=area).first()
        if rule is None:
            RoutingRule.objects.create(category=categories[code], area=area, organisation=unit)
            created += 1
        elif (rule.organisation_id, rule.is_active) != (unit.pk, True):
            rule.organisation, rule.is_active = unit, True
            rule.save()
    return +created  # without the zero counts


def _story_user(username: str, full_name: str, role: Role, area: Area) -> tuple[User, bool]:
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, full_name=full_name, phone=mobile_number(f"user:{username}"),
                    password=make_password(None))
        user.save()
    if not RoleAssignment.objects.filter(user=user, role=role, area=area).exists():
        RoleAssignment.objects.create(user=user, role=role, area=area, valid_from=ASSIGNED_FROM)
    return user, created


def seed_people(
    areas: dict[str, Area], organisations: dict[str, Organisation], users: dict[str, User],
) -> tuple[dict[str, User], dict[int, User], int]:
    """The grid workers (grid code -> user) and unit handlers (unit id -> user) of the stories."""
    roles = {role.code: role for role in Role.objects.all()}
    made = 0
    grid_workers: dict[str, User] = {}
    for community in data.COMMUNITIES:
        for grid in community.grids:
            area = areas[grid.key]
            if grid.key == data.DEMO_GRID and "gridworker" in users:
                grid_workers[area.code] = users["gridworker"]
                continue
            user, created = _story_user(f"gw-{area.code}", person_name(f"{area.code}:worker"), roles["grid_worker"],
                                        area)
            grid_workers[area.code], made = user, made + created
    handlers: dict[int, User] = {}
    members = OrganisationMember.objects.filter(organisation__in=organisations.values(),
                                                user__username__in=[spec.username for spec in data.LOGINS])
    for member in members.select_related("user"):
        handlers[member.organisation_id] = member.user
    for index, spec in enumerate(data.ORGANISATIONS):
        unit = organisations[spec.name]
        if unit.pk in handlers:
            continue
        role = roles["property_handler" if spec.kind == OrganisationKind.PROPERTY else "department_handler"]
        user, created = _story_user(f"handler-{index:02d}", person_name(f"handler:{spec.name}"), role,
                                    unit.home_area)
        OrganisationMember.objects.get_or_create(organisation=unit, user=user, defaults={"title": "处置人员"})
        handlers[unit.pk], made = user, made + created
    return grid_workers, handlers, made


def build_world(
    areas: dict[str, Area], organisations: dict[str, Organisation], users: dict[str, User],
    grid_workers: dict[str, User], handlers: dict[int, User], now: datetime.datetime,
) -> World | None:
    needed = ("dispatcher", "streetleader", "gridleader", "communitystaff", "areaadmin")
    if any(name not in users for name in needed):
        return None
    buildings: dict[str, list[Any]] = {}
    for building in Building.objects.filter(grid_code__startswith=areas["street"].code[:9]).order_by("pk"):
        buildings.setdefault(building.grid_code[:15], []).append(building)
    return World(
        now=now, rng=random.Random(SEED), calendar=WorkCalendar(),
        categories={category.code: category for category in Category.objects.filter(is_active=True)},
        users={name: users[name] for name in needed}, grid_workers=grid_workers, handlers=handlers,
        property_of={areas[key].code: organisations[name] for key, name in PROPERTY_OF.items()},
        fallback_unit=organisations[data.ENFORCEMENT_SQUAD], buildings=buildings, rungs=ladder(),
        warning=warning_percent(), photos=demo_photos(), demo_grid_code=areas[data.DEMO_GRID].code,
        demo_community_code=areas["C1"].code,
    )


def demo_photos() -> list[Photo]:
    """A few plain 'site photos' (coloured scenes), JPEG without EXIF like every stored photo."""
    from PIL import Image, ImageDraw

    photos = []
    for background, shape in (((176, 190, 197), (121, 85, 72)), ((200, 230, 201), (46, 125, 50)),
                              ((255, 224, 178), (230, 81, 0)), ((207, 216, 220), (69, 90, 100))):
        image = Image.new("RGB", (480, 360), background)
        draw = ImageDraw.Draw(image)
        draw.rectangle((60, 140, 300, 320), fill=shape)
        draw.rectangle((320, 60, 440, 320), outline=shape, width=8)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=70)
        photos.append(Photo(content=buffer.getvalue(), width=480, height=360))
    return photos


# -- plans --------------------------------------------------------------------------------------

@dataclass
class Draw:
    """The random choices of the plans, from one seeded generator."""

    world: World
    grids: list[Area]
    grid_weights: list[int]

    @property
    def rng(self) -> random.Random:
        return self.world.rng

    def grid(self) -> Area:
        return self.rng.choices(self.grids, weights=self.grid_weights)[0]

    def category(self) -> str:
        codes = [code for code in texts.TEXTS if code in self.world.categories]
        return self.rng.choices(codes, weights=[texts.TEXTS[code].weight for code in codes])[0]

    def channel(self, code: str) -> str:
        table = CHANNELS_PUBLIC if self.world.categories[code].public else CHANNELS_PRIVATE
        return self.rng.choices(list(table), weights=list(table.values()))[0]

    def route(self, code: str) -> str:
        routes = texts.TEXTS[code].routes
        return self.rng.choices(list(routes), weights=list(routes.values()))[0]

    def moment(self, days_ago: float, channel: str) -> datetime.datetime:
        """A report time: office hours on a working day for staff, 07–22 any day for residents."""
        now = self.world.now
        day = (now - datetime.timedelta(days=days_ago)).astimezone(self.world.calendar.zone).date()
        if channel != Channel.RESIDENT:
            today = now.astimezone(self.world.calendar.zone).date()
            step = datetime.timedelta(days=1 if day < today - datetime.timedelta(days=10) else -1)
            while not self.world.calendar.is_workday(day):
                day += step
            minutes = self.rng.randint(8 * 60 + 30, 17 * 60 + 30)
        else:
            minutes = self.rng.randint(7 * 60, 22 * 60)
        moment = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), self.world.calendar.zone)
        return min(moment, now - datetime.timedelta(hours=1))

    def working_days_ago(self, days: int) -> datetime.datetime:
        """Mid-morning of the working day ``days`` working days before today (0: today or the last one)."""
        calendar = self.world.calendar
        day = self.world.now.astimezone(calendar.zone).date()
        while not calendar.is_workday(day):
            day -= datetime.timedelta(days=1)
        for _step in range(days):
            day -= datetime.timedelta(days=1)
            while not calendar.is_workday(day):
                day -= datetime.timedelta(days=1)
        minutes = self.rng.randint(9 * 60, 11 * 60)
        moment = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), calendar.zone)
        return min(moment, self.world.now - datetime.timedelta(minutes=30))

    def flags(self, table: dict[str, float]) -> frozenset[str]:
        return frozenset(name for name, chance in table.items() if self.rng.random() < chance)


LATE = {"accept": 0.05, "handle": 0.12, "verify": 0.05}
TWISTS = {"hold": 0.05, "extension": 0.08, "return": 0.04, "rework": 0.06, "unhappy": 0.08, "reopen": 0.5,
          "supervise": 0.4, "assist": 0.25, "unrated": 0.12}


def plans(world: World, areas: dict[str, Area]) -> list[Plan]:
    grids = [areas[grid.key] for community in data.COMMUNITIES for grid in community.grids]
    weights = [(grid.household_target or 150) * (2 if grid.code == world.demo_grid_code else 1) for grid in grids]
    draw = Draw(world, grids, weights)
    return [history_plan(draw) for _ in range(HISTORY_CASES)] + showcase_plans(draw, areas)


def history_plan(draw: Draw) -> Plan:
    """A case from the past year, its ending drawn from the usual mix."""
    code = draw.category()
    channel = draw.channel(code)
    route = draw.route(code)
    roll = draw.rng.random()
    ending, stop_at = "full", ""
    if roll < 0.04:
        ending = "reject"
    elif roll < 0.07 and channel == Channel.RESIDENT:
        ending = "cancel"
    elif roll < 0.11:
        ending = "merge"
    elif roll < 0.125 and channel == Channel.GRID_WORKER:
        ending, code, route = "split", "stairwell-clutter", texts.SELF
    elif roll < 0.14:
        stop_at, route = Status.ON_HOLD, texts.PROPERTY if route == texts.SELF else route
    elif roll < 0.17:
        stop_at, route = Status.HANDLING, texts.PROPERTY if route == texts.SELF else route
    days_ago = draw.rng.uniform(1, DAYS)
    late = draw.flags(LATE) | ({"handle"} if stop_at == Status.HANDLING else set())
    return Plan(reported_at=draw.moment(days_ago, channel), grid=draw.grid(), code=code, channel=channel,
                route=route, ending=ending, stop_at=stop_at, late=frozenset(late), twists=draw.flags(TWISTS))


# (state to stop in, grid key, category, channel, route, working days ago): the demo logins' queues.
SHOWCASE: tuple[tuple[str, str, str, str, str, int], ...] = (
    (Status.REPORTED, "a", "stairwell-clutter", Channel.GRID_WORKER, texts.SELF, 0),
    (Status.REPORTED, "a", "ebike-charging", Channel.GRID_WORKER, texts.SELF, 0),
    (Status.REPORTED, "c", "water-leak", Channel.GRID_WORKER, texts.PROPERTY, 0),
    (Status.REPORTED, "h", "illegal-construction", Channel.HOTLINE, texts.DEPARTMENT, 0),
    (Status.PENDING_DISPATCH, "a", "noise", Channel.GRID_WORKER, texts.PROPERTY, 2),
    (Status.PENDING_DISPATCH, "n", "food-safety", Channel.HOTLINE, texts.DEPARTMENT, 2),
    (Status.PENDING_DISPATCH, "j", "illegal-construction", Channel.WALK_IN, texts.DEPARTMENT, 2),
    (Status.DISPATCHED, "b", "street-lamp", Channel.GRID_WORKER, texts.PROPERTY, 3),
    (Status.DISPATCHED, "a", "fitness-equipment", Channel.GRID_WORKER, texts.PROPERTY, 3),
    (Status.DISPATCHED, "d", "illegal-construction", Channel.GRID_WORKER, texts.DEPARTMENT, 3),
    (Status.DISPATCHED, "k", "parcel-station", Channel.HOTLINE, texts.DEPARTMENT, 3),
    (Status.HANDLING, "a", "water-leak", Channel.GRID_WORKER, texts.PROPERTY, 4),
    (Status.HANDLING, "e", "illegal-construction", Channel.GRID_WORKER, texts.DEPARTMENT, 4),
    (Status.ON_HOLD, "c", "water-leak", Channel.GRID_WORKER, texts.PROPERTY, 6),
    (Status.PENDING_VERIFY, "a", "stairwell-clutter", Channel.GRID_WORKER, texts.PROPERTY, 6),
    (Status.PENDING_VERIFY, "a", "ebike-charging", Channel.GRID_WORKER, texts.SELF, 4),
    (Status.PENDING_VERIFY, "g", "sanitation", Channel.GRID_WORKER, texts.SELF, 5),
    (Status.VERIFIED, "a", "stairwell-clutter", Channel.GRID_WORKER, texts.SELF, 8),
    (Status.VERIFIED, "l", "vehicles", Channel.HOTLINE, texts.DEPARTMENT, 15),
    ("unhappy", "b", "noise", Channel.RESIDENT, texts.PROPERTY, 20),
)


def showcase_plans(draw: Draw, areas: dict[str, Area]) -> list[Plan]:
    found = []
    for stop_at, grid_key, code, channel, route, days_ago in SHOWCASE:
        if code not in draw.world.categories:
            continue
        twists = frozenset({"unhappy", "supervise"}) if stop_at == "unhappy" else frozenset()
        found.append(Plan(
            reported_at=draw.working_days_ago(days_ago), grid=areas[grid_key], code=code,
            channel=channel, route=route, stop_at=stop_at, twists=twists,
        ))
    return found


def with_duplicate(world: World, plan: Plan) -> Plan:
    """A merge plan gets the earlier case it repeats: same grid, reported in the month before and
    done with before this report (so every timeline reads in order); without one it goes on as usual."""
    if plan.ending != "merge":
        return plan
    since = plan.reported_at - datetime.timedelta(days=30)
    finished = {Status.MERGED, Status.CANCELLED, Status.REJECTED, Status.SPLIT}
    for case in reversed(world.cases):
        last = world.last_step.get(case.pk, plan.reported_at)
        if case.grid_code.startswith(plan.grid.code) and since <= case.reported_at and last < plan.reported_at \
                and case.status not in finished:
            channel = plan.channel if case.category.public else Channel.GRID_WORKER
            return replace(plan, code=case.category.code, channel=channel, duplicate_of=case)
    return replace(plan, ending="full")
