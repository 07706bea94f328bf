"""The rows of one street of the generated city: registry (地、人) and cases (事件) with timelines.

``StreetWriter.grid`` draws a grid's buildings, dwellings, households, residents and cases and
hands them to ``demo.bulk.TableWriter``s; ``finish`` flushes what is left and moves the
sequences. Keys are assigned here (from ``next_ids``), so related rows need no round trip.
Distributions follow the demo street (``demo.registry_people``, ``demo.cases``,
``demo.case_texts``): see ``POPULATION``, ``CARE_TAGS``, ``RECENT``/``SETTLED`` below.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from areas.models import Area
from cases.calendar import WorkCalendar, deadline
from cases.models import (
    AssignmentRole,
    AssignmentState,
    Case,
    CaseAssignment,
    CaseEvent,
    Category,
    Channel,
    HandlingLevel,
    Outcome,
    Rating,
    Stage,
    Status,
)
from cases.models.case import TRACKING_ALPHABET
from demo import case_texts as texts
from demo.bulk import TableWriter, next_ids, reset_sequences
from demo.cases import CHANNELS_PRIVATE, CHANNELS_PUBLIC
from demo.people import GIVEN_NAMES, MOBILE_PREFIXES, SURNAMES
from registry.addresses import address_key
from registry.models import Building, CareTag, Dwelling, Household, HouseholdMember, Resident
from registry.pii import document_index, index_value
from registry.validators import id_check_digit

if TYPE_CHECKING:
    from demo.city import CitySize, StreetPeople

BATCH = 20_000
# 人口类型 and household sizes (persons: weight), roughly the demo street's mix.
POPULATION = {"registered": 68, "permanent": 16, "floating": 15, "overseas": 1}
HOUSEHOLD_SIZES = {1: 18, 2: 30, 3: 28, 4: 16, 5: 8}
# Care tags: share of residents (very_old follows from age >= 80).
CARE_TAGS = {"disabled": 0.02, "veteran": 0.02, "subsistence_allowance": 0.015, "living_alone_elderly": 0.03,
             "empty_nest_elderly": 0.04, "special_attention": 0.002, "extreme_poverty": 0.001}
# Where a case ends, by its age: recent cases are still in the queues, older ones settled.
RECENT = {  # reported in the last 2 days
    Status.REPORTED: 30, Status.PENDING_DISPATCH: 20, Status.DISPATCHED: 20, Status.HANDLING: 25,
    Status.PENDING_VERIFY: 5,
}
MONTH = {  # 2 to 30 days ago
    Status.HANDLING: 12, Status.ON_HOLD: 3, Status.PENDING_VERIFY: 6, Status.VERIFIED: 4, Status.CLOSED: 67,
    Status.REJECTED: 4, Status.CANCELLED: 2, Status.MERGED: 2,
}
SETTLED = {Status.CLOSED: 88, Status.REJECTED: 4, Status.CANCELLED: 3, Status.MERGED: 3, Status.ON_HOLD: 1,
           Status.HANDLING: 1}
RATINGS = {Rating.SATISFIED: 72, Rating.BASICALLY: 14, Rating.DISSATISFIED: 5, "": 9}
OUTCOMES = {Outcome.RESOLVED: 85, Outcome.PARTLY: 7, Outcome.EXPLAINED: 5, Outcome.UNTRUE: 3}
LATE = {"accept": 0.05, "dispatch": 0.05, "handle": 0.12, "verify": 0.05, "close": 0.04}
# The order of the workflow: which stages a case went through to reach its status.
REACHED: dict[str, int] = {
    Status.REPORTED: 0, Status.REJECTED: 0, Status.CANCELLED: 0, Status.MERGED: 0,
    Status.PENDING_DISPATCH: 1, Status.DISPATCHED: 2, Status.HANDLING: 3, Status.ON_HOLD: 3,
    Status.PENDING_VERIFY: 4, Status.VERIFIED: 5, Status.CLOSED: 6,
}
UNIT_FOR = {"illegal-construction": OrganisationKind.ENFORCEMENT, "parcel-station": OrganisationKind.ENFORCEMENT,
            "thrown-objects": OrganisationKind.POLICE, "public-security": OrganisationKind.POLICE,
            "vehicles": OrganisationKind.POLICE, "food-safety": OrganisationKind.MARKET,
            "neighbour-dispute": OrganisationKind.JUSTICE, "property-dispute": OrganisationKind.JUSTICE,
            "assistance": OrganisationKind.CIVIL_AFFAIRS}

RESIDENT_COLUMNS = ("id", "grid_id", "grid_code", "name", "gender", "birth_date", "id_number", "id_number_index",
                    "phone", "phone_index", "residency_type", "political_status", "verification_state",
                    "address_sort_key")
CASE_COLUMNS = (
    "id", "number", "tracking_code", "category_id", "description", "channel", "status", "priority", "level",
    "desk_area_id", "longitude", "latitude", "address", "grid_id", "grid_code", "community_code", "street_code",
    "building_id", "reporter_id", "reporter_name", "reporter_phone", "reporter_phone_index", "anonymous",
    "lead_organisation_id", "self_handled", "handler_id", "reported_at", "accept_due_at", "accepted_at",
    "accept_overdue", "dispatch_due_at", "dispatch_overdue", "handle_started_at", "handle_due_at", "handled_at",
    "handle_overdue", "verify_due_at", "verified_at", "verify_overdue", "close_due_at", "close_overdue", "closed_at",
    "stage", "stage_started_at", "stage_due_at", "ever_overdue", "held_at", "held_from", "hold_reason", "outcome",
    "closing_note", "rating", "rated_at", "duplicate_of_id", "created_at", "updated_at",
)
CLOCK_COLUMNS = (
    "accept_due_at", "accepted_at", "accept_overdue", "dispatch_due_at", "dispatch_overdue", "handle_started_at",
    "handle_due_at", "handled_at", "handle_overdue", "verify_due_at", "verified_at", "verify_overdue", "close_due_at",
    "close_overdue", "closed_at",
)
EVENT_COLUMNS = ("case_id", "time", "verb", "actor_id", "actor_label", "from_status", "to_status", "comment", "data",
                 "public", "area_code")


@dataclass
class Vocabulary:
    """The catalogs the rows point at, loaded once."""

    categories: dict[str, Category]
    weights: dict[str, int]
    care_tags: dict[str, int]

    @classmethod
    def load(cls) -> Vocabulary:
        categories = {category.code: category for category in Category.objects.filter(is_active=True)}
        weights = {code: text.weight for code, text in texts.TEXTS.items() if code in categories}
        care_tags = dict(CareTag.objects.values_list("code", "pk"))
        return cls(categories, weights, care_tags)


def pick(rng: random.Random, table: Mapping[Any, float]) -> Any:
    return rng.choices(list(table), weights=list(table.values()))[0]


class StreetWriter:
    """Draws and writes one street's registry and cases, grid by grid."""

    def __init__(self, *, size: CitySize, vocabulary: Vocabulary, now: datetime.datetime, people: StreetPeople,
                 rng: random.Random) -> None:
        self.size, self.vocabulary, self.now, self.people, self.rng = size, vocabulary, now, people, rng
        self.calendar = WorkCalendar()
        self.ids = next_ids(Building, Dwelling, Household, Resident, Case)
        stamp = now
        self.writers = {
            "buildings": TableWriter(Building, ("id", "grid_id", "grid_code", "name", "estate", "address", "kind",
                                                "floors", "unit_count", "property_company_id", "lng", "lat"),
                                     now=stamp),
            "dwellings": TableWriter(Dwelling, ("id", "grid_id", "grid_code", "building_id", "floor", "room", "use"),
                                     now=stamp),
            "residents": TableWriter(Resident, RESIDENT_COLUMNS, now=stamp),
            "households": TableWriter(Household, ("id", "grid_id", "grid_code", "dwelling_id", "head_id"), now=stamp),
            "household members": TableWriter(HouseholdMember, ("household_id", "resident_id", "relation",
                                                               "moved_in_on"), now=stamp),
            "care tags": TableWriter(Resident.care_tags.through, ("resident_id", "caretag_id"), now=stamp),
            "cases": TableWriter(Case, CASE_COLUMNS, now=stamp),
            "assignments": TableWriter(CaseAssignment, ("case_id", "organisation_id", "role", "state", "due_at",
                                                        "dispatched_by_id", "signed_at", "signed_by_id",
                                                        "fed_back_at", "overdue"), now=stamp),
            "case events": TableWriter(CaseEvent, EVENT_COLUMNS, now=stamp),
        }
        # Dependencies first: a flush writes every table in this order.
        self.pending: dict[str, list[tuple[Any, ...]]] = {name: [] for name in self.writers}
        self.rows: Counter[str] = Counter()

    # --- output ---------------------------------------------------------------------------------

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.pending[table].append(row)
        if len(self.pending[table]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        for name, rows in self.pending.items():
            self.rows[name] += self.writers[name].write(rows)
            rows.clear()

    def finish(self) -> None:
        self.flush()
        reset_sequences(Building, Dwelling, Household, Resident, Case, HouseholdMember, CaseAssignment, CaseEvent,
                        Resident.care_tags.through)

    def next_id(self, model: type[Any]) -> int:
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    # --- one grid -------------------------------------------------------------------------------

    def grid(self, grid: Area, *, residents: int, cases: int) -> None:
        buildings = self.registry(grid, residents)
        self.cases(grid, cases, buildings)

    def registry(self, grid: Area, residents: int) -> list[tuple[int, str, str]]:
        rng = self.rng
        community = grid.code[:12]
        estate = f"{grid.name[:2]}{rng.choice(('花园', '小区', '家园', '苑', '新村'))}"
        company = self.people.property_units[community]
        buildings: list[tuple[int, str, str]] = []
        placed = 0
        number = 0
        while placed < residents or not buildings:
            number += 1
            pk = self.next_id(Building)
            name = f"{number}号楼"
            address = f"{grid.address}{estate}{name}"
            lng = (grid.min_lng or 0) + rng.random() * ((grid.max_lng or 0) - (grid.min_lng or 0))
            lat = (grid.min_lat or 0) + rng.random() * ((grid.max_lat or 0) - (grid.min_lat or 0))
            self.add("buildings", (pk, grid.pk, grid.code, name, estate, address, "residential", 6, 2, company.pk,
                                   lng, lat))
            buildings.append((pk, f"{estate}{name}", address))
            for unit in (1, 2):
                for floor in range(1, 7):
                    for door in (1, 2):
                        dwelling = self.next_id(Dwelling)
                        room = f"{unit}-{floor}0{door}"
                        occupied = placed < residents and rng.random() < 0.88
                        use = "owner_occupied" if occupied else "vacant"
                        if occupied and rng.random() < 0.2:
                            use = "rented"
                        self.add("dwellings", (dwelling, grid.pk, grid.code, pk, floor, room, use))
                        if occupied:
                            size = min(residents - placed, pick(rng, HOUSEHOLD_SIZES))
                            key = address_key(estate, name, "", room)
                            placed += self.household(grid, dwelling, size, key)
        return buildings

    def household(self, grid: Area, dwelling: int, size: int, address: str) -> int:
        """A household of ``size`` at the dwelling; ``address`` is its sort key (``registry.addresses``)."""
        rng = self.rng
        household = self.next_id(Household)
        residency = "floating" if rng.random() < 0.12 else pick(rng, POPULATION)
        surname = rng.choice(SURNAMES[:60])
        head_age = round(rng.triangular(22, 95, 45))
        ids = []
        for index in range(size):
            pk = self.next_id(Resident)
            age = head_age if index == 0 else (rng.randint(max(18, head_age - 8), head_age + 5) if index == 1
                                                else rng.randint(0, max(0, head_age - 20)))
            gender = rng.choice("MF")
            born = self.now.date() - datetime.timedelta(days=age * 365 + rng.randrange(365))
            name = (surname if index != 1 else rng.choice(SURNAMES[:60])) + rng.choice(GIVEN_NAMES)
            number = id_number(pk, born, gender)
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" if age >= 16 else ""
            political = "party_member" if age >= 18 and rng.random() < 0.07 else "masses"
            verified = "verified" if rng.random() < 0.7 else "pending"
            self.add("residents", (pk, grid.pk, grid.code, name, gender, born, number,
                                   document_index("id_card", number), phone, index_value("phone", phone),
                                   "overseas" if residency == "overseas" else residency, political, verified,
                                   address))
            relation = "head" if index == 0 else ("spouse" if index == 1 else "child")
            self.add("household members", (household, pk, relation, born if age < 1 else datetime.date(2015, 1, 1)))
            for code in self.tags(age, size):
                self.add("care tags", (pk, self.vocabulary.care_tags[code]))
            ids.append(pk)
        self.add("households", (household, grid.pk, grid.code, dwelling, ids[0]))
        return size

    def tags(self, age: int, size: int) -> list[str]:
        wanted = ["very_old"] if age >= 80 else []
        for code, share in CARE_TAGS.items():
            if code in ("living_alone_elderly", "empty_nest_elderly"):
                fits = age >= 60 and (size == 1) == (code == "living_alone_elderly")
                if fits and self.rng.random() < share * 4:
                    wanted.append(code)
            elif self.rng.random() < share:
                wanted.append(code)
        return [code for code in wanted if code in self.vocabulary.care_tags]

    # --- cases ----------------------------------------------------------------------------------

    def cases(self, grid: Area, count: int, buildings: list[tuple[int, str, str]]) -> None:
        vocabulary, rng = self.vocabulary, self.rng
        days = self.size.years * 365
        previous: int | None = None
        for _ in range(count):
            code = pick(rng, vocabulary.weights)
            age_days = rng.uniform(0.05, days)
            reported = self.now - datetime.timedelta(days=age_days)
            table = RECENT if age_days < 2 else (MONTH if age_days < 30 else SETTLED)
            status = pick(rng, table)
            if status == Status.MERGED and previous is None:
                status = Status.REJECTED
            building = rng.choice(buildings)
            previous = self.case(grid, vocabulary.categories[code], status, reported, building, previous)

    def case(self, grid: Area, category: Category, status: str, reported: datetime.datetime,
             building: tuple[int, str, str], previous: int | None) -> int:
        rng, people = self.rng, self.people
        text = texts.TEXTS[category.code]
        route = pick(rng, text.routes)
        channel = pick(rng, CHANNELS_PUBLIC if category.public else CHANNELS_PRIVATE)
        pk = self.next_id(Case)
        number = f"{timezone.localtime(reported):%Y%m%d}{pk:06d}"
        tracking = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(10))
        community, street = grid.code[:12], grid.code[:9] + "000"
        worker, staff = people.workers[grid.code], people.staff[community]
        level, desk = {texts.SELF: (HandlingLevel.GRID, grid.pk),
                       texts.PROPERTY: (HandlingLevel.COMMUNITY, grid.parent_id),
                       texts.DEPARTMENT: (HandlingLevel.STREET, people.street_id)}[route]
        desk_user = {texts.SELF: people.leaders[grid.code], texts.PROPERTY: staff,
                     texts.DEPARTMENT: people.dispatcher}[route]
        unit = self.unit(route, category.code, community)
        handler = worker if unit is None else people.handlers[unit.pk]
        public = channel == Channel.RESIDENT
        reporter_phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" if public else ""
        clock = Timeline(self, category, reported, rng)
        if unit is None and status == Status.DISPATCHED:
            status = Status.HANDLING  # a grid's own case is never waiting for a unit's signature
        stages = clock.run(REACHED[status], status, self_handled=unit is None)
        events = clock.events
        row: dict[str, Any] = {
            "id": pk, "number": number, "tracking_code": tracking, "category_id": category.pk,
            "description": rng.choice(text.reports).replace("{place}", building[1]), "channel": channel,
            "status": status, "priority": category.priority, "level": level, "desk_area_id": desk,
            "longitude": None, "latitude": None, "address": building[2], "grid_id": grid.pk, "grid_code": grid.code,
            "community_code": community, "street_code": street, "building_id": building[0],
            "reporter_id": None if public else worker.pk,
            "reporter_name": f"{rng.choice(SURNAMES[:40])}女士" if public else "",
            "reporter_phone": reporter_phone, "reporter_phone_index": index_value("phone", reporter_phone),
            "anonymous": False, "lead_organisation_id": unit.pk if unit and REACHED[status] >= 2 else None,
            "self_handled": unit is None and REACHED[status] >= 3,
            "handler_id": worker.pk if unit is None and REACHED[status] >= 3 else None,
            "held_at": None, "held_from": "", "hold_reason": "", "outcome": "", "closing_note": "", "rating": "",
            "rated_at": None, "reported_at": reported, "duplicate_of_id": previous if status == Status.MERGED else None,
            "created_at": reported, "updated_at": clock.moment,
            **stages,
        }
        if status == Status.ON_HOLD:
            row.update(held_at=clock.moment, held_from=Status.HANDLING, hold_reason=rng.choice(texts.HOLD_REASONS))
        if status == Status.CLOSED:
            outcome = pick(rng, OUTCOMES)
            rating = pick(rng, RATINGS) if public or rng.random() < 0.6 else ""
            row.update(outcome=outcome, closing_note=texts.OUTCOME_NOTES[outcome], rating=rating,
                       rated_at=clock.later(8) if rating else None)
        if REACHED[status] >= 2 and unit is not None:
            signed = stages["handle_started_at"] if REACHED[status] >= 3 else None
            state = {2: AssignmentState.DISPATCHED, 3: AssignmentState.SIGNED}.get(REACHED[status],
                                                                                   AssignmentState.FED_BACK)
            self.add("assignments", (pk, unit.pk, AssignmentRole.LEAD, state, stages["handle_due_at"],
                                     desk_user.pk, signed, handler.pk if signed else None, stages["handled_at"],
                                     stages["handle_overdue"]))
        self.add("cases", tuple(row[name] for name in CASE_COLUMNS))
        actors = {"report": worker if not public else None, "accept": desk_user, "dispatch": desk_user,
                  "self_handle": worker, "sign": handler, "feedback": handler, "verify": worker, "close": desk_user,
                  "reject": desk_user, "cancel": desk_user, "merge": desk_user, "hold": desk_user, "rate": None}
        for verb, moment, before, after in events + self.ending(status, clock, unit, row):
            actor = actors[verb]
            data: dict[str, Any] = {}
            if verb == "dispatch" and unit is not None:
                data = {"lead": unit.pk, "lead_name": unit.name}
            elif verb == "verify":
                data = {"passed": True}
            elif verb == "close":
                data = {"outcome": row["outcome"]}
            elif verb == "rate":
                data = {"rating": row["rating"]}
            elif verb == "merge" and previous is not None:
                data = {"into": f"{timezone.localtime(reported):%Y%m%d}{previous:06d}"}
            self.add("case events", (pk, moment, verb, actor.pk if actor else None,
                                     actor.full_name if actor else "反映人", before, after, "", data,
                                     verb in ("report", "accept", "dispatch", "self_handle", "feedback", "close",
                                              "rate", "reject"), grid.code))
        return pk

    def unit(self, route: str, code: str, community: str) -> Organisation | None:
        if route == texts.SELF:
            return None
        if route == texts.PROPERTY:
            return self.people.property_units[community]
        return self.people.units[UNIT_FOR.get(code, OrganisationKind.URBAN_MANAGEMENT)]

    def ending(self, status: str, clock: Timeline, unit: Organisation | None,
               row: dict[str, Any]) -> list[tuple[str, datetime.datetime, str, str]]:
        verbs: dict[str, str] = {Status.REJECTED: "reject", Status.CANCELLED: "cancel", Status.MERGED: "merge",
                 Status.ON_HOLD: "hold"}
        if status in verbs:
            before = Status.HANDLING if status == Status.ON_HOLD else Status.REPORTED
            return [(verbs[status], clock.later(24), before, status)]
        if status == Status.CLOSED and row["rating"]:
            return [("rate", row["rated_at"], Status.CLOSED, Status.CLOSED)]
        return []


def id_number(pk: int, born: datetime.date, gender: str) -> str:
    """A GB 11643 number unique per resident key: the key picks the region and the sequence."""
    block, sequence = divmod(pk, 499)
    region = f"{11 + (block // 10_000) % 80:02d}{block % 10_000:04d}"
    serial = (sequence + 1) * 2 - (1 if gender == "F" else 0)
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


class Timeline:
    """The stage clocks of one case, advanced stage by stage with the category's limits.

    Each stage ends after a share of its time limit (late with the ``LATE`` odds), never after
    ``now``; the stage the case stops in keeps running (``stage``/``stage_due_at``).
    """

    STAGES = (  # (stage, the verb that ends it, status before, status after, due column, done column)
        (Stage.ACCEPT, "accept", Status.REPORTED, Status.PENDING_DISPATCH, "accept_due_at", "accepted_at"),
        (Stage.DISPATCH, "dispatch", Status.PENDING_DISPATCH, Status.DISPATCHED, "dispatch_due_at", ""),
        (Stage.HANDLE, "sign", Status.DISPATCHED, Status.HANDLING, "handle_due_at", ""),
        (Stage.HANDLE, "feedback", Status.HANDLING, Status.PENDING_VERIFY, "", "handled_at"),
        (Stage.VERIFY, "verify", Status.PENDING_VERIFY, Status.VERIFIED, "verify_due_at", "verified_at"),
        (Stage.CLOSE, "close", Status.VERIFIED, Status.CLOSED, "close_due_at", "closed_at"),
    )

    def __init__(self, owner: StreetWriter, category: Category, reported: datetime.datetime,
                 rng: random.Random) -> None:
        self.owner, self.category, self.moment, self.rng = owner, category, reported, rng
        self.events: list[tuple[str, datetime.datetime, str, str]] = [("report", reported, "", Status.REPORTED)]

    def due(self, column: str, start: datetime.datetime) -> datetime.datetime:
        category, calendar = self.category, self.owner.calendar
        amount, unit = {
            "accept_due_at": (category.accept_hours, "working_hours"),
            "dispatch_due_at": (category.dispatch_hours, "working_hours"),
            "handle_due_at": (category.handle_amount, category.handle_unit),
            "verify_due_at": (category.verify_hours, "working_hours"),
            "close_due_at": (category.close_hours, "working_hours"),
        }[column]
        return deadline(start, amount, unit, calendar)

    def later(self, hours: float) -> datetime.datetime:
        return min(self.moment + datetime.timedelta(hours=self.rng.uniform(0.2, hours)), self.owner.now)

    def run(self, reached: int, status: str, *, self_handled: bool) -> dict[str, Any]:
        values: dict[str, Any] = dict.fromkeys(CLOCK_COLUMNS)
        values.update(stage="", stage_started_at=None, stage_due_at=None, ever_overdue=False)
        now = self.owner.now
        started = self.moment
        due: datetime.datetime | None = None
        for index, (stage, verb, before, after, due_column, done_column) in enumerate(self.STAGES):
            if due_column:
                started = self.moment
                due = self.due(due_column, started)
                values[due_column] = due
            assert due is not None
            if index >= reached:  # the running stage
                if status in FINAL_OR_HELD:
                    break
                values.update(stage=stage, stage_started_at=started, stage_due_at=due)
                values["ever_overdue"] = values["ever_overdue"] or due < now
                break
            if index == 2:  # the handle clock starts at dispatch (or self_handle), not at signing
                values["handle_started_at"] = started
            if self_handled and index == 2:
                continue
            if self_handled and index == 1:
                verb, after = "self_handle", Status.HANDLING
            late = self.rng.random() < LATE.get(stage, 0)
            span = (due - started) * (self.rng.uniform(1.05, 1.6) if late else self.rng.uniform(0.1, 0.9))
            self.moment = min(started + span, now - datetime.timedelta(minutes=1)) if index != 2 else \
                min(self.moment + datetime.timedelta(minutes=self.rng.randint(5, 240)), now)
            if done_column:
                values[done_column] = self.moment
            if stage != Stage.HANDLE or verb == "feedback":
                overdue = self.moment > due
                values[f"{stage}_overdue"] = overdue
                values["ever_overdue"] = values["ever_overdue"] or overdue
            self.events.append((verb, self.moment, before, after))
        if status == Status.CLOSED:
            values["closed_at"] = values["closed_at"] or self.moment
        return values


FINAL_OR_HELD = frozenset({Status.REJECTED, Status.CANCELLED, Status.MERGED, Status.ON_HOLD})
