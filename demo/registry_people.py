"""The demo population: households of plausible families with valid identity documents.

Everything is drawn from one ``random.Random`` passed in by the caller, so the same seed gives
the same people. Ages count back from ``AS_OF`` (a fixed date, so that ID numbers never
change); the caller decides where each household lives.

Proportions follow a Chinese city district: about 70 % 户籍, 15 % 常住 (hukou elsewhere,
settled here), 13 % 流动 (mostly tenants), a few 境外 residents with passports; 汉族 with some
回族, 满族 and 蒙古族; old estates hold more elderly people, new ones young families and tenants.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from demo.people import MOBILE_PREFIXES, SURNAMES
from registry.models import DocumentType, Gender, PoliticalStatus, Relation, ResidencyType, ResidentStatus
from registry.validators import id_check_digit

AS_OF = datetime.date(2026, 1, 1)

MALE_NAMES = (
    "建国", "建华", "建军", "国庆", "国强", "志强", "志刚", "卫东", "卫国", "红军", "海涛", "晓东", "晓明", "文华",
    "明辉", "俊杰", "浩然", "思远", "一鸣", "宏伟", "振华", "德胜", "保国", "新民", "爱民", "永强", "长青", "子轩",
    "宇航", "梓豪", "博文", "天佑", "伟", "磊", "勇", "军", "杰", "涛", "明", "超", "平", "刚", "辉", "鹏", "斌",
    "峰", "博", "帅", "晨", "阳", "鑫", "浩", "凯", "毅", "亮", "强", "飞", "昊天", "铭泽", "沐阳", "嘉豪", "书恒",
)
FEMALE_NAMES = (
    "海燕", "晓燕", "晓玲", "丽娟", "丽华", "丽萍", "秀兰", "秀英", "秀珍", "桂英", "桂兰", "桂芳", "玉兰", "玉梅",
    "凤英", "淑珍", "淑华", "红霞", "春梅", "冬梅", "雪梅", "文静", "子涵", "雨萱", "佳怡", "梦洁", "欣怡", "金凤",
    "素芳", "素琴", "瑞芳", "慧敏", "静", "敏", "艳", "娟", "霞", "倩", "颖", "璐", "婷", "琳", "芳", "欣", "瑶",
    "梓涵", "诗涵", "若汐", "一诺", "可馨", "思琪", "雅琪", "晓雯", "丹丹", "莉", "萍", "燕", "红", "梅", "娜",
)
_SURNAME_WEIGHTS = [1 / (rank + 8) for rank in range(len(SURNAMES))]
HUI_SURNAMES = "马白穆哈沙丁米海金杨"

# Address codes (GB/T 2260) of ID numbers: 郑州 districts and counties for people registered
# here, other cities of 河南 and other provinces for people who came from elsewhere.
ZHENGZHOU_REGIONS = (
    "410102", "410102", "410102", "410103", "410104", "410105", "410106", "410108", "410122", "410181",
    "410182", "410183", "410184", "410185",
)
HENAN_REGIONS = (
    "410202", "410302", "410402", "410502", "410702", "410802", "411002", "411102", "411302", "411402",
    "411502", "411602", "411702", "411723", "411422", "411321",
)
OTHER_PROVINCE_REGIONS = (
    "340102", "370102", "420102", "130102", "140105", "320102", "610102", "510104", "360102", "430102",
    "340321", "370828", "130633", "612729", "421181", "320382",
)

KINDERGARTENS = ("郑州市中原区茜城花园幼儿园", "锦艺城小哈佛幼儿园")
PRIMARY_SCHOOLS = ("郑州市中原区茜城小学", "郑州市中原区茜城小学", "郑州市中原区锦艺小学")
MIDDLE_SCHOOLS = ("郑州市第五十七中学", "郑州市第十九中学")
HIGH_SCHOOLS = ("郑州市第十九中学", "郑州外国语中学", "郑州市第一中学")
UNIVERSITIES = ("郑州大学", "河南工业大学", "郑州轻工业大学", "河南财经政法大学", "中原工学院")
EMPLOYERS = (
    "郑州锦艺置业有限公司", "中国工商银行郑州航海西路支行", "中原区航海西路社区卫生服务中心", "郑州市第五十七中学",
    "国网郑州供电公司航海西路供电所", "航海西路邮政支局", "中国移动航海西路营业厅", "郑州宇通客车股份有限公司",
    "河南省人民医院", "郑州市中心医院", "郑州地铁集团有限公司", "河南中原云帆信息技术有限公司", "郑州日产汽车有限公司",
    "中原区人民政府", "郑州海关", "河南建业集团", "郑州郑煤机股份有限公司", "郑州百盛商贸有限公司",
    "河南省农业科学院", "郑州市公交集团", "惠万家生活超市", "个体经营", "自由职业", "个体经营",
)
MIGRANT_JOBS = ("外卖骑手", "快递员", "个体经营", "建筑工地", "餐饮服务员", "网约车司机", "商场导购", "家政服务")
OVERSEAS = (
    ("韩国", DocumentType.PASSPORT, "M", ("朴志勋", "金敏俊", "李在成"), ("金秀妍", "崔允熙")),
    ("日本", DocumentType.PASSPORT, "TR", ("佐藤健", "田中浩二"), ("山本由美",)),
    ("美国", DocumentType.PASSPORT, "", ("JOHN MILLER", "DAVID CLARK"), ("EMILY CLARK",)),
    ("中国香港", DocumentType.HK_MACAU, "H", ("陈家俊", "黄志明"), ("林嘉欣",)),
)


@dataclass(slots=True)
class PersonPlan:
    """One planned resident; ``tags`` are care-tag codes, ``verified`` days before seeding (or None)."""

    name: str
    gender: str
    birth_date: datetime.date
    document_type: str
    number: str
    residency: str
    ethnicity: str = "汉族"
    phone: str = ""
    political: str = PoliticalStatus.MASSES
    workplace: str = ""
    notes: str = ""
    status: str = ResidentStatus.PRESENT
    tags: set[str] = field(default_factory=set)

    def age(self, on: datetime.date = AS_OF) -> int:
        born = self.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass(slots=True)
class StayPlan:
    person: PersonPlan
    relation: str
    moved_in_on: datetime.date
    moved_out_on: datetime.date | None = None


@dataclass(slots=True)
class HouseholdPlan:
    """A household: its stays (the first is the head's), what kind of family it is, notes."""

    kind: str
    stays: list[StayPlan] = field(default_factory=list)
    notes: str = ""

    @property
    def head(self) -> PersonPlan | None:
        return self.stays[0].person if self.stays else None

    @property
    def current(self) -> list[PersonPlan]:
        return [stay.person for stay in self.stays if stay.moved_out_on is None]


# Household kinds by how old the estate's population is (weights of owner-occupied dwellings).
OWNER_KINDS: dict[str, dict[str, int]] = {
    "old": {"young_family": 10, "three_generations": 12, "mature_family": 16, "couple": 4, "empty_nest": 24,
            "single_elderly": 14, "single_adult": 5, "left_behind": 1, "elderly_with_child": 12},
    "mixed": {"young_family": 24, "three_generations": 16, "mature_family": 18, "couple": 8, "empty_nest": 14,
              "single_elderly": 7, "single_adult": 6, "left_behind": 1, "elderly_with_child": 5},
    "new": {"young_family": 40, "three_generations": 20, "mature_family": 12, "couple": 14, "empty_nest": 5,
            "single_elderly": 2, "single_adult": 6, "left_behind": 1},
}
TENANT_KINDS = {"tenant_single": 40, "tenant_couple": 30, "tenant_family": 18, "tenant_shared": 12}


class Population:
    """Draws people and households; keeps ID numbers and phones unique across the whole demo."""

    def __init__(self, draw: random.Random) -> None:
        self.draw = draw
        self.numbers: set[str] = set()
        self.phones: set[str] = set()

    # -- single values ------------------------------------------------------------------

    def birth_date(self, age_low: int, age_high: int) -> datetime.date:
        age = self.draw.randint(age_low, age_high)
        return AS_OF - datetime.timedelta(days=365 * age + self.draw.randrange(1, 365))

    def id_number(self, region: str, born: datetime.date, gender: str) -> str:
        """A GB 11643 number: address code, birth date, sequence (odd for men), check character."""
        while True:
            sequence = self.draw.randrange(1, 500) * 2 - (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def passport(self, prefix: str) -> str:
        while True:
            number = prefix + "".join(str(self.draw.randrange(10)) for _ in range(9 - len(prefix)))
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.draw.choice(MOBILE_PREFIXES) + f"{self.draw.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def given_name(self, gender: str) -> str:
        return self.draw.choice(MALE_NAMES if gender == Gender.MALE else FEMALE_NAMES)

    def surname(self, ethnicity: str = "汉族") -> str:
        if ethnicity == "回族" and self.draw.random() < 0.7:
            return self.draw.choice(HUI_SURNAMES)
        return self.draw.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]

    def ethnicity(self) -> str:
        roll = self.draw.random()
        return "回族" if roll < 0.016 else "满族" if roll < 0.020 else "蒙古族" if roll < 0.023 else "汉族"

    def region(self, residency: str) -> str:
        if residency == ResidencyType.REGISTERED:
            pool = ZHENGZHOU_REGIONS if self.draw.random() < 0.85 else HENAN_REGIONS
        elif residency == ResidencyType.PERMANENT:
            pool = HENAN_REGIONS if self.draw.random() < 0.7 else OTHER_PROVINCE_REGIONS
        else:
            pool = HENAN_REGIONS if self.draw.random() < 0.45 else OTHER_PROVINCE_REGIONS
        return self.draw.choice(pool)

    # -- people -------------------------------------------------------------------------

    def person(
        self, gender: str, ages: tuple[int, int], residency: str, *, surname: str = "", ethnicity: str = "",
        region: str = "", retired_from: str = "",
    ) -> PersonPlan:
        ethnicity = ethnicity or self.ethnicity()
        born = self.birth_date(*ages)
        region = region or self.region(residency)
        person = PersonPlan(
            name=(surname or self.surname(ethnicity)) + self.given_name(gender), gender=gender, birth_date=born,
            document_type=DocumentType.ID_CARD, number=self.id_number(region, born, gender), residency=residency,
            ethnicity=ethnicity,
        )
        age = person.age()
        # Adults have a phone, except some of the very old (a gap the coverage page shows).
        if age >= 18 and not (age >= 88 and self.draw.random() < 0.3):
            person.phone = self.mobile()
        person.workplace = self.occupation(age, residency, retired_from)
        person.political = self.political(age)
        return person

    def occupation(self, age: int, residency: str, retired_from: str) -> str:
        if age < 3:
            return ""
        if age < 6:
            return self.draw.choice(KINDERGARTENS)
        if age < 12:
            return self.draw.choice(PRIMARY_SCHOOLS)
        if age < 15:
            return self.draw.choice(MIDDLE_SCHOOLS)
        if age < 18:
            return self.draw.choice(HIGH_SCHOOLS)
        if age < 23 and self.draw.random() < 0.6:
            return self.draw.choice(UNIVERSITIES)
        if age >= 60:
            return f"退休（原{retired_from}）" if retired_from and self.draw.random() < 0.7 else "退休"
        if residency == ResidencyType.FLOATING:
            return self.draw.choice(MIGRANT_JOBS)
        return self.draw.choice(EMPLOYERS) if self.draw.random() < 0.9 else "待业"

    def political(self, age: int) -> str:
        roll = self.draw.random()
        if age < 14:
            return PoliticalStatus.MASSES
        if age < 28:
            if roll < 0.04:
                return PoliticalStatus.PARTY_MEMBER
            if roll < 0.05:
                return PoliticalStatus.PROBATIONARY
            return PoliticalStatus.LEAGUE_MEMBER if roll < 0.45 else PoliticalStatus.MASSES
        party = 0.16 if age >= 60 else 0.10
        if roll < party:
            return PoliticalStatus.PARTY_MEMBER
        return PoliticalStatus.DEMOCRATIC_PARTY if roll > 0.997 else PoliticalStatus.MASSES

    def couple(
        self, ages: tuple[int, int], residency: str, retired_from: str = ""
    ) -> tuple[PersonPlan, PersonPlan]:
        husband = self.person(Gender.MALE, ages, residency, retired_from=retired_from)
        low, high = ages
        wife_ages = (max(18, low - 3), max(18, high - 2))
        wife = self.person(Gender.FEMALE, wife_ages, residency, retired_from=retired_from)
        return husband, wife

    def children(self, father: PersonPlan, count: int, ages: tuple[int, int]) -> list[PersonPlan]:
        residency = ResidencyType.REGISTERED if father.residency == ResidencyType.PERMANENT else father.residency
        surname = father.name[0]
        region = father.number[:6] if self.draw.random() < 0.6 else ""
        return [
            self.person(self.draw.choice(Gender.values), ages, residency, surname=surname,
                        ethnicity=father.ethnicity, region=region)
            for _ in range(count)
        ]

    # -- households ---------------------------------------------------------------------

    def owner_household(self, age_profile: str, built: int, retired_from: str) -> HouseholdPlan:
        """The family living in a flat it owns; most are 户籍, some 常住 (hukou still elsewhere)."""
        kinds = OWNER_KINDS[age_profile]
        kind = self.draw.choices(list(kinds), weights=list(kinds.values()))[0]
        permanent_share = {"old": 0.12, "mixed": 0.22, "new": 0.36}[age_profile]
        residency = ResidencyType.PERMANENT if self.draw.random() < permanent_share else ResidencyType.REGISTERED
        since = self.moved_in(built)
        return self.family(kind, residency, since, retired_from)

    def tenant_household(self, built: int) -> HouseholdPlan:
        """Renters: mostly 流动人口, some settled 常住 families."""
        kind = self.draw.choices(list(TENANT_KINDS), weights=list(TENANT_KINDS.values()))[0]
        residency = ResidencyType.FLOATING if self.draw.random() < 0.88 else ResidencyType.PERMANENT
        since = AS_OF - datetime.timedelta(days=self.draw.randrange(30, 365 * 4))
        return self.family(kind, residency, max(since, datetime.date(built, 6, 1)), "")

    def overseas_household(self) -> HouseholdPlan:
        """Foreign or Hong Kong residents renting here, with passports or 通行证."""
        country, document_type, prefix, men, women = self.draw.choice(OVERSEAS)
        since = AS_OF - datetime.timedelta(days=self.draw.randrange(60, 900))
        household = HouseholdPlan("overseas", notes=f"境外人员（{country}），已办理住宿登记。")
        people = [(self.draw.choice(men), Gender.MALE)]
        if self.draw.random() < 0.6:
            people.append((self.draw.choice(women), Gender.FEMALE))
        for position, (name, gender) in enumerate(people):
            person = PersonPlan(
                name=name, gender=gender, birth_date=self.birth_date(28, 50), document_type=document_type,
                number=self.passport(prefix or "5"), residency=ResidencyType.OVERSEAS, ethnicity="其他",
                phone=self.mobile(), workplace=self.draw.choice(("郑州日产汽车有限公司", "河南中原云帆信息技术有限公司",
                                                                 "郑州外国语中学")),
                notes=f"国籍：{country}",
            )
            household.stays.append(StayPlan(person, Relation.HEAD if position == 0 else Relation.SPOUSE, since))
        return household

    def moved_in(self, built: int) -> datetime.date:
        start = datetime.date(built, 6, 1)
        span = max(30, (AS_OF - start).days - 60)
        return start + datetime.timedelta(days=self.draw.randrange(span))

    def family(self, kind: str, residency: str, since: datetime.date, retired_from: str) -> HouseholdPlan:
        household = HouseholdPlan(kind)
        add = self._adder(household, since)
        draw = self.draw
        if kind in ("young_family", "tenant_family", "three_generations"):
            husband, wife = self.couple((29, 44), residency)
            add(husband, Relation.HEAD)
            add(wife, Relation.SPOUSE)
            for child in self.children(husband, 1 if draw.random() < 0.55 else 2, (0, 15)):
                add(child, Relation.CHILD)
            if kind == "three_generations":
                grandfather = self.person(Gender.MALE, (60, 84), ResidencyType.REGISTERED,
                                          surname=husband.name[0], retired_from=retired_from)
                grandmother = self.person(Gender.FEMALE, (58, 82), ResidencyType.REGISTERED,
                                          retired_from=retired_from)
                for elder in (grandfather, grandmother) if draw.random() < 0.6 else (grandmother,):
                    add(elder, Relation.PARENT)
        elif kind == "mature_family":
            husband, wife = self.couple((46, 59), residency, retired_from)
            add(husband, Relation.HEAD)
            add(wife, Relation.SPOUSE)
            for child in self.children(husband, 1, (16, 30)):
                add(child, Relation.CHILD)
        elif kind in ("couple", "tenant_couple"):
            husband, wife = self.couple((24, 38), residency)
            add(husband, Relation.HEAD)
            add(wife, Relation.SPOUSE)
        elif kind == "empty_nest":
            husband, wife = self.couple((62, 88), residency, retired_from)
            add(husband, Relation.HEAD)
            add(wife, Relation.SPOUSE)
        elif kind == "single_elderly":
            gender = Gender.FEMALE if draw.random() < 0.65 else Gender.MALE
            add(self.person(gender, (63, 95), residency, retired_from=retired_from), Relation.HEAD)
        elif kind == "elderly_with_child":
            parent = self.person(draw.choice(Gender.values), (78, 96), residency, retired_from=retired_from)
            add(parent, Relation.HEAD)
            child = self.person(draw.choice(Gender.values), (50, 64), residency, retired_from=retired_from)
            if parent.gender == Gender.MALE:
                child.name = parent.name[0] + self.given_name(child.gender)
            add(child, Relation.CHILD)
        elif kind == "left_behind":
            grandfather, grandmother = self.couple((56, 72), residency, retired_from)
            add(grandfather, Relation.HEAD)
            add(grandmother, Relation.SPOUSE)
            for child in self.children(grandfather, 1 if draw.random() < 0.7 else 2, (4, 14)):
                child.tags.add("left_behind_child")
                child.notes = "父母在外地务工，由祖父母照看。"
                add(child, Relation.GRANDCHILD)
        elif kind == "tenant_shared":
            for position in range(draw.randint(2, 4)):
                tenant = self.person(draw.choice(Gender.values), (19, 32), residency)
                add(tenant, Relation.HEAD if position == 0 else Relation.TENANT)
        else:  # single_adult, tenant_single
            add(self.person(draw.choice(Gender.values), (22, 55), residency), Relation.HEAD)
        return household

    @staticmethod
    def _adder(household: HouseholdPlan, since: datetime.date) -> Callable[[PersonPlan, str], None]:
        def add(person: PersonPlan, relation: str) -> None:
            household.stays.append(StayPlan(person, relation, max(since, person.birth_date)))

        return add


# --- care tags -----------------------------------------------------------------------------

def assign_care_tags(households: list[HouseholdPlan], draw: random.Random) -> None:
    """Tag the planned people as a community would: by age and family, and a share of each need.

    高龄老人 is everyone of 80 and over; 独居老人 and 空巢老人 follow from the household; 残疾人
    (about 2 %), 退役军人 (about 2 %) and 低保户 (whole households, about 1.5 % of people) are
    drawn until their share is reached; 特困人员, 困境儿童 and 重点关注 are a handful.
    """
    people = [person for household in households for person in household.current]
    for household in households:
        current = household.current
        for person in current:
            if person.age() >= 80:
                person.tags.add("very_old")
        elderly = [person for person in current if person.age() >= 60]
        if household.kind == "single_elderly" and len(current) == 1 and elderly:
            current[0].tags.add("living_alone_elderly")
        elif household.kind == "empty_nest" and len(elderly) == len(current) == 2:
            for person in current:
                person.tags.add("empty_nest_elderly")
    total = len(people)
    _draw_until(draw, people, "disabled", round(total * 0.02), weight=lambda p: 3 if p.age() >= 60 else 1)
    _draw_until(draw, [p for p in people if p.gender == Gender.MALE and 30 <= p.age() <= 85],
                "veteran", round(total * 0.02))
    _tag_households(draw, households, "subsistence_allowance", round(total * 0.015))
    poor_children = [p for h in households if "subsistence_allowance" in _tags_of(h) for p in h.current
                     if p.age() < 16]
    for child in poor_children[: max(3, len(poor_children) // 3)]:
        child.tags.add("child_in_difficulty")
    lonely = [p for p in people if "living_alone_elderly" in p.tags or ("disabled" in p.tags and p.age() >= 60)]
    _draw_until(draw, lonely, "extreme_poverty", max(3, total // 800))
    _draw_until(draw, [p for p in people if 25 <= p.age() <= 60], "special_attention", max(3, total // 600))


def _tags_of(household: HouseholdPlan) -> set[str]:
    return {tag for person in household.current for tag in person.tags}


def _draw_until(
    draw: random.Random, pool: list[PersonPlan], tag: str, wanted: int,
    weight: Callable[[PersonPlan], float] | None = None,
) -> None:
    """Give ``tag`` to ``wanted`` people of the pool (weighted), in a reproducible order."""
    candidates = [person for person in pool if tag not in person.tags]
    weights = [weight(person) if weight else 1.0 for person in candidates]
    keys = sorted(range(len(candidates)), key=lambda i: draw.random() ** (1 / weights[i]), reverse=True)
    for index in keys[:wanted]:
        candidates[index].tags.add(tag)


def _tag_households(draw: random.Random, households: list[HouseholdPlan], tag: str, wanted: int) -> None:
    """Tag every member of randomly chosen owner households (a 低保 household is poor as a whole)."""
    pool = [household for household in households if household.current and household.kind != "overseas"]
    draw.shuffle(pool)
    tagged = 0
    for household in pool:
        if tagged >= wanted:
            break
        for person in household.current:
            person.tags.add(tag)
        tagged += len(household.current)
