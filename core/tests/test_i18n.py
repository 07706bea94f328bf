"""The English interface: with the language cookie set to en, pages carry no Chinese interface text.

Area, team and organisation names are data and stay Chinese; what must not leak into English is
the interface around them: labels, full-width punctuation (：（）、), counting words, role names.
The catalogs themselves are checked in test_translations.py.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from accounts.models import Duty, Role, TeamMember
from accounts.testing import Cast
from areas.models import Area, GridKind

pytestmark = pytest.mark.django_db

# Full-width punctuation that belongs to the Chinese interface, never to an English page.
CHINESE_PUNCTUATION = re.compile("[：（）、；，。]")


def in_english(client: Client) -> Client:
    """The client as a visitor who chose English with the language switch (the cookie it sets)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def visible_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a reader sees it: no tags, scripts or styles, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def staff_a_dedicated_grid(grid: Area) -> None:
    """Grid A as a 专属网格 serving a school, with a leader and a police officer."""
    grid.grid_kind = GridKind.DEDICATED
    grid.served_unit = "郑州市第十九中学"
    grid.address = "建设西路以北"
    grid.save()
    TeamMember.objects.create(area=grid, duty=Duty.GRID_LEADER, name="吴建国", phone="13700000001")
    TeamMember.objects.create(area=grid, duty=Duty.POLICE_OFFICER, name="钱志强", phone="13700000006")


# ---------- login page ----------


def test_it_shows_the_login_page_in_chinese_by_default(client):
    text = visible_text(client.get("/login/"))
    assert "登录" in text and "用户名" in text
    assert "Log in" not in text


def test_it_shows_the_login_page_in_english_with_the_language_cookie(client):
    response = in_english(client).get("/login/")
    text = visible_text(response)
    assert response.status_code == 200
    assert "Log in" in text and "Username" in text and "Password" in text
    assert "Wangge" in text  # the product name in the navbar, not the level "Grid"
    assert "登录" not in text and "用户名" not in text
    assert not CHINESE_PUNCTUATION.search(text)


def test_a_requests_language_does_not_outlive_the_request(client):
    in_english(client).get("/login/")
    assert translation.get_language() == "zh-hans"  # work after the request speaks the default


# ---------- grid page ----------


def test_it_shows_a_grid_page_in_chinese_by_default(cast: Cast, login):
    staff_a_dedicated_grid(cast.grid_a)
    text = visible_text(login(cast.grid_worker_a).get(f"/areas/{cast.grid_a.code}/"))
    assert "层级：网格" in text
    assert re.search(f"编码：\\s*{cast.grid_a.code}", text)
    assert "专属网格（服务：郑州市第十九中学）" in text
    assert "网格长" in text and "Grid leader" not in text


def test_it_shows_a_grid_page_in_english_with_the_language_cookie(cast: Cast, login):
    staff_a_dedicated_grid(cast.grid_a)
    response = in_english(login(cast.grid_worker_a)).get(f"/areas/{cast.grid_a.code}/")
    text = visible_text(response)
    assert response.status_code == 200
    assert "Level: Grid" in text
    assert f"Code: {cast.grid_a.code}" in text
    assert 'Code: <span class="area-code"' in response.content.decode()  # the space is in the translation
    assert "Dedicated grid (serves 郑州市第十九中学)" in text
    assert "Grid leader" in text and "Police officer" in text
    assert "420 households" in text
    assert "网格长" not in text and "层级" not in text
    assert not CHINESE_PUNCTUATION.search(text)


def test_it_separates_a_communitys_grid_leaders_with_commas_in_english(cast: Cast, login):
    TeamMember.objects.create(area=cast.grid_a, duty=Duty.GRID_LEADER, name="吴建国")
    TeamMember.objects.create(area=cast.grid_a, duty=Duty.GRID_LEADER, name="王丽")
    client = in_english(login(cast.street_leader))
    text = visible_text(client.get(f"/areas/{cast.community1.code}/"))
    assert re.search(r"(吴建国, 王丽|王丽, 吴建国)", text)
    assert not CHINESE_PUNCTUATION.search(text)


def test_it_shows_the_public_grid_page_in_english_with_the_language_cookie(cast: Cast, client):
    staff_a_dedicated_grid(cast.grid_a)
    text = visible_text(in_english(client).get(f"/g/{cast.grid_a.code}/"))
    assert "Boundaries: 建设西路以北" in text
    assert "Households served: about 420 households" in text
    assert "Our pledge:" in text
    assert not CHINESE_PUNCTUATION.search(text)


def test_it_shows_the_printed_board_in_english_with_the_language_cookie(cast: Cast, login):
    staff_a_dedicated_grid(cast.grid_a)
    text = visible_text(in_english(login(cast.grid_worker_a)).get(f"/areas/{cast.grid_a.code}/board/"))
    assert "Dedicated grid (served unit: 郑州市第十九中学)" in text
    assert "420 households" in text
    assert not CHINESE_PUNCTUATION.search(text)


# ---------- names from models ----------


def test_it_names_an_area_with_the_punctuation_of_the_language(cast: Cast):
    with translation.override("en"):
        assert str(cast.grid_a) == f"百花社区第一网格 ({cast.grid_a.code})"
    with translation.override("zh-hans"):
        assert str(cast.grid_a) == f"百花社区第一网格（{cast.grid_a.code}）"


def test_it_translates_default_role_names_and_keeps_custom_ones(db):
    leader = Role.objects.get(code="grid_leader")
    custom = Role.objects.create(code="grid", name="网格", description="自定义角色")
    with translation.override("en"):
        assert str(leader) == leader.display_name == "Grid leader"
        assert leader.display_description == "Coordinates the grid and manages its service team."
        assert str(custom) == "网格"  # a custom name is data, even when it matches an interface word
        assert custom.display_description == "自定义角色"
    with translation.override("zh-hans"):
        assert str(leader) == "网格长"


def test_it_uses_the_product_name_for_the_admin_site_title(client):
    text = visible_text(in_english(client).get("/admin/login/"))
    assert "Wangge" in text and "网格" not in text


def test_it_speaks_chinese_to_a_browser_that_prefers_english(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in visible_text(response)
    assert response["Content-Language"] == "zh-hans"


def test_it_switches_to_english_with_the_language_switch_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert "Log in" in visible_text(response)
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"}, follow=True)
    assert "登录" in visible_text(response)


def test_it_ignores_an_unknown_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx-nonsense"
    assert "登录" in visible_text(client.get("/login/"))
