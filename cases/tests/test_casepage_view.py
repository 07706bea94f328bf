"""The case page: what it shows, to whom (scope), and which actions it offers to each role."""

from __future__ import annotations

import datetime
import importlib
import json
import re

import pytest
from django.test import override_settings

from accounts.models import OrganisationMember
from accounts.testing import make_user
from cases import transitions as t
from cases.models import Channel, Status
from cases.testing import advance, report, tiny_photo

ACTION = re.compile(r'id="do-([a-z_]+)"')



def page(client, user, case):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client.get(f"/cases/{case.number}/")


def offered(client, user, case) -> list[str]:  # type: ignore[no-untyped-def]
    response = page(client, user, case)
    assert response.status_code == 200
    return ACTION.findall(response.content.decode())


def test_it_shows_the_facts_deadlines_reporter_and_photos(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, category="t-building", attributes={"area": "12.5"}, photos=[tiny_photo()],
                  channel=Channel.HOTLINE, actor=cc.dispatcher, reporter_name="王大妈", reporter_phone="13812345678",
                  longitude=113.51, latitude=34.72)
    response = page(client, cc.dispatcher, case)
    html = response.content.decode()
    assert response.status_code == 200
    assert case.number in html and "违章搭建" in html and 'data-status="reported"' in html
    assert "3号楼2单元楼道堆放杂物" in html and "百花社区第一网格" in html
    assert "搭建面积（平方米）" in html and "12.5" in html
    assert "热线电话" in html
    assert "王大妈" in html and "138****5678" in html and "13812345678" not in html
    photo = case.attachments.get()
    assert f'src="/cases/photo/{photo.token}/"' in html
    assert photo.image.url not in html  # never the media path
    clocks = html[html.index('id="deadlines"'):html.index('id="photos"')]
    assert clocks.count("<tr class=\"stage-") == 5 and "table-active" in clocks
    config = json.loads(re.search(r'id="case-map-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["lng"] == pytest.approx(113.51) and config["lat"] == pytest.approx(34.72)
    timeline = html[html.index('id="timeline"'):]
    assert "上报" in timeline and "dispatcher1" in timeline


def test_it_draws_the_point_in_the_tiles_coordinate_system(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, longitude=113.51, latitude=34.72)
    with override_settings(MAP_TILE_CRS="GCJ02"):
        html = page(client, cc.dispatcher, case).content.decode()
    config = json.loads(re.search(r'id="case-map-config" type="application/json">(.*?)</script>', html).group(1))
    assert config["lng"] != pytest.approx(113.51, abs=1e-4)  # shifted by a few hundred metres
    assert config["lng"] == pytest.approx(113.51, abs=0.01)


def test_it_hides_the_reporter_of_an_anonymous_case(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc, actor=cc.dispatcher, channel=Channel.HOTLINE, anonymous=True, reporter_name="李四",
                  reporter_phone="13812345678")
    html = page(client, cc.dispatcher, case).content.decode()
    assert "匿名" in html and "李四" not in html and "5678" not in html


def test_it_answers_404_outside_the_users_scope(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    for user in (cc.cast.grid_worker_b, cc.other_street_dispatcher, cc.cast.other_district_admin,
                 cc.cast.other_street_leader, cc.cast.outsider):
        assert page(client, user, case).status_code == 404, user
    for user in (cc.cast.grid_worker_a, cc.dispatcher, cc.cast.street_leader, cc.cast.district_admin,
                 cc.cast.superuser):
        assert page(client, user, case).status_code == 200, user
    assert client.get("/cases/20990101999999/").status_code == 404


def test_it_opens_a_case_to_the_members_of_a_unit_it_was_dispatched_to(cc, client):  # type: ignore[no-untyped-def]
    far_handler = make_user("far_handler", "property_handler", cc.cast.street2)
    OrganisationMember.objects.create(organisation=cc.enforcement, user=far_handler)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    assert page(client, far_handler, case).status_code == 404
    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.enforcement)
    assert offered(client, far_handler, case) == ["sign", "return"]


def test_it_offers_each_role_only_what_it_may_do_now(cc, client):  # type: ignore[no-untyped-def]
    case = report(cc)
    assert offered(client, cc.dispatcher, case) == ["accept", "reject", "merge"]
    assert offered(client, cc.cast.grid_worker_a, case) == ["cancel"]  # the reporter
    assert page(client, cc.property_handler, case).status_code == 404  # not their unit's (yet)
    assert offered(client, cc.cast.street_leader, case) == []

    case = advance(case, Status.DISPATCHED, cc)
    assert offered(client, cc.property_handler, case) == ["sign", "return"]
    assert offered(client, cc.enforcement_handler, case) == ["sign"]  # assisting units do not return
    assert offered(client, cc.dispatcher, case) == ["hold", "supervise"]
    assert offered(client, cc.cast.grid_worker_a, case) == []  # after dispatch: a cancel request (tracking page)
    assert offered(client, cc.cast.street_leader, case) == ["supervise"]

    case = advance(report(cc), Status.HANDLING, cc)
    assert offered(client, cc.property_handler, case) == ["return", "feedback", "request_extension"]
    assert offered(client, cc.cast.grid_worker_a, case) == []

    case = advance(report(cc), Status.PENDING_VERIFY, cc)
    assert offered(client, cc.cast.grid_worker_a, case) == ["verify"]
    assert offered(client, cc.property_handler, case) == []

    case = advance(report(cc), Status.VERIFIED, cc)
    assert offered(client, cc.dispatcher, case) == ["close", "supervise"]
    html = page(client, cc.cast.grid_worker_a, case).content.decode()
    assert "您现在没有可以对这个事件执行的操作。" in html


def test_it_links_the_related_cases(cc, client):  # type: ignore[no-untyped-def]
    original = report(cc)
    duplicate = report(cc)
    t.case_merge(case=duplicate, actor=cc.dispatcher, into=original)
    parent = advance(report(cc), Status.PENDING_DISPATCH, cc)
    children = t.case_split(case=parent, actor=cc.dispatcher, parts=[
        (cc.category("t-clutter"), "楼道堆物"), (cc.category("t-building"), "楼顶违章搭建")])
    html = page(client, cc.dispatcher, original).content.decode()
    assert f'href="/cases/{duplicate.number}/"' in html
    html = page(client, cc.dispatcher, duplicate).content.decode()
    assert f'href="/cases/{original.number}/"' in html and "已合并到" in html
    html = page(client, cc.dispatcher, parent).content.decode()
    assert all(f'href="/cases/{child.number}/"' in html for child in children)
    html = page(client, cc.dispatcher, children[0]).content.decode()
    assert f'href="/cases/{parent.number}/"' in html and "拆分自" in html


def test_it_shows_assignments_extensions_and_supervision(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=2, reason="等待材料。")
    t.case_supervise(case=case, actor=cc.cast.street_leader, kind="yellow", comment="请加快办理。")
    html = page(client, cc.dispatcher, case).content.decode()
    assignments = html[html.index('id="assignments"'):html.index('id="extensions"')]
    assert "百花物业" in assignments and "主办" in assignments and "已签收" in assignments
    assert "林山寨综合执法中队" in assignments and "协办" in assignments
    assert "延长 2 个工作日" in html and "等待材料。" in html and "待审批" in html
    supervision = html[html.index('id="supervisions"'):]
    assert "黄牌" in supervision and "请加快办理。" in supervision
    assert "decide_extension" in ACTION.findall(html)
    assert 'id="pending-extension"' in html


def test_it_keeps_its_query_count_bounded(cc, client, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    case = advance(report(cc, photos=[tiny_photo()]), Status.HANDLING, cc)
    client.force_login(cc.dispatcher)
    with django_assert_max_num_queries(20):
        assert client.get(f"/cases/{case.number}/").status_code == 200


def test_it_links_a_dispute_to_its_mediation_record(cc, client):  # type: ignore[no-untyped-def]
    dispute = report(cc, category="t-dispute", description="楼上楼下噪音纠纷。")
    other = report(cc)
    assert f'href="/cases/{dispute.number}/dispute/"' in page(client, cc.dispatcher, dispute).content.decode()
    assert 'id="dispute-link"' not in page(client, cc.dispatcher, other).content.decode()


def test_it_links_the_registry_records_for_those_who_may_open_them(cc, client):  # type: ignore[no-untyped-def]
    from registry.models import Building, BuildingUnit, Dwelling, Household, Resident
    from registry.tests.test_pages import ZHANG_ID

    grid = cc.cast.grid_a
    building = Building.objects.create(grid=grid, estate="百花小区", name="1号楼", address="百花路1号", floors=6)
    unit = BuildingUnit.objects.create(building=building, number="1单元")
    household = Household.objects.create(
        grid=grid, dwelling=Dwelling.objects.create(grid=grid, building=building, unit=unit, floor=1, room="101"))
    zhang = Resident(grid=grid, name="张三", id_number=ZHANG_ID, gender="M")
    zhang.save()
    case = report(cc, building=building, household=household, resident=zhang)
    html = page(client, cc.dispatcher, case).content.decode()
    assert f'href="/registry/buildings/{building.pk}/">百花小区1号楼</a>' in html
    assert f'href="/registry/households/{household.pk}/">百花小区1号楼1单元101</a>' in html
    assert f'href="/registry/residents/{zhang.pk}/">张*</a>' in html
    assert "张三" not in html
    t.case_accept(case=case, actor=cc.dispatcher)
    t.case_dispatch(case=case, actor=cc.dispatcher, lead=cc.property_company)
    html = page(client, cc.property_handler, case).content.decode()  # no registry permissions
    assert "百花小区1号楼" in html and "/registry/" not in html and "张三" not in html


def test_media_files_are_not_served_even_in_development(settings):  # type: ignore[no-untyped-def]
    """Photos go through the scoped photo views only: no MEDIA_URL route, whatever DEBUG says."""
    import config.urls

    settings.DEBUG = True
    try:
        patterns = [str(pattern.pattern) for pattern in importlib.reload(config.urls).urlpatterns]
    finally:
        settings.DEBUG = False
        importlib.reload(config.urls)
    assert not [pattern for pattern in patterns if "media" in pattern]


def test_default_category_names_follow_the_language(cc, client, settings):  # type: ignore[no-untyped-def]
    """楼道堆物 is a default catalog name: English pages show its translation, a custom name stays."""
    case = report(cc)
    custom = report(cc, category="t-building")
    custom.category.name = "楼顶加层"
    custom.category.save()
    client.force_login(cc.dispatcher)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(f"/cases/{case.number}/").content.decode()
    assert "Clutter in stairwells" in detail and "楼道堆物" not in detail
    workbench = client.get("/cases/?queue=all").content.decode()
    assert "Clutter in stairwells" in workbench and "楼顶加层" in workbench


def test_it_names_who_decided_an_extension_and_the_kind_of_supervision(cc, client):  # type: ignore[no-untyped-def]
    case = advance(report(cc), Status.HANDLING, cc)
    t.case_request_extension(case=case, actor=cc.property_handler, extra_days=2, reason="等待材料。")
    case = t.case_decide_extension(case=case, actor=cc.dispatcher, approve=True, note="同意。")
    t.case_supervise(case=case, actor=cc.cast.street_leader, kind="red", comment="严重超期。")
    html = page(client, cc.dispatcher, case).content.decode()
    decision = re.search(r'class="small text-muted extension-decision">(.*?)</div>', html, re.S)
    assert decision and "审批：dispatcher1" in decision[1]
    start = html.index('id="timeline"')
    timeline = html[start:html.index("</section>", start)]
    assert "红牌" in timeline and "严重超期。" in timeline


def test_the_workers_entries_read_in_the_readers_language(cc, client, settings):  # type: ignore[no-untyped-def]
    """The worker stores its comments in Chinese; an English reader sees them in English."""
    from cases.supervision import run_supervision

    case = report(cc)
    assert case.stage_due_at
    run_supervision(now=case.stage_due_at + datetime.timedelta(minutes=1))
    client.force_login(cc.dispatcher)
    start_of = 'id="timeline"'
    html = client.get(f"/cases/{case.number}/").content.decode()
    chinese = html[html.index(start_of):html.index("</section>", html.index(start_of))]
    assert "系统" in chinese and "已超过时限" in chinese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/cases/{case.number}/").content.decode()
    english = html[html.index(start_of):html.index("</section>", html.index(start_of))]
    assert "System" in english and "past its time limit" in english and "已超过时限" not in english
