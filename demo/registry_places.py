"""Where the demo registry happens: buildings, dwellings, registered units (实有单位) and 部件.

Buildings follow the 楼栋长 seats of ``demo.data`` (``茜城花园北区9—10号楼`` is two
buildings); each estate has a profile (age, height, stairwells, flats per landing) so that a
1990s 家属院 is a 6-storey walk-up full of retirees and 锦艺城 has 33-storey towers of young
families. Facility codes are GB/T 30428.2 style: county code + class code + serial.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from decimal import Decimal

from demo import data
from registry.models import BuildingKind, DwellingUse, EstablishmentKind, FacilityState
from registry.validators import credit_code_check_character


@dataclass(frozen=True)
class EstateProfile:
    """How an estate is built and who lives there (``age``: old/mixed/new population)."""

    floors: tuple[int, ...]
    units: tuple[int, ...]
    rooms: tuple[int, ...]
    built: int
    age: str
    property_company: bool = True
    retired_from: str = ""
    areas: tuple[int, int] = (60, 120)


ESTATES: dict[str, EstateProfile] = {
    "茜城花园北区": EstateProfile((11, 11, 18), (2,), (2,), 2006, "mixed", areas=(80, 140)),
    "茜城花园南区": EstateProfile((6, 7), (3,), (2,), 1999, "old", areas=(55, 95)),
    "建业家属院": EstateProfile((6,), (3,), (2,), 1994, "old", False, "河南建业集团", (50, 85)),
    "茜城小学": EstateProfile((6,), (2,), (2,), 2008, "new", False, areas=(50, 70)),
    "锦艺城": EstateProfile((18, 18, 18, 26, 33), (1, 2), (2, 3), 2016, "new", areas=(75, 140)),
    "御景花园": EstateProfile((11, 18), (1, 2), (2,), 2010, "mixed", areas=(80, 130)),
    "华山名郡": EstateProfile((33,), (1,), (3,), 2014, "new", areas=(85, 140)),
    "城富花苑": EstateProfile((6, 7), (2, 3), (2,), 1999, "old", areas=(55, 95)),
    "五星花苑": EstateProfile((6,), (2, 3), (2,), 1997, "old", areas=(50, 90)),
    "电缆厂家属院": EstateProfile((6,), (2, 3), (2,), 1988, "old", False, "郑州电缆厂", (50, 80)),
    "通惠花苑": EstateProfile((6, 11), (2, 3), (2,), 2003, "mixed", areas=(65, 120)),
    "金桥小区": EstateProfile((6,), (2, 3), (2,), 2000, "old", areas=(55, 95)),
    "纺机厂家属院": EstateProfile((6,), (2, 3), (2,), 1990, "old", False, "郑州纺织机械厂", (50, 85)),
}
STREET_FRONT = EstateProfile((6,), (2,), (2,), 2002, "mixed", False, areas=(60, 110))
# Street-front seats become one 商住 building (shops below, flats above) at a house number.
STREET_FRONTS = {"汝河西路沿街商铺": "汝河西路126号", "嵩山南路沿街商铺": "嵩山南路218号",
                 "航海西路沿街商铺": "航海西路102号"}
# Buildings that are 商住 inside estates (底商 along the road).
MIXED_BUILDINGS = {("锦艺城", "3号楼"), ("通惠花苑", "1号楼"), ("茜城花园北区", "9号楼")}
# Public buildings: no dwellings by nature.
PUBLIC_BUILDINGS = {"教学楼": ("茜城小学", 4), "综合楼": ("茜城小学", 3), "综合市场A区": ("航海西路综合市场", 2),
                    "综合市场B区": ("航海西路综合市场", 2)}
# A coverage gap on purpose: a building handed over recently whose flats nobody has recorded yet.
UNRECORDED_BUILDING = ("通惠花苑", "20号楼")
_SEAT = re.compile(r"^(?P<estate>.*?)(?P<first>\d+)(?:—(?P<last>\d+))?号楼$")


@dataclass
class DwellingPlan:
    unit: int
    floor: int
    room: str
    floor_area: Decimal
    use: str


@dataclass
class BuildingPlan:
    """One building of a grid (``area_key`` is the grid or micro-grid key of the seeder)."""

    area_key: str
    community: str
    estate: str
    name: str
    kind: str
    floors: int
    unit_count: int
    profile: EstateProfile
    dwellings: list[DwellingPlan] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.estate}{self.name}"


def building_plans(draw: random.Random) -> list[BuildingPlan]:
    """Every building of the demo street, with its dwellings, in map order."""
    plans: list[BuildingPlan] = []
    for community in data.COMMUNITIES:
        for grid in community.grids:
            names = [name for seat in grid.buildings for name in expand_seat(seat)]
            for number, (estate, name) in enumerate(names, start=1):
                area_key = f"{grid.key}{number}" if grid.microgrids else grid.key
                plans.append(building_plan(draw, area_key, community.key, estate, name))
    return plans


def expand_seat(seat: str) -> list[tuple[str, str]]:
    """A 楼栋长 seat as (estate, building name) pairs: ``X9—10号楼`` → X 9号楼, X 10号楼."""
    if seat in STREET_FRONTS:
        return [("", STREET_FRONTS[seat])]
    if seat in PUBLIC_BUILDINGS:
        estate, _floors = PUBLIC_BUILDINGS[seat]
        return [(estate, seat.removeprefix("综合市场"))]
    if seat == "教师公寓":
        return [("茜城小学", seat)]
    match = _SEAT.match(seat)
    if match is None:
        raise ValueError(f"Unknown building seat {seat!r}")
    first, last = int(match["first"]), int(match["last"] or match["first"])
    return [(match["estate"], f"{number}号楼") for number in range(first, last + 1)]


def building_plan(draw: random.Random, area_key: str, community: str, estate: str, name: str) -> BuildingPlan:
    public = next((floors for seat, (where, floors) in PUBLIC_BUILDINGS.items()
                   if where == estate and seat.endswith(name)), None)
    if public is not None:
        return BuildingPlan(area_key, community, estate, name, BuildingKind.PUBLIC, public, 1, STREET_FRONT)
    profile = ESTATES.get(estate, STREET_FRONT)
    # Street-front seats, the listed 底商 buildings and some others along the roads are 商住.
    mixed = not estate or (estate, name) in MIXED_BUILDINGS or (profile.age != "new" and draw.random() < 0.2)
    floors = draw.choice(profile.floors)
    units = 1 if floors >= 26 else draw.choice(profile.units)
    rooms = 4 if floors >= 26 and units == 1 else draw.choice(profile.rooms)
    plan = BuildingPlan(area_key, community, estate, name, BuildingKind.MIXED if mixed else BuildingKind.RESIDENTIAL,
                        floors, units, profile)
    if (estate, name) != UNRECORDED_BUILDING:
        plan.dwellings = dwelling_plans(draw, plan, rooms, mixed)
    return plan


def dwelling_plans(draw: random.Random, plan: BuildingPlan, rooms: int, mixed: bool) -> list[DwellingPlan]:
    """Every room of every floor of every unit: 自住 ~70 %, 出租 ~18 %, 空置 ~8 %, 经营 on 商住 ground floors."""
    low, high = plan.profile.areas
    rental = {"old": 0.16, "mixed": 0.18, "new": 0.24}[plan.profile.age]
    dwellings = []
    for unit in range(1, plan.unit_count + 1):
        for floor in range(1, plan.floors + 1):
            for room in range(1, rooms + 1):
                roll = draw.random()
                if floor == 1 and (mixed or (plan.profile.age == "old" and roll > 0.9)):
                    use = DwellingUse.BUSINESS  # 底商, or a ground-floor flat turned into a shop (住改商)
                elif roll < rental:
                    use = DwellingUse.RENTED
                elif roll < rental + 0.08:
                    use = DwellingUse.VACANT
                else:
                    use = DwellingUse.OWNER_OCCUPIED
                area = Decimal(draw.randint(low * 10, high * 10)) / 10
                dwellings.append(DwellingPlan(unit, floor, f"{floor}{room:02d}", area.quantize(Decimal("0.01")), use))
    return dwellings


# --- 实有单位 ----------------------------------------------------------------------------------

# (kind, registering authority + entity type of the credit code)
CREDIT_PREFIX: dict[str, str] = {
    EstablishmentKind.ENTERPRISE: "91", EstablishmentKind.INDIVIDUAL_BUSINESS: "92", EstablishmentKind.SHOP: "92",
    EstablishmentKind.FOOD: "92", EstablishmentKind.INSTITUTION: "12", EstablishmentKind.SOCIAL_ORGANISATION: "52",
    EstablishmentKind.TWO_NEW: "91", EstablishmentKind.OTHER: "91",
}
SHOPS: tuple[tuple[str, str], ...] = (
    ("便民超市", EstablishmentKind.SHOP), ("烩面馆", EstablishmentKind.FOOD), ("理发店", EstablishmentKind.SHOP),
    ("大药房", EstablishmentKind.INDIVIDUAL_BUSINESS), ("胡辣汤早餐店", EstablishmentKind.FOOD),
    ("水果店", EstablishmentKind.SHOP), ("快递驿站", EstablishmentKind.INDIVIDUAL_BUSINESS),
    ("五金建材店", EstablishmentKind.SHOP), ("川菜馆", EstablishmentKind.FOOD), ("洗衣店", EstablishmentKind.SHOP),
    ("蛋糕烘焙坊", EstablishmentKind.FOOD), ("干洗店", EstablishmentKind.SHOP), ("母婴用品店", EstablishmentKind.SHOP),
    ("卤肉店", EstablishmentKind.FOOD), ("电动车维修部", EstablishmentKind.INDIVIDUAL_BUSINESS),
    ("房产中介", EstablishmentKind.INDIVIDUAL_BUSINESS), ("面条馆", EstablishmentKind.FOOD),
    ("眼镜店", EstablishmentKind.SHOP), ("烟酒店", EstablishmentKind.SHOP), ("饺子馆", EstablishmentKind.FOOD),
)
SHOP_OWNERS = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


@dataclass
class EstablishmentPlan:
    """A registered unit; ``building`` is a building label (estate + name) or empty."""

    name: str
    kind: str
    area_key: str
    building: str
    address: str
    credit_code: str = ""
    notes: str = ""


# Fixed units: (name, kind, grid key, building label, address, notes)
FIXED_UNITS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("郑州市中原区茜城小学", EstablishmentKind.INSTITUTION, "s", "茜城小学教学楼", "桐柏南路与汝河西路交叉口东北角",
     "专属网格服务单位；在校学生约1200人。"),
    ("郑州市中原区茜城花园幼儿园", EstablishmentKind.INSTITUTION, "c", "茜城花园南区1号楼", "茜城花园南区1号楼东侧",
     "公办幼儿园，9个班。"),
    ("锦艺城小哈佛幼儿园", EstablishmentKind.SOCIAL_ORGANISATION, "g", "锦艺城12号楼", "锦艺城二期12号楼一层",
     "民办幼儿园。"),
    ("惠万家生活超市（通惠店）", EstablishmentKind.ENTERPRISE, "p", "航海西路综合市场A区", "航海西路综合市场A区一层",
     "营业面积约1500平方米，设消防控制室。"),
    ("郑州航海西路综合市场管理有限公司", EstablishmentKind.ENTERPRISE, "p", "航海西路综合市场B区",
     "航海西路综合市场B区二层", "市场开办方。"),
    ("郑州茜城物业服务有限公司茜城花园服务中心", EstablishmentKind.ENTERPRISE, "a", "茜城花园北区1号楼",
     "茜城花园北区物业服务中心", "物业服务中心。"),
    ("河南锦艺物业管理有限公司锦艺城服务中心", EstablishmentKind.ENTERPRISE, "f", "锦艺城3号楼", "锦艺城一期3号楼底商",
     "物业服务中心。"),
    ("郑州通惠物业服务有限公司通惠花苑服务中心", EstablishmentKind.ENTERPRISE, "n", "通惠花苑1号楼",
     "通惠花苑南门东侧", "物业服务中心，兼管城富花苑、五星花苑。"),
    ("河南中原云帆信息技术有限公司", EstablishmentKind.TWO_NEW, "i", "华山名郡2号楼", "华山名郡2号楼15层",
     "两新组织，已建立党支部（党员7名）。"),
    ("航海西路街道阳光社会工作服务中心", EstablishmentKind.SOCIAL_ORGANISATION, "j", "城富花苑1号楼",
     "城富花苑1号楼一层",
     "社会组织，承接居家养老服务项目。"),
    ("中国工商银行郑州航海西路支行", EstablishmentKind.ENTERPRISE, "m", "航海西路102号", "航海西路102号一层", ""),
    ("中原区航海西路社区卫生服务中心", EstablishmentKind.INSTITUTION, "q", "纺机厂家属院1号楼",
     "纺机厂家属院1号楼东侧", ""),
    ("郑州市公安局中原分局航海西路派出所茜城警务室", EstablishmentKind.INSTITUTION, "e", "建业家属院1号楼",
     "建业家属院1号楼一层", ""),
)


def establishment_plans(draw: random.Random, buildings: list[BuildingPlan]) -> list[EstablishmentPlan]:
    """The fixed units above and one shop for every 经营 (business) room of a 商住 building."""
    codes: set[str] = set()
    labels = {plan.label: plan for plan in buildings}
    plans = []
    for name, kind, grid_key, label, address, notes in FIXED_UNITS:
        area_key = labels[label].area_key if label in labels else grid_key
        plans.append(EstablishmentPlan(name, kind, area_key, label, address, credit_code(draw, kind, codes), notes))
    for building in buildings:
        shops = [dwelling for dwelling in building.dwellings if dwelling.use == DwellingUse.BUSINESS]
        for dwelling, (trade, kind) in zip(shops, draw.sample(SHOPS, len(shops)), strict=True):
            where = building.estate or building.name
            owner = f"{draw.choice(SHOP_OWNERS)}记" if kind != EstablishmentKind.SHOP else ""
            name = f"{where}{owner}{trade}"
            address = f"{building.label}{dwelling.unit}单元{dwelling.room}"
            plans.append(EstablishmentPlan(f"{name}（{dwelling.unit}-{dwelling.room}）", kind, building.area_key,
                                           building.label, address, credit_code(draw, kind, codes)))
    return plans


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code(draw: random.Random, kind: str, taken: set[str]) -> str:
    """A 统一社会信用代码: authority/type, 410102, a GB 11714 organisation code, GB 32100 check."""
    while True:
        if CREDIT_PREFIX[kind].startswith("9"):  # market regulators issue MA… codes since 2015
            body = "MA" + "".join(draw.choice(_USCC_ALPHABET[:10] + "ABCDEFGH") for _ in range(6))
        else:
            body = "".join(draw.choice(_USCC_ALPHABET[:10]) for _ in range(8))
        total = sum(int(character, 36) * weight for character, weight in zip(body, _ORG_WEIGHTS, strict=True))
        check = 11 - total % 11
        organisation = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        first17 = f"{CREDIT_PREFIX[kind]}{data.DISTRICT_CODE[:6]}{organisation}"
        code = first17 + credit_code_check_character(first17)
        if code not in taken:
            taken.add(code)
            return code


# --- 部件 ---------------------------------------------------------------------------------------

# class code: (name, per grid (low, high), state weights 完好/破损/占用/丢失, responsible: "property" or an org)
FACILITY_CLASSES: dict[str, tuple[str, tuple[int, int], tuple[int, int, int, int], str]] = {
    "0112": ("路灯", (6, 10), (90, 8, 0, 2), "中原区城市管理局"),
    "0401": ("凉亭", (0, 1), (85, 15, 0, 0), "property"),
    "0402": ("健身器材", (1, 3), (82, 15, 3, 0), "property"),
    "0111": ("电动自行车充电桩", (2, 4), (84, 6, 10, 0), "property"),
    "0110": ("消防设施", (3, 5), (86, 6, 8, 0), "中原区消防救援大队航海西路消防救援站"),
    "0303": ("垃圾分类收集点", (2, 3), (88, 8, 4, 0), "property"),
}
STATES = (FacilityState.INTACT, FacilityState.DAMAGED, FacilityState.OCCUPIED, FacilityState.LOST)
FIRE_ITEMS = ("室外消火栓", "微型消防站", "灭火器箱", "消防栓")
SPOTS = ("东侧", "西侧", "南侧", "北侧", "门口", "中心广场", "楼间绿地")


@dataclass
class FacilityPlan:
    code: str
    class_code: str
    name: str
    area_key: str
    community: str
    address: str
    state: str
    responsible: str


def facility_plans(draw: random.Random, buildings: list[BuildingPlan]) -> list[FacilityPlan]:
    """部件 of every grid, numbered per class from serial 050001 (the street's block of numbers)."""
    serials = dict.fromkeys(FACILITY_CLASSES, 50000)
    by_grid: dict[str, list[BuildingPlan]] = {}
    for building in buildings:
        by_grid.setdefault(building.area_key.rstrip("0123456789"), []).append(building)
    plans = []
    for grid_buildings in by_grid.values():
        for class_code, (name, (low, high), weights, responsible) in FACILITY_CLASSES.items():
            for _ in range(draw.randint(low, high)):
                serials[class_code] += 1
                near = draw.choice(grid_buildings)
                item = draw.choice(FIRE_ITEMS) if class_code == "0110" else name
                plans.append(FacilityPlan(
                    code=f"{data.DISTRICT_CODE[:6]}{class_code}{serials[class_code]:06d}", class_code=class_code,
                    name=item, area_key=near.area_key, community=near.community,
                    address=f"{near.label}{draw.choice(SPOTS)}",
                    state=draw.choices(STATES, weights=weights)[0], responsible=responsible,
                ))
    return plans
