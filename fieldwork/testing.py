"""The fieldwork test cast: the foundation's cast plus leaders, homes, care tags and plans."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image

from accounts.models import Organisation, OrganisationKind, OrganisationMember, User
from accounts.testing import Cast, make_user
from areas.models import Area
from cases.models import Category, RoutingRule
from fieldwork.models import (
    Answer,
    CheckIn,
    Checklist,
    FieldPhoto,
    Pairing,
    Patrol,
    PatrolPlan,
    PatrolWindow,
    PhotoStage,
    PlanDays,
    PlanKind,
    PlanTarget,
    RectificationItem,
    RectificationList,
    RectificationPhoto,
    TargetKind,
    Visit,
)
from registry.models import Building, CareTag, Dwelling, Household, HouseholdMember, Relation, Resident

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A Beijing-time moment (the project's TIME_ZONE)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), ZONE)


def home(grid: Area, building_name: str, resident_name: str, room: str = "101") -> tuple[Building, Resident]:
    building, _created = Building.objects.get_or_create(
        grid=grid, estate="百花小区", name=building_name, defaults={"address": f"百花小区{building_name}", "floors": 6})
    dwelling = Dwelling.objects.create(grid=grid, building=building, floor=1, room=room)
    household = Household.objects.create(grid=grid, dwelling=dwelling)
    resident = Resident.objects.create(grid=grid, name=resident_name, gender="F")
    HouseholdMember.objects.create(household=household, resident=resident, relation=Relation.HEAD)
    household.head = resident
    household.save()
    return building, resident


@dataclass
class FieldCast:
    cast: Cast
    grid_leader: User
    supervisor: User
    building_head: User
    building1: Building
    building2: Building
    building_b: Building
    alone: Resident  # 独居老人, every 7 days
    watched: Resident  # 重点关注 (sensitive, leaders only), every 7 days
    neighbour: Resident  # in building 2, no care tag
    resident_b: Resident  # grid B, 独居老人
    double_patrol: PatrolPlan
    morning: PatrolWindow
    afternoon: PatrolWindow
    fire_campaign: PatrolPlan


def build_field_cast(cast: Cast) -> FieldCast:
    building1, alone = home(cast.grid_a, "1号楼", "王桂娟")
    _same, watched = home(cast.grid_a, "1号楼", "曲秀英", room="102")
    building2, neighbour = home(cast.grid_a, "2号楼", "徐阿姨")
    building_b, resident_b = home(cast.grid_b, "5号楼", "邢瑜璇")
    alone.care_tags.add(CareTag.objects.get(code="living_alone_elderly"))
    resident_b.care_tags.add(CareTag.objects.get(code="living_alone_elderly"))
    watched.care_tags.add(CareTag.objects.get(code="special_attention"))
    building_head = make_user("building_head_a", "building_head", cast.grid_a)
    building1.heads.add(building_head)
    double = PatrolPlan.objects.create(area=cast.community1, name="一日双巡", kind=PlanKind.DAILY,
                                       checklist=Checklist.objects.get(code="four-checks"),
                                       days=PlanDays.WORKDAYS, starts_on=datetime.date(2026, 1, 1))
    morning = PatrolWindow.objects.create(plan=double, name="上午巡", starts_at=datetime.time(8, 0),
                                          ends_at=datetime.time(11, 30))
    afternoon = PatrolWindow.objects.create(plan=double, name="下午巡", starts_at=datetime.time(14, 0),
                                            ends_at=datetime.time(17, 30))
    fire = PatrolPlan.objects.create(area=cast.community1, name="消防安全专项", kind=PlanKind.SPECIAL,
                                     checklist=Checklist.objects.get(code="fire-safety"),
                                     starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31),
                                     target_interval_days=14)
    for building in (building1, building2, building_b):
        PlanTarget.objects.create(plan=fire, kind=TargetKind.BUILDING, building=building, name=str(building),
                                  grid=building.grid)
    return FieldCast(
        cast=cast, grid_leader=make_user("grid_leader_a", "grid_leader", cast.grid_a),
        supervisor=make_user("supervisor1", "supervisor", cast.street1), building_head=building_head,
        building1=building1, building2=building2, building_b=building_b, alone=alone, watched=watched,
        neighbour=neighbour, resident_b=resident_b, double_patrol=double, morning=morning, afternoon=afternoon,
        fire_campaign=fire,
    )


# --- objects for the scope matrix (tests/test_scope_matrix.py): made inside its rolled-back requests


def matrix_patrol(grid: Area) -> Patrol:
    """A campaign patrol of ``grid`` by a worker nobody else is (so no one in the matrix acts on it)."""
    plan = PatrolPlan.objects.create(area=grid, name="矩阵专项", kind=PlanKind.SPECIAL,
                                     checklist=Checklist.objects.get(code="fire-safety"),
                                     starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31))
    # One worker per grid, however often the matrix asks (a browser test asks for several kinds at once).
    worker, _new = User.objects.get_or_create(username=f"matrix_worker_{grid.code}")
    return Patrol.objects.create(plan=plan, grid=grid, worker=worker, day=datetime.date(2026, 12, 7))


def matrix_answer(grid: Area) -> Answer:
    checkin = CheckIn.objects.create(patrol=matrix_patrol(grid), label="1号楼")
    version = Checklist.objects.get(code="fire-safety").current_version()
    assert version is not None
    return Answer.objects.create(checkin=checkin, item=version.items.all()[0], value="yes", is_problem=False)


def matrix_photo(grid: Area) -> FieldPhoto:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    photo = FieldPhoto(checkin=CheckIn.objects.create(patrol=matrix_patrol(grid), label="1号楼"), width=8, height=8)
    photo.image.save(f"{photo.token}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return photo


def matrix_visit(grid: Area, building: Building, resident: Resident, recorder: User) -> Visit:
    return Visit.objects.create(grid=grid, building=building, resident=resident, recorded_by=recorder,
                                findings="扶手松动")


def matrix_author(grid: Area) -> User:
    """A grid worker of ``grid`` whose diary the matrix asks for."""
    return make_user(f"matrix_author_{grid.code}", "grid_worker", grid)


# --- 整改清单 (rectification lists)


@dataclass
class RectifyCast:
    """Two units serving community 1, their handlers, the community's staff, and routing rules:
    a blocked fire exit goes to the property company, a damaged facility to the enforcement team."""

    property_company: Organisation
    enforcement: Organisation
    property_handler: User
    enforcement_handler: User
    community_staff: User


def build_rectify_cast(fc: FieldCast) -> RectifyCast:
    cast = fc.cast
    property_company = Organisation.objects.create(name="百花物业", kind=OrganisationKind.PROPERTY,
                                                   home_area=cast.street1)
    property_company.service_areas.add(cast.community1)
    enforcement = Organisation.objects.create(name="林山寨综合执法中队", kind=OrganisationKind.ENFORCEMENT,
                                              home_area=cast.street1)
    property_handler = make_user("property_handler", "property_handler", cast.street1)
    enforcement_handler = make_user("enforcement_handler", "department_handler", cast.street1)
    OrganisationMember.objects.create(organisation=property_company, user=property_handler)
    OrganisationMember.objects.create(organisation=enforcement, user=enforcement_handler)
    RoutingRule.objects.create(category=Category.objects.get(code="fire-exit-blocked"), area=cast.community1,
                               organisation=property_company)
    RoutingRule.objects.create(category=Category.objects.get(code="facility-damage"), area=cast.community1,
                               organisation=enforcement)
    return RectifyCast(property_company=property_company, enforcement=enforcement,
                       property_handler=property_handler, enforcement_handler=enforcement_handler,
                       community_staff=make_user("community_staff1", "community_staff", cast.community1))


def matrix_rectification(grid: Area, unit: Organisation) -> RectificationList:
    """A list sent to ``unit`` over ``grid``, with one lightweight item and its before photo."""
    answer = matrix_answer(grid)
    rectification = RectificationList.objects.create(
        organisation=unit, title="矩阵整改清单", area_code=grid.code, deadline=datetime.date(2026, 12, 31),
        created_by=answer.checkin.patrol.worker, sent_at=datetime.datetime(2026, 12, 7, 9, tzinfo=ZONE))
    item = RectificationItem.objects.create(rectification=rectification, answer=answer, grid_code=grid.code,
                                            place="1号楼", problem="楼道堆物", position=1)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    photo = RectificationPhoto(item=item, stage=PhotoStage.BEFORE, width=8, height=8)
    photo.image.save(f"{photo.token}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return rectification


def matrix_pairing(resident: Resident) -> Pairing:
    return Pairing.objects.create(resident=resident, grid=resident.grid, helper_name="张党员")
