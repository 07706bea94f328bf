"""The resident form's bounds: no birth date in the future, no silent truncation, one grid preselected."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.models import Resident
from registry.tests.test_pages import build_world
from registry.tests.test_pages_forms import resident_data

pytestmark = pytest.mark.django_db

CREATE = reverse("registry:resident_create")


@pytest.fixture
def world(cast):
    return build_world(cast)


def _errors(response) -> list[str]:
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', response.content.decode())


def _grid_options(response) -> list[tuple[str, bool]]:
    """(value, selected) of the 所属网格 select's options."""
    select = re.search(r'<select name="grid"[^>]*>(.*?)</select>', response.content.decode(), re.S)
    assert select
    return [(value, bool(selected)) for value, selected in re.findall(r'<option value="(\d*)"( selected)?', select[1])]


def _passport(world, **changes):
    return resident_data(world, document_type="passport", id_number="E12345678", gender="F", **changes)


def test_it_refuses_a_birth_date_in_the_future_naming_the_field(world, login):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = login(world.cast.grid_worker_a).post(CREATE, _passport(world, birth_date=tomorrow.isoformat()))
    assert response.status_code == 200
    assert _errors(response) == ["出生日期：出生日期不能晚于今天。"]
    assert not Resident.objects.filter(name="孙七").exists()


def test_it_refuses_a_birth_date_before_1900(world, login):
    response = login(world.cast.grid_worker_a).post(CREATE, _passport(world, birth_date="1899-12-31"))
    assert _errors(response) == ["出生日期：出生日期不能早于1900年1月1日。"]


def test_it_accepts_a_birth_date_of_today(world, login):
    today = timezone.localdate().isoformat()
    response = login(world.cast.grid_worker_a).post(CREATE, _passport(world, birth_date=today))
    assert response.status_code == 302
    assert Resident.objects.get(name="孙七").birth_date == timezone.localdate()


def test_it_says_a_name_is_too_long_instead_of_cutting_it(world, login):
    client = login(world.cast.grid_worker_a)
    form = client.get(CREATE).content.decode()
    assert 'id="id_name"' in form
    assert not re.search(r"<(input|textarea)[^>]*\smaxlength=", form)  # a browser would cut a paste silently
    response = client.post(CREATE, _passport(world, name="孙" * 203))
    assert response.status_code == 200
    assert _errors(response) == ["姓名：最多50个字，现在是203个字。"]
    assert not Resident.objects.filter(name__startswith="孙孙").exists()


def test_it_preselects_the_grid_of_a_worker_with_one_grid(world, login):
    options = _grid_options(login(world.cast.grid_worker_a).get(CREATE))
    assert [value for value, selected in options if selected] == [str(world.cast.grid_a.pk)]


def test_it_leaves_the_grid_to_choose_for_an_administrator_of_several(world, login):
    options = _grid_options(login(world.cast.district_admin).get(CREATE))
    assert len(options) > 2
    assert [value for value, selected in options if selected] in ([], [""])
