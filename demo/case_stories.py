"""The life of one demo case, told through the real transitions with ``now=`` in the past.

A ``Story`` reports a case and walks it on — accept, escalate, dispatch, sign, feed back,
verify, close, rate — with each step a plausible time after the last: within the stage's time
limit, or past it when the plan says the stage runs late. Before each step the supervision
worker's rungs that fell due in between are issued at their own times (``climb``), so an
overdue stage carries its 预警, 超期, 催办, 黄牌 and 红牌 entries. A step that would happen after
the cut-off (a few minutes before the real now) is not taken: the case stays where it is,
open, and the rungs due until the cut-off are issued.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max

from accounts.models import Organisation, User
from areas.models import Area
from cases import disputes, followup
from cases import transitions as t
from cases.calendar import WorkCalendar
from cases.models import (
    Case,
    Category,
    Channel,
    DeadlineUnit,
    DisputeKind,
    DisputeResult,
    HandlingLevel,
    Outcome,
    PartyRole,
    Rating,
    Stage,
    Status,
)
from cases.routing import route_for
from cases.supervision import SUPERVISED_STATUSES, Rung, climb
from cases.workflow import REPORTER, ActionRefused, Actor, Photo
from demo import case_texts as texts
from demo.people import mobile_number, person_name

RESIDENT_CHANNELS = (Channel.RESIDENT,)
STAFF_CHANNELS = (Channel.HOTLINE, Channel.WECHAT, Channel.WALK_IN, Channel.LEADER)


class Stop(Exception):
    """The next step would happen after the cut-off: the case stays open where it is."""


@dataclass
class World:
    """Everything the stories share: the people, the units, the calendar and the randomness."""

    now: datetime.datetime
    rng: random.Random
    calendar: WorkCalendar
    categories: dict[str, Category]
    users: dict[str, User]
    grid_workers: dict[str, User]
    handlers: dict[int, User]
    property_of: dict[str, Organisation]
    fallback_unit: Organisation
    buildings: dict[str, list[Any]]
    rungs: list[Rung]
    warning: int
    photos: list[Photo]
    demo_grid_code: str
    demo_community_code: str
    cases: list[Case] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    last_step: dict[int, datetime.datetime] = field(default_factory=dict)

    @property
    def cutoff(self) -> datetime.datetime:
        return self.now - datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Plan:
    """How one case goes: where, what, by which channel and route, which stages run late, and the
    twists of its life (hold, extension, return, rework, unhappy rating, manual supervision…)."""

    reported_at: datetime.datetime
    grid: Area
    code: str
    channel: str
    route: str
    ending: str = "full"  # full, reject, cancel, merge, split
    stop_at: str = ""  # stay open in this state
    late: frozenset[str] = frozenset()
    twists: frozenset[str] = frozenset()
    duplicate_of: Case | None = None


class Story:
    def __init__(self, world: World, plan: Plan) -> None:
        self.world, self.plan, self.rng = world, plan, world.rng
        self.t = plan.reported_at
        self.case: Case | None = None
        self.place = ""

    @property
    def current(self) -> Case:
        """The case as the last step left it (there is one once it is reported)."""
        assert self.case is not None
        return self.case

    # -- time ------------------------------------------------------------------------------

    def advance(self, moment: datetime.datetime) -> None:
        """Move the clock to ``moment``, issuing the supervision rungs due on the way."""
        moment = max(moment, self.t + datetime.timedelta(minutes=1))
        self.supervise_until(min(moment, self.world.cutoff))
        if moment > self.world.cutoff:
            raise Stop
        self.t = moment

    def supervise_until(self, limit: datetime.datetime) -> None:
        case = self.case
        if case is None or case.status not in SUPERVISED_STATUSES or not case.stage or not case.stage_due_at:
            return
        assert case.stage_started_at is not None
        span = case.stage_due_at - case.stage_started_at
        for percent in sorted({self.world.warning, *(rung.percent for rung in self.world.rungs)}):
            moment = case.stage_started_at + span * percent / 100
            if self.t < moment <= limit:
                case.refresh_from_db(fields=["supervision_rank", "warned_at", "version", "ever_overdue"])
                climb(case, now=moment, rungs=self.world.rungs, warning=self.world.warning)

    def working(self, start: datetime.datetime, seconds: float) -> datetime.datetime:
        return self.world.calendar.add(start, seconds)

    def within(self, due: datetime.datetime | None, *, late: bool, unit: str = DeadlineUnit.WORKING_HOURS,
               start: datetime.datetime | None = None) -> datetime.datetime:
        """A moment in the stage: before ``due`` (12–80 % of it), or after it when ``late``."""
        start = start or self.t
        fraction = self.rng.uniform(1.1, 2.4) if late else self.rng.uniform(0.12, 0.8)
        if due is None:
            return self.soon(60, 240)
        if unit == DeadlineUnit.CALENDAR_HOURS:
            return start + (due - start) * fraction
        available = self.world.calendar.between(start, due)
        return self.working(start, max(available, 1800) * fraction)

    def soon(self, low: int = 5, high: int = 45) -> datetime.datetime:
        """A few working minutes later (the same person doing the next thing)."""
        return self.working(self.t, self.rng.uniform(low, high) * 60)

    def resident_later(self, low_hours: float = 2, high_hours: float = 48) -> datetime.datetime:
        """Residents answer in their own time, evenings and weekends included (not at night)."""
        moment = (self.t + datetime.timedelta(hours=self.rng.uniform(low_hours, high_hours))).astimezone(
            self.world.calendar.zone)
        if moment.hour < 7 or moment.hour >= 23:
            morning = moment.date() + datetime.timedelta(days=1 if moment.hour >= 23 else 0)
            moment = datetime.datetime.combine(morning, datetime.time(7, self.rng.randint(0, 59)), moment.tzinfo)
        return moment

    def stage_limit(self) -> tuple[datetime.datetime | None, str]:
        case = self.case
        assert case is not None
        unit = case.category.handle_unit if case.stage == Stage.HANDLE else DeadlineUnit.WORKING_HOURS
        return case.stage_due_at, str(unit)

    def in_stage(self, stage: str) -> datetime.datetime:
        due, unit = self.stage_limit()
        return self.within(due, late=stage in self.plan.late, unit=unit)

    # -- people ----------------------------------------------------------------------------

    def user(self, username: str) -> User:
        return self.world.users[username]

    @property
    def grid_code(self) -> str:
        return self.plan.grid.code

    def grid_worker(self) -> User:
        return self.world.grid_workers[self.grid_code]

    def desk(self) -> User:
        """Who decides at the case's desk: the 网格长 of the demo grid, the community staff of
        茜城花园社区, else the street dispatcher (who holds the desk of every area of the street)."""
        case = self.case
        assert case is not None
        if case.level == HandlingLevel.GRID and self.grid_code == self.world.demo_grid_code:
            return self.user("gridleader")
        grid_desks = (HandlingLevel.GRID, HandlingLevel.COMMUNITY)
        if case.level in grid_desks and self.grid_code[:12] == self.world.demo_community_code:
            return self.user("communitystaff")
        if case.level == HandlingLevel.DISTRICT:
            return self.user("areaadmin")
        return self.user("dispatcher")

    def verifier(self) -> Actor:
        if self.plan.channel in RESIDENT_CHANNELS and self.rng.random() < 0.4:
            return REPORTER
        if self.case is not None and self.case.self_handled:
            return self.desk()  # 小事不出网格 is checked by someone other than the worker who did it
        return self.grid_worker()

    def caller(self) -> User | None:
        """Who records a call-back (回访): someone at the desk who did not handle, verify or close it."""
        case = self.current
        for name in ("communitystaff", "gridleader", "dispatcher"):
            if t.may(case, self.user(name), "callback"):
                return self.user(name)
        return None

    def handler(self, unit: Organisation) -> User:
        return self.world.handlers[unit.pk]

    # -- the story -------------------------------------------------------------------------

    def tell(self) -> Case | None:
        """Report the case and take it as far as its plan and the cut-off allow."""
        try:
            self.report()
            self.decide()
        except Stop:
            pass
        except (ActionRefused, ValidationError) as error:
            # Not expected: the plans only take allowed steps. Counted so tests can insist on none.
            self.world.problems.append(f"{self.plan.code} {self.case.number if self.case else '-'}: {error}")
        self.supervise_until(self.world.cutoff)
        if self.case is not None:
            # The rungs issued up to the cut-off may come after the last step.
            latest = self.case.events.aggregate(latest=Max("time"))["latest"]
            self.world.last_step[self.case.pk] = max(self.t, latest or self.t)
        return self.case

    def report(self) -> None:
        plan, world = self.plan, self.world
        category = world.categories[plan.code]
        text = texts.TEXTS[plan.code]
        building = self.rng.choice(world.buildings[self.grid_code]) if world.buildings.get(self.grid_code) else None
        self.place = f"{building.estate}{building.name}" if building else plan.grid.address.split("（")[0]
        description = plan.duplicate_of.description if plan.duplicate_of else \
            self.rng.choice(text.reports).format(place=self.place)
        values: dict[str, Any] = {
            "category": category, "description": description, "channel": plan.channel, "grid": plan.grid,
            "address": (building.address if building else plan.grid.name)[:200], "building": building,
            "attributes": self.attributes(category), "now": plan.reported_at,
        }
        if building is not None and building.lng is not None:
            values.update(longitude=building.lng, latitude=building.lat)
        key = f"demo-case:{len(world.cases)}"
        if plan.channel in (*RESIDENT_CHANNELS, *STAFF_CHANNELS) and self.rng.random() < 0.8:
            values.update(reporter_name=person_name(key), reporter_phone=mobile_number(key))
        elif plan.channel in RESIDENT_CHANNELS:
            values["anonymous"] = True
        if plan.channel in STAFF_CHANNELS and plan.route == texts.SELF:
            values["level"] = HandlingLevel.GRID  # recorded at the centre, passed to the grid (转网格办理)
        if plan.channel in (Channel.GRID_WORKER, *RESIDENT_CHANNELS) and self.rng.random() < 0.5:
            values["photos"] = [self.rng.choice(world.photos)]
        actor: Actor = self.grid_worker() if plan.channel == Channel.GRID_WORKER else (
            REPORTER if plan.channel in RESIDENT_CHANNELS else self.user("dispatcher"))
        self.case = t.case_report(actor=actor, **values)

    def attributes(self, category: Category) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for attribute in category.attributes.all():
            options = attribute.option_list
            if attribute.kind == "number":
                answers[attribute.code] = self.rng.randint(2, 18) if "floor" in attribute.code else \
                    self.rng.randint(6, 45)
            elif attribute.kind == "date":
                answers[attribute.code] = (self.plan.reported_at.date() - datetime.timedelta(
                    days=self.rng.randint(0, 3))).isoformat()
            elif attribute.kind == "choice" and options:
                answers[attribute.code] = self.rng.choice(options)
            elif attribute.kind == "multiple" and options:
                answers[attribute.code] = sorted(self.rng.sample(options, self.rng.randint(1, min(2, len(options)))))
            elif attribute.code == "plate":
                answers[attribute.code] = "豫A" + "".join(self.rng.choice(texts.PLATES) for _ in range(5))
            elif attribute.code == "shop":
                answers[attribute.code] = self.rng.choice(texts.SHOPS)
        return answers

    def decide(self) -> None:
        plan = self.plan
        if plan.stop_at == Status.REPORTED:
            raise Stop
        if plan.ending == "cancel":
            self.advance(self.resident_later(1, 6))
            self.case = t.case_cancel(case=self.current, actor=REPORTER, reason="问题已自行解决。", now=self.t)
            return
        self.advance(self.in_stage("accept"))
        if plan.ending == "reject":
            reason = self.rng.choice(texts.REJECT_REASONS)
            self.case = t.case_reject(case=self.current, actor=self.desk(), reason=reason, now=self.t)
            return
        if plan.ending == "merge" and plan.duplicate_of is not None:
            self.case = t.case_merge(case=self.current, actor=self.desk(), into=plan.duplicate_of,
                                     comment="与此前上报的事件为同一问题。", now=self.t)
            return
        self.case = t.case_accept(case=self.current, actor=self.desk(), now=self.t)
        if plan.stop_at == Status.PENDING_DISPATCH:
            raise Stop
        if plan.ending == "split":
            self.split()
            return
        self.handle(plan.route)

    def split(self) -> None:
        self.advance(self.soon())
        parts = [(self.world.categories["stairwell-clutter"], f"{self.place}楼道堆放杂物。"),
                 (self.world.categories["ebike-charging"], f"{self.place}楼道内电动车充电。")]
        children = t.case_split(case=self.current, actor=self.desk(), parts=parts, now=self.t)
        self.case = Case.objects.get(pk=self.case.pk) if self.case else None
        for child in children:
            story = Story(self.world, Plan(reported_at=self.t, grid=self.plan.grid, code=child.category.code,
                                           channel=self.plan.channel, route=texts.SELF))
            story.case, story.place = child, self.place
            with contextlib.suppress(Stop):
                story.handle(texts.SELF)
            story.supervise_until(self.world.cutoff)
            self.world.cases.append(story.case or child)

    # -- handling --------------------------------------------------------------------------

    def handle(self, route: str) -> None:
        case = self.case
        assert case is not None
        if route == texts.SELF and case.level == HandlingLevel.GRID:
            self.self_handle()
        else:
            self.dispatch(texts.DEPARTMENT if route == texts.SELF else route)
        self.verify()
        self.close()
        self.rate()

    def self_handle(self) -> None:
        self.advance(self.soon(10, 90))
        self.case = t.case_self_handle(case=self.current, actor=self.grid_worker(), now=self.t)
        if self.case.category.is_dispute:
            self.mediate(self.grid_worker())
        self.feedback(self.grid_worker())

    def dispatch(self, route: str) -> None:
        target = HandlingLevel.COMMUNITY if route == texts.PROPERTY else HandlingLevel.STREET
        while self.case is not None and self.case.level > target:
            self.advance(self.soon(20, 120))
            actor = self.grid_worker() if self.case.level == HandlingLevel.GRID else self.desk()
            self.case = t.case_escalate(case=self.current, actor=actor, reason="需要上级协调派单处置。", now=self.t)
        lead = self.lead_unit(route)
        self.send_to(lead, self.assists(route, lead))
        if self.plan.stop_at == Status.DISPATCHED:
            raise Stop
        self.advance(self.working(self.t, self.rng.uniform(0.3, 6) * 3600))
        self.case = t.case_sign(case=self.current, actor=self.handler(lead), now=self.t)
        for unit in self.assisting():
            self.advance(self.soon(5, 60))
            self.case = t.case_sign(case=self.current, actor=self.handler(unit), now=self.t)
        if "return" in self.plan.twists:
            self.advance(self.soon(30, 240))
            self.case = t.case_return(case=self.current, actor=self.handler(lead),
                                      reason=self.rng.choice(texts.RETURN_REASONS), now=self.t)
            lead = self.world.fallback_unit if lead != self.world.fallback_unit else self.property_unit()
            self.send_to(lead, [])
            self.advance(self.working(self.t, self.rng.uniform(0.3, 4) * 3600))
            self.case = t.case_sign(case=self.current, actor=self.handler(lead), now=self.t)
        self.twists(lead)
        if self.case.category.is_dispute:
            self.mediate(self.user("dispatcher"), mediator=self.handler(lead))
        self.feedback(self.handler(lead))

    def send_to(self, lead: Organisation, assists: list[Organisation]) -> None:
        self.advance(self.soon(20, 240))
        self.case = t.case_dispatch(case=self.current, actor=self.desk(), lead=lead, assists=assists,
                                    comment="请按时限办理并反馈。", now=self.t)

    def lead_unit(self, route: str) -> Organisation:
        assert self.case is not None
        routed = route_for(self.case.category, self.case.grid)
        if routed is not None and routed.pk in self.world.handlers:
            return routed
        return self.property_unit() if route == texts.PROPERTY else self.world.fallback_unit

    def property_unit(self) -> Organisation:
        return self.world.property_of.get(self.grid_code[:12], self.world.fallback_unit)

    def assists(self, route: str, lead: Organisation) -> list[Organisation]:
        if route != texts.DEPARTMENT or "assist" not in self.plan.twists:
            return []
        helper = self.property_unit()
        return [helper] if helper.pk != lead.pk else []

    def assisting(self) -> list[Organisation]:
        assert self.case is not None
        return [assignment.organisation for assignment in self.case.assignments.select_related("organisation")
                if assignment.role == "assist" and assignment.state == "dispatched"]

    def twists(self, lead: Organisation) -> None:
        plan = self.plan
        if "hold" in plan.twists or plan.stop_at == Status.ON_HOLD:
            self.advance(self.soon(60, 480))
            self.case = t.case_hold(case=self.current, actor=self.desk(), reason=self.rng.choice(texts.HOLD_REASONS),
                                    now=self.t)
            if plan.stop_at == Status.ON_HOLD:
                raise Stop
            self.advance(self.working(self.t, self.rng.uniform(2, 8) * self.world.calendar.day_seconds))
            self.case = t.case_resume(case=self.current, actor=self.desk(), comment="条件已具备，恢复办理。",
                                      now=self.t)
        if "extension" in plan.twists:
            self.advance(self.soon(60, 600))
            t.case_request_extension(case=self.current, actor=self.handler(lead), extra_days=self.rng.randint(2, 5),
                                     reason=self.rng.choice(texts.EXTENSION_REASONS), now=self.t)
            self.advance(self.soon(30, 300))
            approve = self.rng.random() < 0.8
            self.case = t.case_decide_extension(case=self.current, actor=self.desk(), approve=approve,
                                                note="" if approve else "时限内应能完成，请抓紧办理。", now=self.t)
        if plan.stop_at == Status.HANDLING:
            due = self.current.handle_due_at
            if "supervise" in plan.twists and due is not None and due < self.world.cutoff:
                self.advance(due + (self.world.cutoff - due) / 3)
                t.case_supervise(case=self.current, actor=self.user("streetleader"), kind="yellow",
                                 comment=self.rng.choice(texts.SUPERVISION_COMMENTS), now=self.t)
            raise Stop

    def feedback(self, actor: User) -> None:
        moment = self.in_stage("handle")
        case = self.case
        assert case is not None
        if "supervise" in self.plan.twists and case.handle_due_at and moment > case.handle_due_at:
            self.advance(case.handle_due_at + (moment - case.handle_due_at) / 2)
            t.case_supervise(case=case, actor=self.user("streetleader"), kind=self.rng.choice(["reminder", "yellow"]),
                             comment=self.rng.choice(texts.SUPERVISION_COMMENTS), now=self.t)
            case.refresh_from_db(fields=["version"])
        self.advance(moment)
        note = self.rng.choice(texts.TEXTS[case.category.code].feedback)
        photos = [self.rng.choice(self.world.photos)] if self.rng.random() < 0.6 else []
        self.case = t.case_feedback(case=self.current, actor=actor, comment=note, after_photos=photos, now=self.t)
        if self.plan.stop_at == Status.PENDING_VERIFY:
            raise Stop

    def verify(self) -> None:
        if "rework" in self.plan.twists:
            self.advance(self.in_stage("verify"))
            self.case = t.case_verify(case=self.current, actor=self.verifier_on_site(), passed=False,
                                      comment="现场查看问题仍未彻底解决，请重新处置。", now=self.t)
            actor = self.grid_worker() if self.case.self_handled else self.handler(self.lead_of_case())
            self.feedback(actor)
        verifier = self.verifier()
        self.advance(self.resident_later(2, 30) if verifier is REPORTER else self.in_stage("verify"))
        self.case = t.case_verify(case=self.current, actor=verifier, passed=True, comment="现场核查，问题已解决。",
                                  now=self.t)
        if self.plan.stop_at == Status.VERIFIED:
            raise Stop

    def verifier_on_site(self) -> User:
        assert self.case is not None
        return self.desk() if self.case.self_handled else self.grid_worker()

    def lead_of_case(self) -> Organisation:
        assert self.case is not None and self.case.lead_organisation is not None
        return self.case.lead_organisation

    def close(self) -> None:
        self.advance(self.soon(30, 600))
        outcome = self.rng.choices([Outcome.RESOLVED, Outcome.PARTLY, Outcome.EXPLAINED, Outcome.UNTRUE],
                                   weights=[86, 6, 5, 3])[0]
        self.case = t.case_close(case=self.current, actor=self.desk(), outcome=outcome,
                                 note=texts.OUTCOME_NOTES[outcome], now=self.t)
        if self.case.category.is_dispute:
            self.follow_up()

    def rate(self) -> None:
        if "unrated" in self.plan.twists or self.plan.channel == Channel.GRID_WORKER:
            return  # a grid worker's own report has no resident to ask (cases.rules._rater)
        # The resident rates with the tracking code; otherwise someone at the desk who had no part in
        # the work calls back (回访), marked as such (cases.rules._caller); when nobody may, the
        # resident rates after all.
        caller = None if self.plan.channel in RESIDENT_CHANNELS and self.rng.random() < 0.85 else self.caller()
        self.advance(self.soon(60, 900) if caller else self.resident_later(3, 72))
        unhappy = "unhappy" in self.plan.twists
        rating = Rating.DISSATISFIED if unhappy else self.rng.choices(
            [Rating.SATISFIED, Rating.BASICALLY], weights=[78, 22])[0]
        comment = self.rng.choice(texts.UNHAPPY_COMMENTS) if unhappy else ""
        if caller is not None:
            self.case = followup.case_callback(case=self.current, actor=caller, rating=rating, called_at=self.t,
                                               comment=comment, now=self.t)
        else:
            self.case = t.case_rate(case=self.current, actor=REPORTER, rating=rating, comment=comment, now=self.t)
        if unhappy:
            self.after_unhappy()

    def after_unhappy(self) -> None:
        if self.plan.stop_at == "unhappy":
            raise Stop  # the reopen request waits for the desk
        self.advance(self.soon(60, 960))
        if "reopen" not in self.plan.twists:
            self.case = t.case_decline_reopen(case=self.current, actor=self.desk(),
                                              reason="已按规定办理完毕，已向反映人解释说明。", now=self.t)
            return
        self.case = t.case_reopen(case=self.current, actor=self.desk(), reason="反映人不满意，重新派单办理。",
                                  now=self.t)
        self.plan = replace(self.plan, twists=frozenset({"assist"}), late=frozenset(), stop_at="")
        self.handle(texts.PROPERTY if self.plan.route == texts.SELF else self.plan.route)

    # -- disputes (矛盾纠纷) --------------------------------------------------------------------

    def mediate(self, recorder: User, mediator: User | None = None) -> None:
        """Parties, mediation sessions and the result, recorded during the handle stage."""
        case = self.case
        assert case is not None
        dispute = case.dispute
        kind = DisputeKind.PROPERTY if case.category.code == "property-dispute" else DisputeKind.NEIGHBOUR
        disputes.dispute_update(dispute=dispute, actor=recorder, mediators=[mediator or recorder], kind=kind,
                                other_mediators="社区人民调解委员会调解员")
        # Mediated again after a reopen: the parties are on record already.
        roles = () if dispute.parties.exists() else (PartyRole.APPLICANT, PartyRole.RESPONDENT)
        for index, role in enumerate(roles):
            key = f"party:{case.pk}:{index}"
            disputes.dispute_add_party(dispute=dispute, actor=recorder, role=role, name=person_name(key),
                                       phone=mobile_number(key), address=self.place)
        day = self.t.date()
        for _session in range(self.rng.randint(1, 3)):
            day += datetime.timedelta(days=self.rng.randint(1, 4))
            if day > min(self.world.cutoff.date(), (case.handle_due_at or self.t).date()):
                break
            disputes.dispute_add_session(dispute=dispute, actor=recorder, held_on=day, place="社区调解室",
                                         notes="双方陈述各自诉求，调解员释法说理，约定下次继续协商。")

    def follow_up(self) -> None:
        case = self.case
        assert case is not None
        result = self.rng.choices([DisputeResult.SUCCESS, DisputeResult.FAILED, DisputeResult.REFERRED],
                                  weights=[75, 15, 10])[0]
        concluded = self.t.date()
        values: dict[str, Any] = {"result": result, "concluded_on": concluded}
        if result == DisputeResult.SUCCESS:
            values["agreement"] = "双方自愿达成协议：责任方负责维修并承担费用，双方今后互谅互让。"
        follow_up = concluded + datetime.timedelta(days=self.rng.randint(7, 20))
        if follow_up <= self.world.cutoff.date():
            values.update(follow_up_on=follow_up, follow_up_notes="回访双方，协议已履行，关系缓和。")
        recorder = self.grid_worker() if case.self_handled else self.user("dispatcher")
        disputes.dispute_update(dispute=case.dispute, actor=recorder,
                                mediators=list(case.dispute.mediators.all()), **values)
