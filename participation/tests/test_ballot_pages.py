"""Ballot pages: doors in scope, recording a vote at a door, the explained result, the documents."""

import io
from fractions import Fraction

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from participation import ballots
from participation.models import BallotState, ThresholdRule, UnitKind, Vote, VoteChange

pytestmark = pytest.mark.django_db


def open_ballot(world, **extra):  # type: ignore[no-untyped-def]
    fields = {"actor": world.reviewer, "area": world.cast.community1, "question": "3号楼安装电动车充电桩",
              "buildings": [world.building], "rule": ThresholdRule.SHARE, "share": Fraction(2, 3), **extra}
    return ballots.ballot_open(**fields)


def door(ballot, world, index):  # type: ignore[no-untyped-def]
    household = ballot.unit_kind == UnitKind.HOUSEHOLD
    key = f"h{world.households[index].pk}" if household else f"d{world.dwellings[index].pk}"
    return reverse("participation:vote_door", args=[ballot.pk, key])


def test_the_worker_of_the_grid_sees_the_communitys_ballot_and_its_doors(world, login):
    ballot = open_ballot(world)
    page = login(world.cast.grid_worker_a).get(reverse("participation:ballot_detail", args=[ballot.pk]))
    assert page.status_code == 200
    assert page.content.decode().count('class="list-group-item list-group-item-action') == 4
    other = login(world.cast.grid_worker_b).get(reverse("participation:ballot_detail", args=[ballot.pk]))
    assert other.status_code == 404


def test_a_vote_at_a_door_is_recorded_and_changed(world, login):
    ballot = open_ballot(world)
    client = login(world.cast.grid_worker_a)
    response = client.post(door(ballot, world, 0),
                           {"choice": "agree", "signer_name": "王秀兰", "signer_relation": "户主"})
    assert response.status_code == 302
    client.post(door(ballot, world, 0), {"choice": "against", "signer_name": "王秀兰"})
    vote = Vote.objects.get()
    assert vote.choice == "against" and vote.recorded_by == world.cast.grid_worker_a
    assert VoteChange.objects.count() == 2
    assert "已登记：反对" in client.get(door(ballot, world, 0)).content.decode()


def test_a_vote_without_choice_names_the_field(world, login):
    ballot = open_ballot(world)
    response = login(world.cast.grid_worker_a).post(door(ballot, world, 0), {"signer_name": "王"})
    assert response.status_code == 400 and "意见：" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_door_of_another_building_is_404(world, login):
    ballot = open_ballot(world, buildings=[world.other_building])
    assert login(world.cast.grid_worker_a).get(door(ballot, world, 0)).status_code == 404


def test_the_result_explains_each_figure(world, login):
    ballot = open_ballot(world)
    for index in range(3):
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[index],
                            household=world.households[index], choice="agree", signer_name="x")
    page = login(world.cast.grid_worker_a).get(reverse("participation:ballot_detail", args=[ballot.pk]))
    text = page.content.decode()
    assert "已达到通过条件" in text
    assert "同意的户数占全部户数：3 / 4 = 75.00%" in text and "要求 ≥ 2/3" in text


def test_the_owners_vote_shows_area_and_heads(world, login):
    ballot = open_ballot(world, unit_kind=UnitKind.DWELLING, rule=ThresholdRule.CIVIL_CODE_SPECIAL)
    for index in range(3):
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[index],
                            choice="agree", signer_name="x")
    text = login(world.reviewer).get(reverse("participation:ballot_detail", args=[ballot.pk])).content.decode()
    assert "参与表决的专有部分面积占建筑物总面积：270 / 360 = 75.00%" in text
    assert "同意的业主人数占参与表决人数：3 / 3 = 100.00%" in text
    assert "已达到通过条件" in text


def test_closing_on_the_page_stops_votes(world, login):
    ballot = open_ballot(world)
    close = reverse("participation:ballot_close", args=[ballot.pk])
    assert login(world.cast.grid_worker_a).post(close).status_code == 403
    ballot.refresh_from_db()
    assert ballot.state == BallotState.OPEN  # a worker may not close
    login(world.reviewer).post(reverse("participation:ballot_close", args=[ballot.pk]))
    ballot.refresh_from_db()
    assert ballot.state == BallotState.CLOSED
    response = login(world.cast.grid_worker_a).post(door(ballot, world, 0), {"choice": "agree", "signer_name": "x"})
    assert response.status_code == 302 and not Vote.objects.exists()


def test_the_reviewer_opens_a_ballot_through_the_form(world, login):
    client = login(world.reviewer)
    response = client.post(reverse("participation:ballot_new"), {
        "area": world.cast.community1.pk, "question": "加装电梯", "buildings": [world.building.pk],
        "unit_kind": "dwelling", "rule": "civil_special", "share_numerator": 2, "share_denominator": 3})
    assert response.status_code == 302
    bad = client.post(reverse("participation:ballot_new"), {
        "area": world.cast.community1.pk, "question": "x", "buildings": [world.building.pk],
        "unit_kind": "household", "rule": "civil_special", "share_numerator": 2, "share_denominator": 3})
    assert bad.status_code == 200 and "表决单位：业主共同决定事项须按房屋(业主)表决。" in bad.content.decode()
    assert login(world.cast.grid_worker_a).get(reverse("participation:ballot_new")).status_code == 403


def test_the_sign_sheet_reads_back_as_word(world, login):
    ballot = open_ballot(world)
    response = login(world.cast.grid_worker_a).get(reverse("participation:ballot_sheet", args=[ballot.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert "3号楼安装电动车充电桩" in document.paragraphs[0].text
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells][:2] == ["房号", "户主"]
    assert [row.cells[0].text for row in table.rows[1:]] == ["3号楼101", "3号楼201", "3号楼301", "3号楼401"]
    assert table.rows[1].cells[1].text == "王秀兰"


def test_the_vote_list_reads_back_as_excel(world, login):
    ballot = open_ballot(world)
    ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[1],
                        household=world.households[1], choice="abstain", signer_name="李四", signer_relation="配偶")
    response = login(world.cast.grid_worker_a).get(reverse("participation:ballot_votes", args=[ballot.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("楼栋", "房号", "面积(m²)", "意见")
    assert rows[2][1:6] == ("3号楼201", 90.0, "弃权", "李四", "配偶")
    assert rows[1][3] == ""  or rows[1][3] is None


def test_the_result_notice_of_a_closed_ballot_names_figures_never_people(world, login):
    ballot = open_ballot(world)
    client = login(world.cast.grid_worker_a)
    for index, choice in enumerate(("agree", "agree", "agree", "against")):
        client.post(door(ballot, world, index), {"choice": choice, "signer_name": f"签字人{index}"})
    notice = reverse("participation:ballot_notice", args=[ballot.pk])
    assert client.get(notice).status_code == 404  # no result to publish while the ballot runs
    login(world.reviewer).post(reverse("participation:ballot_close", args=[ballot.pk]))

    page = client.get(notice).content.decode()
    assert "关于“3号楼安装电动车充电桩”表决结果的公示" in page
    assert "应参与 4 户（套），已表决 4 户（套）：同意 3，反对 1，弃权 0。" in page
    assert "同意的户数占全部户数：3 / 4 = 75.00%，要求 ≥ 2/3，达到。" in page
    assert "表决结果：通过。" in page and "百花社区" in page
    assert "王秀兰" not in page and "签字人0" not in page
    assert 'id="notice-link"' in client.get(reverse("participation:ballot_detail", args=[ballot.pk])).content.decode()

    word = client.get(reverse("participation:ballot_notice_docx", args=[ballot.pk]))
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(word.content)).paragraphs)
    assert "表决结果：通过。" in text and "同意 3，反对 1，弃权 0" in text and "王秀兰" not in text
