"""What the demo street looks like: 郑州市中原区航海西路街道, four communities, eighteen grids.

Written as data so it reads like the 公示牌 of a real street: names, 四至, households,
feature tags, the departments that serve it and one login per role. ``demo.seed``
turns it into records; ``demo.layout`` turns ``GRID_MAP`` into boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import OrganisationKind

DISTRICT_CODE = "410102000000"
DISTRICT_NAME = "中原区"
STREET_CODE = "410102005000"
STREET_NAME = "航海西路街道"
STREET_BOUNDS = "嵩山南路/桐柏南路/航海西路/淮河西路"

# A rough outline of 中原区 (WGS-84, counter-clockwise); it contains the street.
DISTRICT_OUTLINE: tuple[tuple[float, float], ...] = (
    (113.478, 34.742), (113.512, 34.712), (113.563, 34.703), (113.612, 34.712), (113.655, 34.716),
    (113.662, 34.748), (113.640, 34.781), (113.596, 34.806), (113.540, 34.812), (113.492, 34.786),
)

# One character per cell of about 100 m × 100 m; the top line is the north. Each letter is a
# grid (see GRIDS); a community is the union of its grids.
GRID_MAP = """
aaaabbbbbfffgggg
aaaabbbbbfffgggg
ccccdddddfffgggg
ccccddddhhhhiiii
ssseeeeehhhhiiii
ssseeeeehhhhiiii
jjjjkkkknnnnoooo
jjjjkkkknnnnoooo
jjjlllllnnnppppp
mmmlllllqqqppppp
mmmmmllqqqqppppp
mmmmmllqqqqppppp
"""


@dataclass(frozen=True)
class TagSpec:
    code: str
    name: str
    description: str


# The "九型网格" of the seed work summary; the first six are the ones most streets use.
TAGS: tuple[TagSpec, ...] = (
    TagSpec("volunteer", "志愿型", "发挥社区志愿者队伍作用，开展“零距离、结对子、解难题”活动。"),
    TagSpec("safety", "平安型", "微网格常态化运行，定期收集居民诉求和矛盾纠纷，做好台账。"),
    TagSpec("rule_of_law", "法治型", "法律读书角、普法宣传队，帮助老年人防范电信诈骗。"),
    TagSpec("care", "关爱型", "建立关爱老人志愿服务队，定期“敲敲门”上门结对服务。"),
    TagSpec("elderly_care", "居家养老型", "“情暖空巢 守望相助”结对帮扶空巢老人，健康义诊、关怀慰问。"),
    TagSpec("civility", "文明型", "倡导文明行为，共建文明、整洁、舒适、优美的社区环境。"),
    TagSpec("benefit", "惠民型", "老旧小区改造问需于民、问计于民、问效于民。"),
    TagSpec("bridge", "连心桥型", "“三事连心桥”：解决群众操心事、烦心事、揪心事。"),
    TagSpec("science", "科普型", "科普讲座、节水宣传、手抄报，吸引青少年参与。"),
)


def four_bounds(bounds: str) -> str:
    """'东/西/南/北' road names as the 四至 text of a 公示牌."""
    east, west, south, north = bounds.split("/")
    return f"东至{east}，西至{west}，南至{south}，北至{north}"


@dataclass(frozen=True)
class GridSpec:
    """One grid of the map: the estates it covers, its 四至 ('东/西/南/北') and its 楼栋长 seats.

    A grid with ``served_unit`` is a 专属网格 (a school); ``microgrids`` splits it into one
    micro-grid per cell, in the order of ``buildings``.
    """

    key: str
    sequence: int
    households: int | None
    estate: str
    bounds: str
    tags: tuple[str, ...]
    buildings: tuple[str, ...]
    served_unit: str = ""
    name: str = ""
    microgrids: bool = False

    @property
    def address(self) -> str:
        return f"{self.estate}（{four_bounds(self.bounds)}）"


@dataclass(frozen=True)
class CommunitySpec:
    key: str
    code: str
    name: str
    bounds: str
    description: str
    grids: tuple[GridSpec, ...] = field(default_factory=tuple)


def _buildings(estate: str, first: int, last: int, per_head: int = 1) -> tuple[str, ...]:
    """Building-head seats for buildings first..last, ``per_head`` buildings each."""
    seats = []
    for start in range(first, last + 1, per_head):
        end = min(start + per_head - 1, last)
        seats.append(f"{estate}{start}号楼" if start == end else f"{estate}{start}—{end}号楼")
    return tuple(seats)


G = GridSpec
COMMUNITIES: tuple[CommunitySpec, ...] = (
    CommunitySpec(
        "C1", "410102005001", "茜城花园社区", "伏牛南路/桐柏南路/汝河西路/淮河西路",
        "商品房小区与拆迁安置小区相邻，微网格长队伍健全；辖区有茜城小学。",
        (
            G("a", 1, 384, "茜城花园北区1—8号楼", "茜城花园中路/桐柏南路/北区围墙/淮河西路",
              ("safety", "volunteer"), _buildings("茜城花园北区", 1, 8), microgrids=True),
            G("b", 2, 452, "茜城花园北区9—18号楼", "伏牛南路/茜城花园中路/北区中心广场/淮河西路",
              ("civility",), _buildings("茜城花园北区", 9, 18, 2)),
            G("c", 3, 336, "茜城花园南区1—7号楼", "南区中路/桐柏南路/茜城小学北墙/北区围墙",
              ("elderly_care", "care"), _buildings("茜城花园南区", 1, 7, 2)),
            G("d", 4, 418, "茜城花园南区8—16号楼", "伏牛南路/南区中路/南区南门/北区中心广场",
              ("rule_of_law",), _buildings("茜城花园南区", 8, 16, 3)),
            G("e", 5, 365, "建业家属院、汝河西路沿街商户", "伏牛南路/茜城小学东墙/汝河西路/南区南门",
              ("volunteer", "benefit"), ("建业家属院1号楼", "建业家属院2号楼", "汝河西路沿街商铺")),
            G("s", 6, None, "茜城小学校园", "茜城小学东墙/桐柏南路/汝河西路/南区围墙",
              ("safety", "science"), ("教学楼", "综合楼", "教师公寓"),
              served_unit="郑州市中原区茜城小学", name="茜城小学专属网格"),
        ),
    ),
    CommunitySpec(
        "C2", "410102005002", "锦艺社区", "嵩山南路/伏牛南路/汝河西路/淮河西路",
        "新建商品房小区为主，年轻家庭多，流动人口和租户较多。",
        (
            G("f", 1, 480, "锦艺城一期1—9号楼", "锦艺路/伏牛南路/一期南门/淮河西路",
              ("civility", "volunteer"), _buildings("锦艺城", 1, 9, 2)),
            G("g", 2, 496, "锦艺城二期10—21号楼", "嵩山南路/锦艺路/二期南门/淮河西路",
              ("safety",), _buildings("锦艺城", 10, 21, 3)),
            G("h", 3, 372, "御景花园1—11号楼", "锦艺路/伏牛南路/汝河西路/锦艺城一期南门",
              ("care", "elderly_care"), _buildings("御景花园", 1, 11, 3)),
            G("i", 4, 341, "华山名郡、嵩山南路沿街商户", "嵩山南路/锦艺路/汝河西路/锦艺城二期南门",
              ("rule_of_law", "bridge"), ("华山名郡1号楼", "华山名郡2号楼", "华山名郡3号楼", "嵩山南路沿街商铺")),
        ),
    ),
    CommunitySpec(
        "C3", "410102005003", "城富花苑社区", "伏牛南路/桐柏南路/航海西路/汝河西路",
        "老旧拆迁安置小区为主，居民以老人居多，人口密度大，活动空间较小。",
        (
            G("j", 1, 412, "城富花苑1—10号楼", "城富路/桐柏南路/五星花苑北墙/汝河西路",
              ("elderly_care", "care"), _buildings("城富花苑", 1, 10, 2)),
            G("k", 2, 308, "城富花苑11—16号楼", "伏牛南路/城富路/城富花苑南门/汝河西路",
              ("volunteer",), _buildings("城富花苑", 11, 16, 2)),
            G("l", 3, 446, "五星花苑1—12号楼", "伏牛南路/五星花苑西墙/航海西路/城富花苑南门",
              ("benefit", "safety"), _buildings("五星花苑", 1, 12, 3)),
            G("m", 4, 389, "电缆厂家属院、航海西路沿街商户", "五星花苑西墙/桐柏南路/航海西路/五星花苑北墙",
              ("care", "civility"), ("电缆厂家属院1—3号楼", "电缆厂家属院4—6号楼", "航海西路沿街商铺")),
        ),
    ),
    CommunitySpec(
        "C4", "410102005004", "通惠社区", "嵩山南路/伏牛南路/航海西路/汝河西路",
        "以通惠花苑为控违试点，社区、物业、综合执法三方联动；综合市场人流大。",
        (
            G("n", 1, 437, "通惠花苑1—12号楼", "通惠路/伏牛南路/通惠花苑南门/汝河西路",
              ("safety", "rule_of_law"), _buildings("通惠花苑", 1, 12, 3)),
            G("o", 2, 322, "通惠花苑13—20号楼", "嵩山南路/通惠路/通惠花苑南门/汝河西路",
              ("civility",), _buildings("通惠花苑", 13, 20, 2)),
            G("p", 3, 468, "航海西路综合市场、金桥小区", "嵩山南路/通惠路/航海西路/通惠花苑南门",
              ("safety", "bridge"), ("金桥小区1—4号楼", "金桥小区5—8号楼", "综合市场A区", "综合市场B区")),
            G("q", 4, 356, "纺机厂家属院1—9号楼", "通惠路/伏牛南路/航海西路/通惠花苑南门",
              ("elderly_care", "volunteer"), _buildings("纺机厂家属院", 1, 9, 3)),
        ),
    ),
)

# Local units that send a 辖区单位联络员 (picked by a grid's position).
LOCAL_UNITS = (
    "中国工商银行郑州航海西路支行", "郑州市中原区茜城小学", "中原区航海西路社区卫生服务中心",
    "郑州市第五十七中学", "国网郑州供电公司航海西路供电所", "航海西路邮政支局",
    "郑州锦艺置业有限公司", "中国移动航海西路营业厅",
)
# Departments that send a 协管员, with the organisation (if any) they belong to.
ASSISTANT_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("民政", "中原区民政局"),
    ("司法", "航海西路街道司法所"),
    ("住建", "中原区住房和城乡建设局"),
    ("卫健", ""),
    ("市场监管", "中原区市场监督管理局航海西路市场监管所"),
    ("城管", "中原区城市管理局"),
)


@dataclass(frozen=True)
class OrganisationSpec:
    """An organisation that handles cases. ``home`` and ``serves`` name areas: district,
    street, a community key (C1…C4) or a grid key."""

    name: str
    kind: str
    home: str
    serves: tuple[str, ...]
    phone: str
    address: str


POLICE_STATION = "郑州市公安局中原分局航海西路派出所"
ENFORCEMENT_SQUAD = "航海西路街道综合行政执法中队"

ORGANISATIONS: tuple[OrganisationSpec, ...] = (
    OrganisationSpec("郑州茜城物业服务有限公司", OrganisationKind.PROPERTY, "street", ("C1",),
                     "0371-67831526", "茜城花园北区物业服务中心"),
    OrganisationSpec("河南锦艺物业管理有限公司", OrganisationKind.PROPERTY, "street", ("C2",),
                     "0371-68916270", "锦艺城一期3号楼底商"),
    OrganisationSpec("郑州通惠物业服务有限公司", OrganisationKind.PROPERTY, "street", ("C3", "C4"),
                     "0371-67752318", "通惠花苑南门东侧"),
    OrganisationSpec(ENFORCEMENT_SQUAD, OrganisationKind.ENFORCEMENT, "street", ("street",),
                     "0371-67781203", "航海西路街道办事处院内"),
    OrganisationSpec("国网郑州供电公司航海西路供电所", OrganisationKind.POWER, "street", ("street",),
                     "0371-67659528", "伏牛南路与汝河西路交叉口西南角"),
    OrganisationSpec("中原区消防救援大队航海西路消防救援站", OrganisationKind.FIRE, "district", ("street",),
                     "0371-67621119", "航海西路与桐柏南路交叉口西100米"),
    OrganisationSpec("中原区住房和城乡建设局", OrganisationKind.HOUSING, "district", ("district",),
                     "0371-67189206", "中原区中原中路233号"),
    OrganisationSpec("中原区民政局", OrganisationKind.CIVIL_AFFAIRS, "district", ("district",),
                     "0371-67189312", "中原区中原中路233号"),
    OrganisationSpec(POLICE_STATION, OrganisationKind.POLICE, "street", ("street",),
                     "0371-67630110", "汝河西路与锦艺路交叉口"),
    OrganisationSpec("中原区城市管理局", OrganisationKind.URBAN_MANAGEMENT, "district", ("district",),
                     "0371-67186012", "中原区棉纺西路32号"),
    OrganisationSpec("航海西路街道司法所", OrganisationKind.JUSTICE, "street", ("street",),
                     "0371-67781148", "航海西路街道办事处二楼"),
    OrganisationSpec("中原区市场监督管理局航海西路市场监管所", OrganisationKind.MARKET, "street", ("street",),
                     "0371-67783315", "航海西路综合市场北门"),
)


@dataclass(frozen=True)
class LoginSpec:
    """One demo login. ``areas`` are where the role is assigned; ``seats`` the team seats
    (grid key, duty, index) the person fills; ``organisation`` makes them its member."""

    username: str
    role: str
    full_name: str
    areas: tuple[str, ...]
    seats: tuple[tuple[str, str, int], ...] = ()
    organisation: str = ""
    title: str = ""
    is_staff: bool = False


SUPERUSER = "admin"
SUPERUSER_NAME = "系统管理员"

# The grid whose team the grid-level logins belong to (it also has the micro-grids).
DEMO_GRID = "a"

LOGINS: tuple[LoginSpec, ...] = (
    LoginSpec("gridworker", "grid_worker", "郭晓玲", (DEMO_GRID,), ((DEMO_GRID, "fulltime_worker", 0),)),
    LoginSpec("buildinghead", "building_head", "孙保国", (DEMO_GRID,), ((DEMO_GRID, "building_head", 0),)),
    LoginSpec("gridleader", "grid_leader", "李卫东", (DEMO_GRID,), ((DEMO_GRID, "grid_leader", 0),)),
    LoginSpec("supervisor", "supervisor", "赵振华", ("C1",),
              tuple((spec.key, "supervisor", 0) for spec in COMMUNITIES[0].grids)),
    LoginSpec("communitystaff", "community_staff", "王丽萍", ("C1",)),
    LoginSpec("dispatcher", "street_dispatcher", "陈慧敏", ("street",)),
    LoginSpec("streetleader", "street_leader", "张建华", ("street",)),
    LoginSpec("depthandler", "department_handler", "刘志刚", ("street",),
              organisation=ENFORCEMENT_SQUAD, title="执法队员"),
    LoginSpec("propertyhandler", "property_handler", "杨春梅", ("C1",),
              organisation="郑州茜城物业服务有限公司", title="客服主管"),
    LoginSpec("areaadmin", "area_admin", "周文华", ("district",), is_staff=True),
)
