"""The mask and what is shown beside it must not give a 居民身份证 number away.

Every page and export that shows a resident is read the way a curious insider would read it:
take the masked number and any date on the page, assume the worst (the six region digits known
from the address, the sex shown beside it), and count the valid ID numbers that agree with all of
it. The old mask (first 6 + last 4) next to the full birth date left exactly one; the rule in
``registry.pii.masked_resident`` must leave more than a thousand, for everybody who has not
unmasked the record (which is logged).
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.testing import Cast
from audit.models import AccessLogEntry
from registry.models import HouseholdMember, Relation, Resident
from registry.tests.test_pages import World, _resident, build_world, make_id
from registry.tests.test_pages_forms import resident_data
from registry.validators import id_check_digit

MINIMUM_CANDIDATES = 1000
_MASK = re.compile(r"[0-9X*]{18}")
_TAGS = re.compile(r"<[^>]+>")


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def shown_text(response) -> str:  # type: ignore[no-untyped-def]
    """What a page or an .xlsx export shows, as plain text (dates of cells as ISO dates)."""
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
        cells = [value.isoformat() if isinstance(value, datetime.date) else str(value)
                 for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
        return "\n".join(cells)
    return _TAGS.sub(" ", response.content.decode())


def birth_date_shown(text: str, born: datetime.date) -> bool:
    """Whether the full birth date appears in any of the usual spellings."""
    spellings = {f"{born:%Y-%m-%d}", f"{born:%Y/%m/%d}", f"{born:%Y%m%d}", f"{born:%Y.%m.%d}",
                 f"{born.year}年{born.month}月{born.day}日", f"{born:%Y年%m月%d日}"}
    return any(spelling in text for spelling in spellings)


def masks_of(text: str, number: str) -> list[str]:
    """The masked forms of ``number`` on the page (18 characters, some hidden, the rest agreeing)."""
    found = []
    for match in _MASK.finditer(text):
        mask = match.group()
        if "*" in mask and all(shown in ("*", real) for shown, real in zip(mask, number, strict=True)):
            found.append(mask)
    return found


def candidates(text: str, resident: Resident) -> int:
    """How many 居民身份证 numbers agree with everything ``text`` shows about ``resident``.

    Worst case for the resident: the attacker knows the region digits (from the address), the
    sex (shown), the birth year (shown) and, if it appears anywhere in ``text``, the birth date.
    """
    number, born = resident.id_number, resident.birth_date
    assert number and born
    if number in text:
        return 1
    masks = masks_of(text, number)
    assert masks, "the page shows no masked form of the number"
    if birth_date_shown(text, born):
        days = [born]
    else:
        first = datetime.date(born.year, 1, 1)
        days = [first + datetime.timedelta(days=offset) for offset in range(366)
                if (first + datetime.timedelta(days=offset)).year == born.year]
    region, sex = number[:6], int(number[16]) % 2
    count = 0
    for day in days:
        head = region + f"{day:%Y%m%d}"
        for sequence in range(sex, 1000, 2):
            full17 = head + f"{sequence:03d}"
            if not all(shown in ("*", real) for mask in masks for shown, real in zip(mask, full17, strict=False)):
                continue
            full = full17 + id_check_digit(full17)
            if all(shown in ("*", real) for mask in masks for shown, real in zip(mask, full, strict=True)):
                count += 1
    return count


def test_the_brute_force_rebuilds_the_number_from_the_old_mask_beside_the_birth_date(world):
    """The measuring stick itself: first 6 + last 4 beside the full date leaves one candidate."""
    number = world.zhang.id_number
    old = number[:6] + "*" * 8 + number[14:]
    assert candidates(f"{old} 1950-01-01", world.zhang) == 1
    assert candidates(f"{old} 1950年", world.zhang) < 40  # even with the year only: 365 / 11


def _pages(world: World) -> list[tuple[str, str, dict[str, str], list[Resident]]]:
    """(url name, argument, query, residents shown) of every page and export that shows residents."""
    both = [world.zhang, world.li]
    return [
        ("registry:resident", str(world.zhang.pk), {}, [world.zhang]),
        ("registry:search", "", {}, both),
        ("registry:search", "", {"q": "张三"}, [world.zhang]),
        ("registry:household", str(world.household.pk), {}, both),
        ("registry:export_residents", "", {}, both),
    ]


@pytest.mark.parametrize("viewer", ["grid_worker", "building_head"])
@pytest.mark.parametrize("page", range(5))
def test_it_leaves_more_than_a_thousand_candidates_on_every_page_and_export(world, login, viewer, page):
    user = world.cast.grid_worker_a if viewer == "grid_worker" else world.head_b1
    assert not user.has_perm("registry.unmask_resident", world.cast.grid_a)
    name, arg, params, shown = _pages(world)[page]
    url = reverse(name, args=[int(arg)]) if arg else reverse(name)
    response = login(user).get(url, params)
    assert response.status_code == 200
    text = shown_text(response)
    for resident in shown:
        assert not birth_date_shown(text, resident.birth_date)
        assert candidates(text, resident) > MINIMUM_CANDIDATES


def test_it_shows_the_birth_year_not_the_date_on_the_profile(world, login):
    text = shown_text(login(world.cast.grid_worker_a).get(reverse("registry:resident", args=[world.zhang.pk])))
    assert "1950年生" in text and not birth_date_shown(text, world.zhang.birth_date)


def test_it_exports_no_birth_date_column_in_full(world, login):
    response = login(world.cast.grid_worker_a).get(reverse("registry:export_residents"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert "出生日期" not in rows[0] and "出生年份" in rows[0]
    column = rows[0].index("出生年份")
    assert sorted(row[column] for row in rows[1:]) == [1950, 1952, 1980]
    assert not any(isinstance(value, datetime.date) for row in rows[1:] for value in row)


def test_it_leaves_the_birth_date_of_an_id_card_holder_out_of_the_edit_form(world, login):
    response = login(world.cast.grid_worker_a).get(reverse("registry:resident_edit", args=[world.zhang.pk]))
    text = response.content.decode()
    assert 'name="birth_date"' not in text and not birth_date_shown(text, world.zhang.birth_date)


def test_it_keeps_the_birth_date_when_an_id_card_holder_is_edited(world, login):
    data = resident_data(world, name="张三", id_number="", grid=world.cast.grid_a.pk, gender="M")
    data.pop("birth_date")
    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_edit", args=[world.zhang.pk]), data)
    assert response.status_code == 302
    world.zhang.refresh_from_db()
    assert world.zhang.birth_date == datetime.date(1950, 1, 1)


@pytest.mark.parametrize("page", ["changelist", "change"])
def test_it_shows_the_admin_no_more_than_the_pages(world, login, page):
    """Even an area administrator, who may unmask, sees only the mask and the year until a logged unmask."""
    if page == "changelist":
        response = login(world.cast.district_admin).get(reverse("admin:registry_resident_changelist"))
    else:
        response = login(world.cast.district_admin).get(
            reverse("admin:registry_resident_change", args=[world.zhang.pk]))
    text = shown_text(response)
    assert response.status_code == 200
    assert not birth_date_shown(text, world.zhang.birth_date)
    assert candidates(text, world.zhang) > MINIMUM_CANDIDATES


def test_it_keeps_only_the_year_of_a_birth_date_in_the_change_log(world, login):
    world.zhang.birth_date = datetime.date(1950, 1, 2)
    world.zhang.save()
    text = shown_text(login(world.cast.street_leader).get(reverse("audit:changelog")))
    assert "张三" in text and "1950-**-**" in text
    assert not birth_date_shown(text, datetime.date(1950, 1, 1))
    assert not birth_date_shown(text, datetime.date(1950, 1, 2))


def test_it_shows_the_full_birth_date_only_when_unmasked_and_logged(world, login):
    client = login(world.leader_a)
    profile = shown_text(client.get(reverse("registry:resident", args=[world.zhang.pk])))
    assert not birth_date_shown(profile, world.zhang.birth_date)
    unmasked = client.post(reverse("registry:resident_unmask", args=[world.zhang.pk]), {"reason": "入户核实"},
                           HTTP_HX_REQUEST="true").content.decode()
    assert "1950-01-01" in unmasked
    assert AccessLogEntry.objects.get().fields == "id_number,phone,birth_date"


def test_it_does_not_show_a_moving_in_date_that_is_the_birth_date(world, login):
    """A child born into the household moved in on the day of birth: the pages say 出生 instead."""
    baby = _resident(world.cast.grid_a, "张小宝", make_id("20210315", "357"), "", "M")
    HouseholdMember.objects.create(household=world.household, resident=baby, relation=Relation.GRANDCHILD,
                                   moved_in_on=baby.birth_date)
    client = login(world.cast.grid_worker_a)
    pages = [reverse("registry:household", args=[world.household.pk]),
             reverse("registry:dwelling", args=[world.d101.pk]), reverse("registry:resident", args=[baby.pk])]
    for url in pages:
        text = shown_text(client.get(url))
        assert "张小宝" in text and "出生" in text, url
        assert not birth_date_shown(text, baby.birth_date), url
    household = shown_text(client.get(reverse("registry:household", args=[world.household.pk])))
    assert "2020-05-01" in household  # other members' dates as before
    assert candidates(household, baby) > MINIMUM_CANDIDATES
