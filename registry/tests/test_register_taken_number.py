"""Registering a number that is already registered: precise in the user's areas, neutral elsewhere.

Outside the user's areas the answer must not confirm that a guessed number exists: it comes only
when the form is otherwise complete (where a free number would be registered at once), it is the
same neutral refusal the service gives for any clash, it names nobody, and the attempt is logged
in the area of the resident who holds the number.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.testing import Cast
from audit.models import AccessLogEntry
from registry.models import HouseholdMember, Resident
from registry.tests.test_pages import WANG_ID, ZHANG_ID, World, build_world, make_id
from registry.tests.test_pages_forms import resident_data

NEUTRAL = "无法用该证件号码在此登记。请核对号码；如确认无误，请联系街道或区级管理员处理。"
CREATE = reverse("registry:resident_create")


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


def test_it_refuses_a_number_registered_in_another_street_neutrally_and_logs_it(world, login):
    from registry import lookups, services

    response = login(world.cast.grid_worker_a).post(CREATE, resident_data(world, id_number=WANG_ID))
    content = response.content.decode()
    assert response.status_code == 200
    assert NEUTRAL in content and services.not_registrable_message() == NEUTRAL
    assert "已登记" not in content and "王五" not in content
    assert reverse("registry:resident", args=[world.wang.pk]) not in content
    assert not Resident.objects.filter(name="孙七").exists()
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.fields, entry.object_id) == (world.cast.grid_worker_a, "lookup:register",
                                                          str(world.wang.pk))
    assert entry.area_code == world.cast.grid_c.code  # the other street's auditors see the attempt
    assert lookups.reference(WANG_ID) in entry.reason and WANG_ID not in entry.reason


def test_it_says_nothing_about_a_taken_number_while_the_form_is_incomplete(world, login):
    response = login(world.cast.grid_worker_a).post(CREATE, resident_data(world, id_number=WANG_ID, name=""))
    content = response.content.decode()
    assert "请填写姓名。" in content
    assert NEUTRAL not in content and "已登记" not in content
    assert not AccessLogEntry.objects.exists()


def test_it_names_the_holder_of_a_number_in_the_users_own_area(world, login):
    response = login(world.cast.grid_worker_a).post(CREATE, resident_data(world, id_number=ZHANG_ID))
    content = response.content.decode()
    assert "该证件号码已登记：" in content
    assert f'<a href="{reverse("registry:resident", args=[world.zhang.pk])}">张三</a>' in content
    entry = AccessLogEntry.objects.get()
    assert entry.object_id == str(world.zhang.pk) and entry.area_code == world.zhang.grid_code


def test_it_registers_a_free_number_without_a_log_row(world, login):
    response = login(world.cast.grid_worker_a).post(CREATE, resident_data(world, id_number=make_id("19880808", "246")))
    assert response.status_code == 302
    assert Resident.objects.filter(name="孙七").exists()
    assert not AccessLogEntry.objects.exists()


def test_it_does_not_look_the_number_up_again_when_an_unchanged_resident_is_saved(world, login):
    data = resident_data(world, name="张三", gender="M", id_number="")
    data.pop("birth_date")
    response = login(world.cast.grid_worker_a).post(reverse("registry:resident_edit", args=[world.zhang.pk]), data)
    assert response.status_code == 302
    assert not AccessLogEntry.objects.exists()


def add_member(client, world: World, number: str, name: str = ""):  # type: ignore[no-untyped-def]
    return client.post(reverse("registry:household_add_member", args=[world.household.pk]),
                       {"document_type": "id_card", "id_number": number, "relation": "other", "moved_in_on": "",
                        "name": name, "phone": ""})


def test_it_answers_adding_a_member_from_another_street_like_a_free_number_until_the_name_is_given(world, login):
    client = login(world.cast.grid_worker_a)
    free = add_member(client, world, make_id("19990909", "468")).content.decode()
    taken = add_member(client, world, WANG_ID).content.decode()
    hint = "该居民如尚未在您负责的区域登记，请填写姓名以新登记。"
    assert hint in free and hint in taken
    assert "已登记" not in taken and "王五" not in taken
    assert not AccessLogEntry.objects.exists()
    refused = add_member(client, world, WANG_ID, name="王五").content.decode()
    assert NEUTRAL in refused
    assert not HouseholdMember.objects.filter(household=world.household, resident=world.wang).exists()
    assert Resident.objects.filter(name="王五").count() == 1
    entry = AccessLogEntry.objects.get()
    assert entry.object_id == str(world.wang.pk) and entry.area_code == world.cast.grid_c.code


def test_it_adds_a_resident_of_the_users_own_area_and_logs_the_lookup(world, login):
    zhao_home = HouseholdMember.objects.get(resident=world.zhao)
    zhao_home.moved_out_on = zhao_home.moved_in_on
    zhao_home.save()
    response = add_member(login(world.cast.grid_worker_a), world, world.zhao.id_number)
    assert response.status_code == 302
    assert HouseholdMember.objects.filter(household=world.household, resident=world.zhao).exists()
    assert AccessLogEntry.objects.get().object_id == str(world.zhao.pk)


def test_it_counts_taken_numbers_against_the_hourly_limit(world, login, settings):
    settings.REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR = 1
    client = login(world.cast.grid_worker_a)
    client.post(CREATE, resident_data(world, id_number=WANG_ID))
    response = client.post(CREATE, resident_data(world, id_number=make_id("19880808", "246")))
    assert "按证件号码或电话查询过于频繁：每人每小时最多1次，请一小时后再试。" in response.content.decode()
    assert not Resident.objects.filter(name="孙七").exists()
    refused = add_member(client, world, make_id("19990909", "468"), name="新人").content.decode()
    assert "每人每小时最多1次" in refused
    assert AccessLogEntry.objects.count() == 1
