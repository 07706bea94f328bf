"""Demo 公约: the 楼道公约 of the demo grid's largest building, told once through the operations.

Drafted by the community (communitystaff), revised after the residents' comments (two recorded at
the doors by gridworker, one left on the public page), adopted by the households' vote forty days
ago, published, signed by most households, and a breach since: the grid worker's 楼道堆物 case,
resolved on the spot.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from areas.models import Area
from cases.models import Category, Channel
from cases.transitions import case_report_resolved
from demo import data
from participation import ballots, conventions
from participation.models import Ballot, Convention
from registry.models import Building

TITLE = "{building}楼道公约"
DRAFT = """为了营造整洁、安全、和谐的居住环境，经本楼居民协商，制定本公约。
一、楼道内不堆放杂物、废品，不占用消防通道和安全出口。
二、电动自行车不进楼道、不进家门，不私拉电线充电，到集中充电区充电。
三、爱护楼道灯、扶手、门禁等公共设施，损坏的及时告知楼栋长或物业。
四、保持楼道整洁，不乱贴小广告，垃圾分类后投放到指定地点。
五、邻里互助，互相提醒，共同遵守本公约。"""
REVISED = DRAFT.replace(
    "五、邻里互助，互相提醒，共同遵守本公约。",
    "五、文明养犬，犬只出入楼道须牵绳，及时清理犬只粪便。\n六、邻里互助，互相提醒，共同遵守本公约。")


def seed_conventions(areas: dict[str, Area], users: dict[str, User]) -> dict[str, int]:
    """Write the 楼道公约 story once; returns rows created per kind."""
    grid, community = areas[data.DEMO_GRID], areas["C1"]
    building = (Building.objects.filter(grid_code__startswith=grid.code)
                .annotate(doors=Count("dwellings__households")).filter(doors__gt=0).order_by("-doors", "pk").first())
    if building is None:
        return {}
    title = TITLE.format(building=building.name)
    if Convention.objects.filter(area_code__startswith=community.code, title=title).exists():
        return {}
    worker, staff = users["gridworker"], users["communitystaff"]
    start = timezone.now() - datetime.timedelta(days=60)
    convention = conventions.convention_draft(actor=staff, area=community, title=title, kind="stairwell",
                                              buildings=[building], text=DRAFT, now=start)
    conventions.convention_open_comments(actor=staff, convention=convention, now=start + datetime.timedelta(days=1))
    for day, text, who in ((2, "建议加上文明养犬的内容，楼道里常有狗粪。", "5楼住户"),
                           (3, "电动车集中充电区离楼太远，希望再加几个充电口。", "2楼住户")):
        conventions.convention_comment(actor=worker, convention=convention, text=text, commenter=who,
                                       now=start + datetime.timedelta(days=day))
    conventions.convention_comment(actor=None, convention=convention, text="同意，楼道干净了大家都舒服。",
                                   now=start + datetime.timedelta(days=4))
    conventions.convention_revise(actor=staff, convention=convention, text=REVISED,
                                  note="采纳居民意见，增加文明养犬条款", now=start + datetime.timedelta(days=6))
    ballot = conventions.convention_put_to_vote(actor=staff, convention=convention,
                                                now=start + datetime.timedelta(days=8))
    _collect(ballot, worker, against_every=12)
    conventions.convention_close_vote(actor=staff, convention=convention, now=start + datetime.timedelta(days=20))
    conventions.convention_publish(actor=staff, convention=convention, now=start + datetime.timedelta(days=21))
    signing = conventions.convention_open_signatures(actor=staff, convention=convention,
                                                     now=start + datetime.timedelta(days=21))
    _collect(signing, worker, against_every=0)
    breaches = _breach(convention, grid, building, worker, timezone.localdate() - datetime.timedelta(days=25))
    return {"公约": 1, "公约签署": signing.votes.count(), "违约记录": breaches}


def _collect(ballot: Ballot, worker: User, *, against_every: int) -> None:
    """Door to door: most households agree (or sign); one in ten is not reached."""
    for position, unit in enumerate(ballots.eligible_units(ballot)):
        if position % 10 == 6:
            continue
        choice = "against" if against_every and position % against_every == 11 else "agree"
        head = unit.household.head if unit.household else None
        ballots.vote_record(actor=worker, ballot=ballot, dwelling=unit.dwelling,
                            household=unit.household, choice=choice, signer_name=head.name if head else "户主",
                            signer_relation="户主")


def _breach(convention: Convention, grid: Area, building: Building, worker: User, day: datetime.date) -> int:
    category = Category.objects.filter(code="stairwell-clutter").first()
    if category is None:
        return 0
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    case = case_report_resolved(
        actor=worker, category=category, grid=building.grid, building=building, channel=Channel.GRID_WORKER,
        description=f"{building.name}2单元三楼楼道堆放纸箱和旧家具，堵塞通行。", address=building.address,
        note="已联系住户当场清理，并宣传楼道公约。", now=when,
    )
    conventions.convention_breach_record(actor=worker, convention=convention, occurred_on=day,
                                         note="楼道堆物，已当场清理", case=case)
    return 1
