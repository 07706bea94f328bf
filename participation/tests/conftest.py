"""A small world for participation tests: a building of grid A with dwellings, households and an
elderly resident; a community staff member who reviews; the fixed cast for the rest."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

from accounts.testing import Cast, make_user
from cases.workflow import Photo
from participation import wishes
from participation.models import Wish
from registry.models import Building, CareTag, Dwelling, Household, Resident


@dataclass
class World:
    cast: Cast
    reviewer: object
    building: Building
    other_building: Building
    dwellings: list[Dwelling]
    households: list[Household]
    grandma: Resident
    tag: CareTag


def make_world(cast: Cast) -> World:
    reviewer = make_user("community_staff", "community_staff", cast.community1)
    building = Building.objects.create(grid=cast.grid_a, name="3号楼", address="百花路3号", floors=6)
    other = Building.objects.create(grid=cast.grid_a, name="4号楼", address="百花路4号", floors=6)
    grandma = Resident.objects.create(grid=cast.grid_a, name="王秀兰", gender="F")
    dwellings, households = [], []
    for index in range(4):
        dwelling = Dwelling.objects.create(grid=cast.grid_a, building=building, floor=index + 1,
                                           room=f"{index + 1}01", floor_area=Decimal("90.00"),
                                           owner_name=f"业主{index + 1}")
        dwellings.append(dwelling)
        households.append(Household.objects.create(grid=cast.grid_a, dwelling=dwelling,
                                                   head=grandma if index == 0 else None))
    tag, _ = CareTag.objects.get_or_create(code="living_alone_elderly", defaults={"name": "独居老人"})
    return World(cast, reviewer, building, other, dwellings, households, grandma, tag)


@pytest.fixture
def world(cast: Cast) -> World:
    return make_world(cast)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def photo() -> Photo:
    return Photo(jpeg(), 40, 30)


def recorded(world: World, **extra: object) -> Wish:
    fields = {"actor": world.cast.grid_worker_a, "area": world.cast.grid_a, "care_tag": world.tag,
              "title": "一台收音机", "estimated_value": Decimal("80"), "resident": world.grandma,
              "consent_to_publish": True, "public_label": "王奶奶，78岁，独居", **extra}
    return wishes.wish_record(**fields)  # type: ignore[arg-type]


def published(world: World, **extra: object) -> Wish:
    wish = recorded(world, **extra)
    wishes.wish_approve(actor=world.reviewer, wish=wish, meeting="社区党委会 2026-12-01")  # type: ignore[arg-type]
    return wishes.wish_publish(actor=world.reviewer, wish=wish)  # type: ignore[arg-type]


def meeting_record(**extra: object) -> Any:
    from participation.deliberation import MeetingRecord

    fields = {"held_on": datetime.date(2026, 12, 1), "place": "社区党群服务中心", "minutes": "经讨论，同意。", **extra}
    return MeetingRecord(**fields)  # type: ignore[arg-type]


def proposal_at(world: World, **extra: object) -> Any:
    """A proposal of grid A recorded at the desk and submitted to the default stage set."""
    from participation import deliberation

    proposal = deliberation.proposal_record(actor=world.cast.grid_worker_a, area=world.cast.grid_a,
                                            title="3号楼旁安装电动车充电桩", details="电动车在楼道充电，有安全隐患。",
                                            source="desk", **extra)  # type: ignore[arg-type]
    return deliberation.proposal_submit(actor=world.cast.grid_worker_a, proposal=proposal)  # type: ignore[arg-type]
