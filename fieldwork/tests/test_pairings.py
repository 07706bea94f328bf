"""结对帮扶: a pairing decides whose "my visits due" list a care-tagged resident is on."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.testing import make_user
from audit.models import ChangeLogEntry
from cases.workflow import ActionRefused
from fieldwork.care import due_visits
from fieldwork.models import HelperKind, Pairing
from fieldwork.pairings import pairing_create, pairing_end
from fieldwork.testing import at

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 9)
SUNDAY = datetime.date(2026, 12, 13)


@pytest.fixture
def due_now(fc):
    """Everyone registered ten days ago: 王桂娟 (独居老人) and 曲秀英 (重点关注) are overdue in grid A."""
    for resident in (fc.alone, fc.watched, fc.neighbour, fc.resident_b):
        type(resident).objects.filter(pk=resident.pk).update(created_at=at(TODAY, 9) - datetime.timedelta(days=10))
    return fc


def listed(user):
    return {row.resident.name: row.paired_with for row in due_visits(user, today=TODAY, until=SUNDAY)}


def test_a_resident_paired_with_a_worker_is_on_that_workers_list_only(due_now):
    fc = due_now
    colleague = make_user("grid_worker_a2", "grid_worker", fc.cast.grid_a, full_name="李网格员")
    assert listed(fc.cast.grid_worker_a) == {"王桂娟": "", "曲秀英": ""}
    pairing_create(actor=fc.grid_leader, resident=fc.alone, helper=colleague, starts_on=datetime.date(2026, 12, 1))
    assert listed(fc.cast.grid_worker_a) == {"曲秀英": ""}
    assert listed(colleague) == {"王桂娟": "李网格员", "曲秀英": ""}


def test_a_resident_paired_with_a_named_person_stays_on_the_grid_workers_lists(due_now):
    fc = due_now
    pairing_create(
        actor=fc.grid_leader,
        resident=fc.alone,
        helper_name="张党员",
        helper_kind=HelperKind.PARTY_MEMBER,
        starts_on=datetime.date(2026, 12, 1),
    )
    assert listed(fc.cast.grid_worker_a) == {"王桂娟": "张党员", "曲秀英": ""}


def test_an_ended_pairing_gives_the_resident_back_and_a_new_one_ends_the_old(due_now):
    fc = due_now
    colleague = make_user("grid_worker_a2", "grid_worker", fc.cast.grid_a)
    first = pairing_create(
        actor=fc.grid_leader, resident=fc.alone, helper=colleague, starts_on=datetime.date(2026, 11, 1)
    )
    second = pairing_create(
        actor=fc.grid_leader,
        resident=fc.alone,
        helper_name="志愿者小刘",
        helper_kind=HelperKind.VOLUNTEER,
        starts_on=datetime.date(2026, 12, 1),
    )
    first.refresh_from_db()
    assert first.ends_on == datetime.date(2026, 11, 30)
    assert "王桂娟" not in listed(colleague) or listed(colleague)["王桂娟"] == "志愿者小刘"
    pairing_end(actor=fc.grid_leader, pairing=second, ends_on=datetime.date(2026, 12, 5))
    assert listed(fc.cast.grid_worker_a)["王桂娟"] == ""
    assert ChangeLogEntry.objects.filter(content_type__model="pairing").count() == 4  # 2 created, 2 ended


def test_only_leaders_pair_and_bad_input_names_the_field(due_now):
    fc = due_now
    with pytest.raises(ActionRefused):
        pairing_create(actor=fc.cast.grid_worker_a, resident=fc.alone, helper_name="张党员")
    with pytest.raises(ActionRefused):  # grid B's resident is not the 网格长 of grid A's
        pairing_create(actor=fc.grid_leader, resident=fc.resident_b, helper_name="张党员")
    with pytest.raises(ValidationError) as refused:
        pairing_create(actor=fc.grid_leader, resident=fc.alone)
    assert "helper" in refused.value.message_dict
    assert not Pairing.objects.exists()


def test_pairings_are_read_where_visits_are(due_now):
    fc = due_now
    pairing = pairing_create(actor=fc.grid_leader, resident=fc.alone, helper_name="张党员")
    assert list(Pairing.objects.visible_to(fc.cast.grid_worker_a)) == [pairing]
    assert not Pairing.objects.visible_to(fc.cast.grid_worker_b).exists()


def test_the_due_page_says_who_the_resident_is_paired_with(client, fc):
    for resident in (fc.alone, fc.watched):
        type(resident).objects.filter(pk=resident.pk).update(created_at=at(TODAY, 9) - datetime.timedelta(days=400))
    pairing_create(actor=fc.grid_leader, resident=fc.alone, helper_name="张党员", starts_on=datetime.date(2026, 1, 1))
    client.force_login(fc.cast.grid_worker_a)
    page = client.get(reverse("fieldwork:visits_due")).content.decode()
    assert "结对：张党员" in page


def test_the_pairing_page_pairs_and_ends(client, fc):
    url = reverse("fieldwork:pairings", args=[fc.cast.grid_a.code])
    client.force_login(fc.cast.grid_worker_a)
    assert client.get(url).status_code == 404
    client.force_login(fc.grid_leader)
    page = client.get(url).content.decode()
    assert "王桂娟" in page and "徐阿姨" not in page  # care-tagged residents only
    missing = client.post(url, {"resident": fc.alone.pk, "helper_kind": "volunteer", "starts_on": "2026-12-01"})
    assert missing.status_code == 400 and "请选择帮扶人，或填写帮扶人姓名。" in missing.content.decode()
    done = client.post(
        url,
        {"resident": fc.alone.pk, "helper_name": "志愿者小刘", "helper_kind": "volunteer", "starts_on": "2026-12-01"},
    )
    assert done.status_code == 302
    pairing = Pairing.objects.get()
    assert pairing.helper_name == "志愿者小刘" and pairing.resident == fc.alone
    client.post(reverse("fieldwork:pairing_end", args=[pairing.pk]))
    pairing.refresh_from_db()
    assert pairing.ends_on is not None
