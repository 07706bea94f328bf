"""The printed 公示牌 (A4) and 便民联系卡 (card size) of a grid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from django.contrib.staticfiles import finders
from django.test import override_settings

from accounts.models import Duty, TeamMember
from accounts.testing import make_area
from areas.models import GridKind, GridTag, Level

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(cast):  # type: ignore[no-untyped-def]
    grid = cast.grid_a
    grid.address = "东至桐柏路，西至百花路，南至建设路，北至中原路"
    grid.save()
    grid.tags.add(GridTag.objects.create(code="volunteer", name="志愿型"))
    TeamMember.objects.create(area=grid, duty=Duty.POLICE_OFFICER, name="钱民警", phone="13800000006",
                              department="林山寨派出所")
    TeamMember.objects.create(area=grid, duty=Duty.FULLTIME_WORKER, name="周网格员", phone="13800000002")
    TeamMember.objects.create(area=grid, duty=Duty.GRID_LEADER, name="吴网格长", phone="13800000001")
    TeamMember.objects.create(area=grid, duty=Duty.BUILDING_HEAD, name="李楼长", phone="13800000005")
    return grid


def qr_modules(svg: str) -> str:
    """The drawing of a QR code (its path data), comparable between two renderings."""
    match = re.search(r'<svg[^>]*class="qr-code"[^>]*>.*?\sd="([^"]+)"', svg, re.S)
    assert match, "no QR code SVG found"
    return match.group(1)


def expected_qr(url: str) -> str:
    return qr_modules(segno.make(url, error="m", micro=False).svg_inline(omitsize=True, svgclass="qr-code", border=2))


def static_text(name: str) -> str:
    path = finders.find(name)
    assert isinstance(path, str), name
    return Path(path).read_text(encoding="utf-8")


def test_it_prints_the_board_of_a_grid(cast, login, team):
    response = login(cast.grid_worker_a).get(f"/areas/{team.code}/board/")
    text = response.content.decode()
    assert response.status_code == 200
    for expected in ("网格化服务管理公示牌", "林山寨街道", "百花社区", "百花社区第一网格", team.code, "综合网格",
                     "志愿型", "420 户", "东至桐柏路，西至百花路", "服务承诺", "138 0000 0001"):
        assert expected in text
    names = re.findall(r'<td class="col-name">([^<]+)', text)
    assert names == ["吴网格长", "周网格员", "钱民警"]
    assert re.findall(r'<span class="board-head-name">([^<]+)', text) == ["李楼长"]
    assert "wangge/print.css" in text
    assert "wangge/print-board.css" in text and "size: A4 portrait" in static_text("wangge/print-board.css")


def test_it_puts_a_qr_code_to_the_public_page_on_the_board(cast, login, team):
    text = login(cast.grid_worker_a).get(f"/areas/{team.code}/board/").content.decode()
    url = f"http://testserver/g/{team.code}/"
    assert url in text
    assert qr_modules(text) == expected_qr(url)


@override_settings(PUBLIC_BASE_URL="https://wangge.zhongyuan.gov.cn/")
def test_it_uses_the_public_base_url_for_the_qr_code(cast, login, team):
    text = login(cast.grid_worker_a).get(f"/areas/{team.code}/board/").content.decode()
    url = f"https://wangge.zhongyuan.gov.cn/g/{team.code}/"
    assert url in text
    assert "testserver" not in text
    assert qr_modules(text) == expected_qr(url)


def test_it_hides_the_print_button_on_paper(cast, login, team):
    text = login(cast.grid_worker_a).get(f"/areas/{team.code}/board/").content.decode()
    toolbar = text.split('class="print-toolbar no-print"')[1].split("</div>")[0]
    assert 'class="print-button" data-print' in toolbar  # static/wangge/print.js prints


def test_it_names_the_served_unit_of_a_dedicated_grid_on_the_board(cast, login):
    grid = make_area(f"{cast.community1.code}003", "第十九中学网格", Level.GRID, cast.community1, None,
                     grid_kind=GridKind.DEDICATED, served_unit="郑州市第十九中学")
    text = login(cast.street_leader).get(f"/areas/{grid.code}/board/").content.decode()
    assert "专属网格" in text
    assert "郑州市第十九中学" in text
    assert "服务团队待公布" in text


def test_it_prints_the_contact_card(cast, login, team):
    response = login(cast.grid_worker_a).get(f"/areas/{team.code}/card/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "wangge/print-card.css" in text and "size: A4" in static_text("wangge/print-card.css")
    assert text.count('class="card-sheet"') == 10  # ten cards to an A4 sheet
    contacts = text.split('class="card-contacts"')[1].split("</table>")[0]
    row_pattern = r'<th>([^<]+)</th><td class="card-name">([^<]+)</td><td class="card-phone">([^<]+)<'
    rows = re.findall(row_pattern, contacts)
    assert rows == [
        ("网格长", "吴网格长", "138 0000 0001"),
        ("网格员", "周网格员", "138 0000 0002"),
        ("民警", "钱民警", "138 0000 0006"),
    ]
    assert "李楼长" not in contacts
    assert qr_modules(text) == expected_qr(f"http://testserver/g/{team.code}/")


@pytest.mark.parametrize("page", ["board", "card"])
def test_it_prints_boards_and_cards_for_grids_only(cast, login, page):
    client = login(cast.street_leader)
    assert client.get(f"/areas/{cast.community1.code}/{page}/").status_code == 404
    assert client.get(f"/areas/{cast.street1.code}/{page}/").status_code == 404
    assert client.get(f"/areas/{cast.grid_b.code}/{page}/").status_code == 200


@pytest.mark.parametrize("page", ["board", "card"])
def test_it_prints_a_board_in_a_fixed_number_of_queries(cast, login, team, page, django_assert_max_num_queries):
    client = login(cast.grid_worker_a)
    with django_assert_max_num_queries(7):
        response = client.get(f"/areas/{team.code}/{page}/")
    assert "吴网格长" in response.content.decode()
