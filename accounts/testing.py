"""The fixed cast of areas and users that every test file reuses.

Two districts; in 中原区 two streets; in street 1 a community with grids A and B; in street 2
a community with grid C. One user per role and area, plus a superuser and an outsider.
Boundaries are WGS-84 boxes that tile their parents exactly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from accounts.models import Role, RoleAssignment, User
from areas.models import Area, GridKind, Level

PASSWORD = "wangge-test-pw-2026"


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_area(
    code: str, name: str, level: Level, parent: Area | None, bounds: tuple[float, float, float, float] | None,
    **extra: Any,
) -> Area:
    area = Area(code=code, name=name, level=level, parent=parent, **extra)
    if bounds:
        area.set_boundary(box(*bounds))
    if area.is_grid and not area.grid_kind:
        area.grid_kind = GridKind.COMPREHENSIVE
    area.full_clean()
    area.save()
    return area


def make_user(username: str, role_code: str | None, area: Area | None, **extra: Any) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=extra.pop("full_name", username),
                                    **extra)
    if role_code and area:
        RoleAssignment.objects.create(
            user=user, role=Role.objects.get(code=role_code), area=area, valid_from=datetime.date(2024, 1, 1)
        )
    return user


@dataclass
class Cast:
    district: Area
    street1: Area
    street2: Area
    community1: Area
    community2: Area
    grid_a: Area
    grid_b: Area
    grid_c: Area
    other_district: Area
    other_street: Area
    superuser: User
    district_admin: User
    other_district_admin: User
    street_leader: User
    other_street_leader: User
    grid_worker_a: User
    grid_worker_b: User
    outsider: User


def build_cast() -> Cast:
    district = make_area("410102000000", "中原区", Level.DISTRICT, None, (113.50, 34.70, 113.70, 34.80))
    street1 = make_area("410102001000", "林山寨街道", Level.STREET, district, (113.50, 34.70, 113.60, 34.80))
    street2 = make_area("410102002000", "建设路街道", Level.STREET, district, (113.60, 34.70, 113.70, 34.80))
    community1 = make_area("410102001001", "百花社区", Level.COMMUNITY, street1, (113.50, 34.70, 113.55, 34.75))
    community2 = make_area("410102002001", "协作路社区", Level.COMMUNITY, street2, (113.60, 34.70, 113.65, 34.75))
    grid_a = make_area("410102001001001", "百花社区第一网格", Level.GRID, community1, (113.50, 34.70, 113.525, 34.75),
                       household_target=420)
    grid_b = make_area("410102001001002", "百花社区第二网格", Level.GRID, community1, (113.525, 34.70, 113.55, 34.75))
    grid_c = make_area("410102002001001", "协作路社区第一网格", Level.GRID, community2, (113.60, 34.70, 113.65, 34.75))
    other_district = make_area("410103000000", "二七区", Level.DISTRICT, None, (113.50, 34.60, 113.70, 34.70))
    other_street = make_area("410103001000", "淮河路街道", Level.STREET, other_district, (113.50, 34.60, 113.60, 34.70))
    return Cast(
        district=district, street1=street1, street2=street2, community1=community1, community2=community2,
        grid_a=grid_a, grid_b=grid_b, grid_c=grid_c, other_district=other_district, other_street=other_street,
        superuser=User.objects.create_superuser("root", "root@example.com", PASSWORD),
        district_admin=make_user("district_admin", "area_admin", district, is_staff=True),
        other_district_admin=make_user("other_district_admin", "area_admin", other_district, is_staff=True),
        street_leader=make_user("street_leader", "street_leader", street1),
        other_street_leader=make_user("other_street_leader", "street_leader", street2),
        grid_worker_a=make_user("grid_worker_a", "grid_worker", grid_a),
        grid_worker_b=make_user("grid_worker_b", "grid_worker", grid_b),
        outsider=make_user("outsider", None, None),
    )
