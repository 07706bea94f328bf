"""Demo 巡查走访 for the demo grid: three months of the grid worker's own work.

* 一日双巡: a daily plan with a morning and an afternoon window; the worker keeps most windows
  (about nine in ten mornings, four in five afternoons, fewer on weekends), checking in at two or
  three buildings each time with the 四查四报 list; now and then a finding becomes a case
  (上报事件) or is fixed on the spot (当场解决), linked both ways.
* Two campaigns: 消防安全 over the grid's residential buildings (每 14 天) and 食品安全 over its
  food establishments (once), each about two-thirds done.
* 关爱走访: every care-tagged resident visited at about their tag's interval, some by phone, a
  door now and then not opened (with a retry date), a few left overdue.
* The 民情日志: a free entry every few days (社情民意 heard in passing, an errand done).
* 整改清单: the 消防安全 campaign's problems (blocked fire exits, e-bikes charged in the
  stairwell, left open on the spot) compiled by the 网格长 into a list sent to the estate's
  物业 with a deadline now past: some items fixed (before and after photo), the rest overdue.
* 结对帮扶: several care-tagged residents paired with the grid worker, a 党员 or a 志愿者.

Told through the app's own operations (``fieldwork.patrols``, ``fieldwork.visits``,
``fieldwork.diary``, ``fieldwork.rectification``, ``fieldwork.pairings``) by the demo grid worker
(the 网格长 compiles the list and pairs), with times in the past. Written once: when the
demo grid already has patrols, nothing is done (idempotent). Deterministic (a seeded random).
"""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image

from accounts.models import Organisation, OrganisationMember, User
from areas.models import Area
from cases.models import Category, RoutingRule
from cases.routing import route_for
from cases.workflow import Photo
from demo import data
from demo.cases import PROPERTY_OF
from fieldwork import diary, pairings, patrols, rectification, visits
from fieldwork.checklists import field_name
from fieldwork.models import (
    Answer,
    Checklist,
    ChecklistItem,
    DiaryTag,
    HelperKind,
    ItemKind,
    Patrol,
    PatrolPlan,
    PatrolWindow,
    PlanDays,
    PlanKind,
    PlanTarget,
    TargetKind,
    VisitMethod,
    VisitPurpose,
)
from registry.models import Building, BuildingKind, Establishment, EstablishmentKind, Resident

DAYS = 91
MORNING, AFTERNOON = (datetime.time(8, 30), datetime.time(11, 30)), (datetime.time(14, 30), datetime.time(17, 30))
FINDINGS = ("3号楼楼道堆放纸箱，影响通行", "小区东门路灯不亮", "单元门禁损坏无法关闭", "绿化带内有建筑垃圾",
            "楼下电动车飞线充电", "两户邻居因漏水有争执")
OPINIONS = ("希望小区增加休息座椅", "反映快递柜不够用", "老人希望有人帮忙代购药品", "建议加装楼道扶手",
            "担心电动车充电安全", "希望多组织健康讲座")
DIARY = ((DiaryTag.NEED, "帮独居老人代缴水电费", "已代办，收据交本人"),
         (DiaryTag.SUGGESTION, "居民建议在广场加装健身器材", "已记录，报社区"),
         (DiaryTag.DISPUTE, "两户因楼道堆物有口角", "现场劝解，双方同意清理"),
         (DiaryTag.HAZARD, "发现地下室有电动车停放", "劝离并宣传消防安全"),
         (DiaryTag.GOOD_DEED, "居民王大姐主动清扫楼道", "在楼栋群里表扬"))
# The 消防安全 problems the estate's 物业 is to fix (their categories route to it: demo.cases.ESTATE_CATEGORIES).
FIRE_PROBLEMS = ("fire-exit-blocked", "ebike-charging")
FIXES = ("杂物已清走，通道恢复畅通", "电动车已移出楼道，飞线已拆除", "已张贴禁停标识并安排巡查")
HELPERS = ((HelperKind.PARTY_MEMBER, "刘建国", "每周电话问候一次"),
           (HelperKind.VOLUNTEER, "陈晓燕", "代购药品、陪同就医"))
LIST_AGE = 25  # days since the rectification list was compiled and sent


def _at(day: datetime.date, time: datetime.time, minutes: int, tz: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=tz) + datetime.timedelta(minutes=minutes)


def _photo() -> Photo:
    """A photo where a checklist asks for one (a plain image: the demo has no camera)."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buffer, "JPEG")
    return Photo(buffer.getvalue(), 64, 48)


def _ok_answers(items: Sequence[ChecklistItem]) -> dict[str, str]:
    """The answers of a check-in where all is well."""
    answers: dict[str, str] = {}
    for item in items:
        if item.kind == ItemKind.YES_NO:
            answers[field_name(item)] = "no" if "yes" in item.problem_answers else "yes"
        elif item.kind == ItemKind.NUMBER:
            answers[field_name(item)] = str(int(item.min_ok or 0) + 1)
        elif item.kind == ItemKind.CHOICE:
            fine = [option for option in item.options if option not in item.problem_answers]
            answers[field_name(item)] = fine[0] if fine else ""
    return answers


def _problem(items: Sequence[ChecklistItem], answers: dict[str, str],
             codes: Sequence[str] = ()) -> ChecklistItem | None:
    """Turn one yes/no item with a category (one of ``codes``, if given) into a problem answer."""
    for item in items:
        if codes and item.category_code not in codes:
            continue
        if item.kind == ItemKind.YES_NO and item.category_code and item.problem_answers:
            answers[field_name(item)] = item.problem_answers[0]
            return item
    return None


class _Story:
    def __init__(self, grid: Area, worker: User, today: datetime.date) -> None:
        self.grid, self.worker, self.today = grid, worker, today
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.random = random.Random(20261205)
        self.counts: Counter[str] = Counter()
        self.start = today - datetime.timedelta(days=DAYS)
        self.buildings = list(Building.objects.filter(grid_code__startswith=grid.code).order_by("pk"))
        self.fire_campaign: PatrolPlan | None = None

    def plan(self, name: str, code: str, kind: str, **values: object) -> PatrolPlan:
        checklist = Checklist.objects.get(code=code)
        plan = PatrolPlan.objects.create(area=self.grid, name=name, kind=kind, checklist=checklist,
                                         created_by=self.worker, **values)
        self.counts["patrol plans"] += 1
        return plan

    def daily(self) -> None:
        plan = self.plan("一日双巡", "four-checks", PlanKind.DAILY, days=PlanDays.EVERY_DAY, starts_on=self.start)
        windows = [PatrolWindow.objects.create(plan=plan, name=name, starts_at=start, ends_at=end)
                   for name, (start, end) in (("上午巡", MORNING), ("下午巡", AFTERNOON))]
        items = self._items(plan)
        for offset in range(DAYS):
            day = self.start + datetime.timedelta(days=offset)
            weekend = day.weekday() >= 5
            for window, odds in zip(windows, (0.75 if weekend else 0.92, 0.6 if weekend else 0.82), strict=True):
                if self.random.random() < odds:
                    self.patrol(plan, window, day, items, self.random.sample(self.buildings, k=min(
                        len(self.buildings), self.random.choice((2, 2, 3)))))

    def _items(self, plan: PatrolPlan) -> list[ChecklistItem]:
        version = plan.checklist.current_version() if plan.checklist else None
        return list(version.items.all()) if version else []

    def patrol(self, plan: PatrolPlan, window: PatrolWindow | None, day: datetime.date,
               items: list[ChecklistItem], places: Sequence[Building | PlanTarget],
               open_problems: Sequence[str] = ()) -> None:
        """One patrol; with ``open_problems`` (category codes) four stops in five find one of them,
        photographed and left for a rectification list (neither reported nor fixed on the spot)."""
        start = window.starts_at if window else datetime.time(9, 30)
        began = _at(day, start, self.random.randint(0, 40), self.tz)
        patrol = patrols.patrol_start(actor=self.worker, plan=plan, grid=self.grid, window=window, now=began)
        self.counts["patrols"] += 1
        moment = began
        for place in places:
            moment += datetime.timedelta(minutes=self.random.randint(8, 25))
            answers = _ok_answers(items)
            left_open = bool(open_problems) and self.random.random() < 0.8
            if left_open:
                codes = [self.random.choice(open_problems)]
                problem = _problem(items, answers, codes)
            else:
                problem = _problem(items, answers) if self.random.random() < 0.05 else None
            target = place if isinstance(place, PlanTarget) else None
            building = place if isinstance(place, Building) else None
            photos = {field_name(item): [_photo()] for item in items
                      if item.kind == ItemKind.PHOTO and (item.required or left_open)}
            checkin = patrols.patrol_check_in(patrol=patrol, actor=self.worker, target=target, building=building,
                                              answers=answers, photos=photos, now=moment)
            self.counts["check-ins"] += 1
            if left_open:
                self.counts["problems left for rectification"] += 1
            elif problem is not None:
                self.finding(checkin.answers.get(item=problem), moment)
        patrols.patrol_finish(patrol=patrol, actor=self.worker, now=moment + datetime.timedelta(minutes=10))

    def finding(self, answer: Answer, moment: datetime.datetime) -> None:
        category = Category.objects.filter(code=answer.item.category_code, is_active=True).first()
        if category is None:
            return
        later = moment + datetime.timedelta(minutes=5)
        if self.random.random() < 0.5:
            patrols.finding_resolve(answer=answer, actor=self.worker, note="已现场劝导处理完毕", category=category,
                                    now=later)
            self.counts["findings resolved on the spot"] += 1
        else:
            patrols.finding_report(answer=answer, actor=self.worker, category=category, now=later)
            self.counts["findings reported"] += 1

    def campaigns(self) -> None:
        fire_start = self.today - datetime.timedelta(days=40)
        fire = self.plan("冬季消防安全专项巡查", "fire-safety", PlanKind.SPECIAL, starts_on=fire_start,
                         ends_on=self.today + datetime.timedelta(days=30), target_interval_days=14)
        fire_targets = [PlanTarget.objects.create(plan=fire, kind=TargetKind.BUILDING, building=building,
                                                  name=str(building), grid=building.grid)
                        for building in self.buildings if building.kind == BuildingKind.RESIDENTIAL]
        food_start = self.today - datetime.timedelta(days=20)
        food = self.plan("食品安全专项巡查", "food-safety", PlanKind.SPECIAL, starts_on=food_start,
                         ends_on=self.today + datetime.timedelta(days=10))
        food_targets = [PlanTarget.objects.create(plan=food, kind=TargetKind.ESTABLISHMENT, establishment=shop,
                                                  name=shop.name, grid=shop.grid)
                        for shop in Establishment.objects.filter(grid_code__startswith=self.grid.code,
                                                                 kind=EstablishmentKind.FOOD)]
        self.counts["campaign targets"] += len(fire_targets) + len(food_targets)
        for plan, targets, begun, problems in ((fire, fire_targets, fire_start, FIRE_PROBLEMS),
                                               (food, food_targets, food_start, ())):
            done = targets[: len(targets) * 2 // 3]
            items = self._items(plan)
            for index in range(0, len(done), 4):
                day = begun + datetime.timedelta(days=3 + index // 4 * 3)
                if day < self.today:
                    # Problems for the list only before it was compiled (LIST_AGE days ago).
                    before_list = day < self.today - datetime.timedelta(days=LIST_AGE + 1)
                    self.patrol(plan, None, day, items, done[index:index + 4],
                                open_problems=problems if before_list else ())
        self.fire_campaign = fire

    def property_company(self) -> Organisation | None:
        """The estate's 物业; the routing rules for the fire problems are made sure of (as demo.cases does)."""
        community = self.grid.parent
        unit = Organisation.objects.filter(name=PROPERTY_OF.get("C1", "")).first()
        if community is None or unit is None:
            return None
        for code in FIRE_PROBLEMS:
            category = Category.objects.filter(code=code).first()
            if category is not None and route_for(category, self.grid) is None:
                RoutingRule.objects.create(category=category, area=community, organisation=unit)
        return unit

    def rectification(self, leader: User) -> None:
        """The campaign's open problems on a list to the 物业, sent LIST_AGE days ago, due 10 days later:
        about half fixed by its handler (after photo), the rest overdue."""
        unit = self.property_company()
        if unit is None or self.fire_campaign is None:
            return
        compiled_at = timezone.now() - datetime.timedelta(days=LIST_AGE)
        try:
            compiled = rectification.rectification_create_from_campaign(
                plan=self.fire_campaign, actor=leader, now=compiled_at,
                deadline=timezone.localdate(compiled_at) + datetime.timedelta(days=10))
        except ValidationError:
            return  # nothing to compile (no open problem found a unit)
        handler = (OrganisationMember.objects.acting().filter(organisation=unit).select_related("user")
                   .order_by("pk").first())
        for index, listed in enumerate(compiled.lists):
            rectification.rectification_send(rectification=listed, actor=leader,
                                             now=compiled_at + datetime.timedelta(hours=2))
            self.counts["rectification lists"] += 1
            if handler is None or listed.organisation_id != unit.pk:
                continue
            for position, item in enumerate(listed.items.filter(case__isnull=True).order_by("position")):
                if (position + index) % 2 == 0:
                    rectification.rectification_item_done(
                        item=item, actor=handler.user, note=FIXES[position % len(FIXES)], after_photos=[_photo()],
                        now=compiled_at + datetime.timedelta(days=2 + position))
                    self.counts["rectification items done"] += 1

    def pairings(self, leader: User) -> None:
        """结对帮扶: the first care-tagged residents paired with the worker, a 党员 or a 志愿者."""
        residents = (Resident.objects.filter(grid_code__startswith=self.grid.code, care_tags__visit_interval_days__gt=0)
                     .distinct().order_by("pk")[:6])
        started = self.today - datetime.timedelta(days=60)
        for index, resident in enumerate(residents):
            if index % 3 == 0:
                pairings.pairing_create(actor=leader, resident=resident, helper=self.worker,
                                        helper_kind=HelperKind.WORKER, starts_on=started, note="每周上门一次")
            else:
                kind, name, note = HELPERS[index % 3 - 1]
                pairings.pairing_create(actor=leader, resident=resident, helper_name=name, helper_kind=kind,
                                        starts_on=started, note=note)
            self.counts["pairings"] += 1

    def care_visits(self) -> None:
        residents = (Resident.objects.filter(grid_code__startswith=self.grid.code, care_tags__visit_interval_days__gt=0)
                     .prefetch_related("care_tags").distinct().order_by("pk"))
        for resident in residents:
            interval = min(tag.visit_interval_days for tag in resident.care_tags.all() if tag.visit_interval_days)
            overdue = self.random.random() < 0.08  # a few left overdue: the last visit is too long ago
            day = self.start + datetime.timedelta(days=self.random.randint(0, max(1, interval - 1)))
            last = self.today - datetime.timedelta(days=interval + 5 if overdue else 1)
            while day <= last:
                self.visit(resident, day)
                day += datetime.timedelta(days=max(1, interval + self.random.randint(-2, 2)))

    def visit(self, resident: Resident, day: datetime.date) -> None:
        when = _at(day, datetime.time(9, 0), self.random.randint(0, 480), self.tz)
        met = self.random.random() > 0.07
        phone = met and self.random.random() < 0.25
        opinions = self.random.choice(OPINIONS) if met and self.random.random() < 0.2 else ""
        visits.visit_record(
            actor=self.worker, resident=resident, visited_at=when, now=when,
            method=VisitMethod.PHONE if phone else VisitMethod.HOME, purpose=VisitPurpose.CARE, met=met,
            retry_on=None if met else day + datetime.timedelta(days=2), opinions=opinions,
            findings="" if met else "敲门无人应答，邻居说老人去女儿家了",
        )
        self.counts["visits"] += 1

    def diary(self) -> None:
        for offset in range(0, DAYS, 3):
            if self.random.random() < 0.7:
                tag, what, result = self.random.choice(DIARY)
                diary.diary_add(actor=self.worker, grid=self.grid, day=self.start + datetime.timedelta(days=offset),
                                what=what, handling=result, result="已办结", tags=[tag])
                self.counts["diary entries"] += 1


def seed_fieldwork(areas: dict[str, Area], users: dict[str, User]) -> dict[str, int]:
    """Write the demo grid's three months of fieldwork once; returns rows created per kind."""
    grid = areas[data.DEMO_GRID]
    if Patrol.objects.filter(grid=grid).exists():
        return {}
    story = _Story(grid, users["gridworker"], timezone.localdate())
    story.daily()
    story.campaigns()
    story.care_visits()
    story.diary()
    if "gridleader" in users:
        story.rectification(users["gridleader"])
        story.pairings(users["gridleader"])
    return dict(story.counts)
