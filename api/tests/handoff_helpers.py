"""Helpers of the hand-off tests: the platform's unit, its service account, the district desk,
a case waiting at the district desk, and a second live server (the city platform)."""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any

from pytest_django.live_server_helper import LiveServer

from accounts.models import Organisation, OrganisationKind, OrganisationMember, User
from accounts.testing import make_user
from api.models import UpstreamCategoryCode, UpstreamPlatform
from cases import transitions as t
from cases.models import Case, HandlingLevel, Status
from cases.testing import CaseCast, report


@dataclass
class CityDesk:
    platform: UpstreamPlatform
    district_dispatcher: User
    service_user: User


def make_platform(cc: CaseCast, base_url: str, *, api_key: str = "", service_code: str = "t-building") -> CityDesk:
    """市平台 standing for an Open311 server at ``base_url``, with t-clutter mapped to ``service_code``."""
    cast = cc.cast
    unit = Organisation.objects.create(name="市城市运行管理平台", kind=OrganisationKind.OTHER,
                                       home_area=cast.district)
    unit.service_areas.add(cast.district)
    service_user = make_user("city_platform", "department_handler", cast.district, full_name="市平台（接口）")
    OrganisationMember.objects.create(organisation=unit, user=service_user)
    platform = UpstreamPlatform.objects.create(name="市平台", base_url=base_url, api_key=api_key, organisation=unit,
                                               service_user=service_user)
    UpstreamCategoryCode.objects.create(platform=platform, category=cc.category("t-clutter"),
                                        service_code=service_code)
    return CityDesk(platform, make_user("district_dispatcher", "street_dispatcher", cast.district), service_user)


def at_district_desk(cc: CaseCast, desk: CityDesk, **extra: Any) -> Case:
    """A t-clutter case in grid A (with a point) escalated desk by desk up to the district."""
    case = report(cc, longitude=113.51, latitude=34.72, **extra)
    case = t.case_accept(case=case, actor=cc.community_staff)
    while case.level > HandlingLevel.DISTRICT:
        actor = cc.dispatcher if case.level == HandlingLevel.STREET else cc.community_staff
        case = t.case_escalate(case=case, actor=actor, reason="涉及多个部门，需上级协调。")
    assert (case.level, case.status) == (HandlingLevel.DISTRICT, Status.PENDING_DISPATCH), (case.level, case.status)
    return case


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def city_server(port: int) -> LiveServer:
    """A second live server of this codebase (the city platform), not started yet."""
    return LiveServer(f"127.0.0.1:{port}", start=False)
