"""公约: the verbs and their refusals, adoption from the ballot, signatures, breaches, the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.testing import build_case_cast, race, report
from fieldwork.models import Answer
from fieldwork.testing import matrix_answer
from participation import ballots, conventions
from participation.catalog import CONVENTIONS, grant_convention_permissions
from participation.convention_selectors import breaches_by_month
from participation.models import (
    Ballot,
    BallotState,
    CommentSource,
    Convention,
    ConventionBreach,
    ConventionEvent,
    ConventionState,
    ConventionVersion,
)

from .conftest import World, make_world

pytestmark = pytest.mark.django_db

TEXT = "一、楼道内不堆放杂物。\n二、电动自行车不进楼道、不飞线充电。\n三、爱护楼道设施，保持整洁。"


def drafted(world: World, **extra: Any) -> Convention:
    fields = {"actor": world.reviewer, "area": world.cast.community1, "title": "3号楼楼道公约",
              "kind": "stairwell", "buildings": [world.building], "text": TEXT, **extra}
    return conventions.convention_draft(**fields)


def commenting(world: World) -> Convention:
    convention = drafted(world)
    return conventions.convention_open_comments(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]


def sign(world: World, ballot: Any, indexes: range | list[int], choice: str = "agree") -> None:
    for index in indexes:
        ballots.vote_record(actor=world.cast.grid_worker_a, ballot=ballot, dwelling=world.dwellings[index],
                            household=world.households[index], choice=choice, signer_name=f"户主{index}")


def adopted(world: World, agreeing: int = 3) -> Convention:
    convention = commenting(world)
    ballot = conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    sign(world, ballot, range(agreeing))
    sign(world, ballot, range(agreeing, 4), "against")
    return conventions.convention_close_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]


def signed(world: World, count: int = 3) -> Convention:
    convention = adopted(world)
    conventions.convention_publish(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    signing = conventions.convention_open_signatures(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    sign(world, signing, range(count))
    convention.refresh_from_db()
    return convention


def test_drafting_keeps_every_version(world: World) -> None:
    convention = drafted(world)
    conventions.convention_revise(actor=world.reviewer, convention=convention,  # type: ignore[arg-type]
                                  text=TEXT + "\n四、文明养犬，及时清理。", note="居民建议增加养犬条款")
    versions = list(ConventionVersion.objects.filter(convention=convention).order_by("number"))
    assert [version.number for version in versions] == [1, 2]
    assert versions[0].text == TEXT and "文明养犬" in versions[1].text
    assert convention.current_version() == versions[1]
    with pytest.raises(ValidationError):  # an unchanged text is no new version
        conventions.convention_revise(actor=world.reviewer, convention=convention,  # type: ignore[arg-type]
                                      text=versions[1].text)


def test_a_grid_worker_may_not_draft_and_input_names_the_field(world: World) -> None:
    with pytest.raises(conventions.ActionRefused):
        drafted(world, actor=world.cast.grid_worker_a)
    with pytest.raises(ValidationError) as error:
        drafted(world, text="  ")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        drafted(world, buildings=[])
    assert "buildings" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        drafted(world, kind="nonsense")
    assert "kind" in error.value.message_dict
    assert not Convention.objects.exists()


def test_comments_are_recorded_by_workers_only_while_open(world: World) -> None:
    convention = drafted(world)
    with pytest.raises(conventions.ActionRefused):
        conventions.convention_comment(actor=world.cast.grid_worker_a, convention=convention, text="同意")
    conventions.convention_open_comments(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    comment = conventions.convention_comment(actor=world.cast.grid_worker_a, convention=convention,
                                             text="建议写明电动车停放位置", commenter="3号楼住户")
    assert comment.source == CommentSource.WORKER and comment.version.number == 1


def test_refusals_follow_the_state(world: World) -> None:
    convention = drafted(world)
    with pytest.raises(conventions.ActionRefused, match="通过后才能公布"):
        conventions.convention_publish(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    with pytest.raises(conventions.ActionRefused):  # residents' comments come first
        conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    with pytest.raises(conventions.ActionRefused):
        conventions.convention_open_signatures(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    with pytest.raises(conventions.ActionRefused):
        conventions.convention_repeal(actor=world.reviewer, convention=convention, reason="x")  # type: ignore[arg-type]
    conventions.convention_open_comments(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    with pytest.raises(conventions.ActionRefused):  # the text put to the vote is frozen
        conventions.convention_revise(actor=world.reviewer, convention=convention, text="新文本")  # type: ignore[arg-type]
    convention.refresh_from_db()
    assert convention.state == ConventionState.VOTING


def test_adoption_follows_the_ballot_result(world: World) -> None:
    convention = commenting(world)
    ballot = conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    assert ballot.question == "通过《3号楼楼道公约》" and ballot.description == TEXT
    assert list(ballot.buildings.all()) == [world.building]
    with pytest.raises(conventions.ActionRefused):  # the ballot is still open
        conventions.convention_settle(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    sign(world, ballot, range(3))
    convention = conventions.convention_close_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    ballot.refresh_from_db()
    assert ballot.state == BallotState.CLOSED
    assert convention.state == ConventionState.ADOPTED
    assert convention.adopted_on == timezone.localdate()
    assert convention.voted_version and convention.voted_version.number == 1
    verbs = list(ConventionEvent.objects.filter(convention=convention).values_list("verb", flat=True))
    assert verbs == ["draft", "open_comments", "put_to_vote", "adopt"]


def test_a_ballot_closed_on_its_own_page_settles_and_a_rejected_convention_is_redrafted(world: World) -> None:
    convention = commenting(world)
    ballot = conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    sign(world, ballot, [0])
    sign(world, ballot, [1, 2], "against")
    ballots.ballot_close(actor=world.reviewer, ballot=ballot)  # type: ignore[arg-type]
    convention = conventions.convention_close_vote(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    assert convention.state == ConventionState.REJECTED and convention.adopted_on is None
    conventions.convention_revise(actor=world.reviewer, convention=convention, text=TEXT + "\n四、补充条款。")  # type: ignore[arg-type]
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_signature_figures_per_building(world: World) -> None:
    convention = signed(world, 3)
    figures = conventions.signature_figures(convention)
    assert [(row.building, row.signed, row.total) for row in figures] == [(str(world.building), 3, 4)]
    assert figures[0].percent == 75
    with pytest.raises(conventions.ActionRefused):
        conventions.convention_open_signatures(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]


def test_repealing_ends_the_signing(world: World) -> None:
    convention = signed(world, 2)
    with pytest.raises(ValidationError):
        conventions.convention_repeal(actor=world.reviewer, convention=convention, reason=" ")  # type: ignore[arg-type]
    conventions.convention_repeal(actor=world.reviewer, convention=convention, reason="并入居民公约")  # type: ignore[arg-type]
    convention.refresh_from_db()
    assert convention.state == ConventionState.REPEALED
    assert convention.signature_ballot and convention.signature_ballot.state == BallotState.CLOSED


def test_a_breach_links_a_case_of_the_conventions_area(world: World) -> None:
    cc = build_case_cast(world.cast)
    convention = adopted(world)
    case = report(cc)
    with pytest.raises(ValidationError) as error:
        conventions.convention_breach_record(actor=world.cast.grid_worker_a, convention=convention,
                                             occurred_on=timezone.localdate())
    assert "case" in error.value.message_dict
    breach = conventions.convention_breach_record(actor=world.cast.grid_worker_a, convention=convention,
                                                  occurred_on=timezone.localdate(), note="楼道堆物", case=case)
    assert breach.case == case
    with pytest.raises(ValidationError):  # once per case
        conventions.convention_breach_record(actor=world.cast.grid_worker_a, convention=convention,
                                             occurred_on=timezone.localdate(), case=case)
    other = report(cc, grid=world.cast.grid_c, actor=cc.other_street_dispatcher)  # another street's case
    with pytest.raises(ValidationError):
        conventions.convention_breach_record(actor=world.reviewer, convention=convention,  # type: ignore[arg-type]
                                             occurred_on=timezone.localdate(), case=other)
    months = breaches_by_month(convention)
    assert months[-1].breaches == 1 and sum(month.breaches for month in months) == 1


def test_breaches_are_counted_month_by_month(world: World) -> None:
    convention = adopted(world)
    today = datetime.date(2026, 12, 6)
    Convention.objects.filter(pk=convention.pk).update(adopted_on=datetime.date(2026, 9, 20))
    convention.refresh_from_db()
    for day in (datetime.date(2026, 9, 25), datetime.date(2026, 9, 28), datetime.date(2026, 11, 2)):
        ConventionBreach.objects.create(convention=convention, occurred_on=day, note="楼道堆物")
    months = breaches_by_month(convention, today)
    assert [(month.start.month, month.breaches) for month in months] == [(9, 2), (10, 0), (11, 1), (12, 0)]


# ----- pages ---------------------------------------------------------------------------------

def test_scope_of_the_pages(world: World, login: Any) -> None:
    convention = drafted(world)
    url = reverse("conventions:detail", args=[convention.pk])
    assert login(world.cast.grid_worker_a).get(url).status_code == 200  # the building of their grid
    assert login(world.cast.grid_worker_b).get(url).status_code == 404
    page = login(world.reviewer).get(reverse("conventions:list")).content.decode()
    assert "3号楼楼道公约" in page
    assert "3号楼楼道公约" not in login(world.cast.grid_worker_b).get(reverse("conventions:list")).content.decode()


def test_the_whole_story_through_the_pages(world: World, login: Any) -> None:
    staff = login(world.reviewer)
    response = staff.post(reverse("conventions:new"), {
        "area": world.cast.community1.pk, "title": "3号楼楼道公约", "kind": "stairwell",
        "buildings": [world.building.pk], "text": TEXT})
    convention = Convention.objects.get()
    assert response.status_code == 302
    act = lambda verb, data=None: staff.post(reverse("conventions:act", args=[convention.pk, verb]), data or {})  # noqa: E731
    act("open_comments")
    worker = Client()
    worker.force_login(world.cast.grid_worker_a)
    worker.post(reverse("conventions:act", args=[convention.pk, "comment"]), {"text": "同意", "commenter": "301住户"})
    act("put_to_vote", {"unit_kind": "household", "rule": "majority", "share_numerator": 2, "share_denominator": 3})
    convention.refresh_from_db()
    assert convention.state == ConventionState.VOTING and convention.ballot is not None
    sign(world, convention.ballot, range(3))
    act("close_vote")
    act("publish")
    act("open_signatures")
    convention.refresh_from_db()
    assert convention.state == ConventionState.ADOPTED and convention.published_at and convention.signature_ballot
    sign(world, convention.signature_ballot, range(2))
    page = staff.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "2 / 4 户已签署" in page and "301住户" in page
    assert 'id="collect-signatures"' in page

    # The signature ballot's own page counts signatures and leads back; it gives no verdict.
    signing = staff.get(reverse("participation:ballot_detail", args=[convention.signature_ballot.pk])).content.decode()
    assert "已签署 2 / 4 户" in signing and reverse("conventions:detail", args=[convention.pk]) in signing
    assert 'id="result-verdict"' not in signing
    adopting = staff.get(reverse("participation:ballot_detail", args=[convention.ballot.pk])).content.decode()
    assert reverse("conventions:detail", args=[convention.pk]) in adopting and 'id="result-verdict"' in adopting


def test_a_refused_verb_says_why_and_bad_input_is_400(world: World, login: Any) -> None:
    convention = drafted(world)
    staff = login(world.reviewer)
    response = staff.post(reverse("conventions:act", args=[convention.pk, "publish"]), follow=True)
    assert "公约经表决通过后才能公布" in response.content.decode()
    response = staff.post(reverse("conventions:act", args=[convention.pk, "revise"]), {"text": ""})
    assert response.status_code == 400
    assert ConventionVersion.objects.filter(convention=convention).count() == 1
    assert staff.post(reverse("conventions:act", args=[convention.pk, "nothing"])).status_code == 404


def test_a_breach_through_the_page_by_case_number(world: World, login: Any) -> None:
    cc = build_case_cast(world.cast)
    convention = adopted(world)
    case = report(cc)
    worker = login(world.cast.grid_worker_a)
    url = reverse("conventions:act", args=[convention.pk, "breach"])
    assert worker.post(url, {"occurred_on": "2026-12-01", "case_number": "999999999"}).status_code == 400
    today = timezone.localdate().isoformat()
    assert worker.post(url, {"occurred_on": today, "case_number": case.number, "note": "楼道堆物"}).status_code == 302
    page = worker.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert case.number in page and "楼道堆物" in page
    case_page = worker.get(reverse("cases:case", args=[case.number])).content.decode()
    assert "违反公约" in case_page and reverse("conventions:detail", args=[convention.pk]) in case_page


def test_the_printable_page(world: World, login: Any) -> None:
    convention = drafted(world)
    staff = login(world.reviewer)
    assert staff.get(reverse("conventions:print", args=[convention.pk])).status_code == 404
    convention = signed(world)
    Convention.objects.exclude(pk=convention.pk).delete()
    page = staff.get(reverse("conventions:print", args=[convention.pk])).content.decode()
    assert "print-notice.css" in page and "楼道内不堆放杂物" in page
    assert 'id="sheet-signatures"' in page and "户主0" not in page


def test_the_public_page_shows_no_person(world: World) -> None:
    convention = drafted(world)
    client = Client()
    url = reverse("public_conventions:detail", args=[convention.token])
    assert client.get(url).status_code == 404  # a draft is not public
    conventions.convention_open_comments(actor=world.reviewer, convention=convention)  # type: ignore[arg-type]
    conventions.convention_comment(actor=world.cast.grid_worker_a, convention=convention, text="好", commenter="张大爷")
    page = client.get(url).content.decode()
    assert "楼道内不堆放杂物" in page and 'id="comment-form"' in page and "张大爷" not in page
    Convention.objects.all().delete()
    convention = signed(world)
    url = reverse("public_conventions:detail", args=[convention.token])
    assert client.get(url).status_code == 200
    page = client.get(url).content.decode()
    assert "3 / 4 户已签署" in page and 'id="adopted"' in page
    for name in ("户主0", "户主1", "王秀兰", "业主1"):
        assert name not in page
    grid = client.get(f"/g/{world.cast.grid_a.code}/").content.decode()
    assert "3号楼楼道公约" in grid and str(convention.token) in grid


def test_public_comments_are_rate_limited(world: World, settings: Any) -> None:
    settings.PARTICIPATION_PUBLIC_COMMENTS_PER_IP_HOUR = 2
    cache.clear()
    convention = commenting(world)
    client = Client()
    url = reverse("public_conventions:detail", args=[convention.token])
    for text in ("建议一", "建议二"):
        response = client.post(url, {"text": text, "commenter": "邻居"})
        assert response.status_code == 200 and 'id="comment-thanks"' in response.content.decode()
    assert client.post(url, {"text": "建议三"}).status_code == 429
    assert list(convention.comments.values_list("source", flat=True)) == [CommentSource.PUBLIC] * 2
    cache.clear()


def test_a_breach_links_a_patrol_finding_chosen_on_the_page(world: World, login: Any) -> None:
    convention = adopted(world)
    answer = matrix_answer(world.cast.grid_a)
    clean = Answer.objects.create(checkin=answer.checkin, item=answer.item, value="no")  # no problem: no breach
    Answer.objects.filter(pk=answer.pk).update(is_problem=True)
    with pytest.raises(ValidationError) as error:
        conventions.convention_breach_record(actor=world.cast.grid_worker_a, convention=convention,
                                             occurred_on=timezone.localdate(), finding=clean)
    assert "finding" in error.value.message_dict
    worker = login(world.cast.grid_worker_a)
    page = worker.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert f'<option value="{answer.pk}"' in page and f'<option value="{clean.pk}"' not in page
    response = worker.post(reverse("conventions:act", args=[convention.pk, "breach"]),
                           {"occurred_on": timezone.localdate().isoformat(), "finding": answer.pk})
    assert response.status_code == 302
    assert ConventionBreach.objects.get().finding == answer


def test_a_case_outside_the_users_scope_cannot_be_linked(world: World) -> None:
    cc = build_case_cast(world.cast)
    convention = adopted(world)
    case = report(cc, grid=world.cast.grid_b, actor=world.cast.grid_worker_b)
    with pytest.raises(ValidationError):  # grid A's worker does not see grid B's case
        conventions.convention_breach_record(actor=world.cast.grid_worker_a, convention=convention,
                                             occurred_on=timezone.localdate(), case=case)
    with pytest.raises(conventions.ActionRefused):  # grid B's worker does not reach the building
        conventions.convention_breach_record(actor=world.cast.grid_worker_b, convention=convention,  # type: ignore[arg-type]
                                             occurred_on=timezone.localdate(), case=case)
    assert not ConventionBreach.objects.exists()


def test_roles_without_convention_permissions_get_them_after_migrate() -> None:
    role = Role.objects.get(code="grid_worker")
    role.permissions.remove(*role.permissions.filter(codename__in=CONVENTIONS))
    assert grant_convention_permissions() >= 1
    assert set(role.permissions.filter(codename__in=CONVENTIONS).values_list("codename", flat=True)) == {
        "view_convention", "record_convention"}
    assert grant_convention_permissions() == 0  # a role holding any of them is left as it is


def test_the_conventions_page_costs_the_same_for_more_rows(world: World, login: Any) -> None:
    cc = build_case_cast(world.cast)
    convention = signed(world)
    client = login(world.reviewer)
    url = reverse("conventions:detail", args=[convention.pk])
    conventions.convention_breach_record(actor=world.reviewer, convention=convention,  # type: ignore[arg-type]
                                         occurred_on=timezone.localdate(), case=report(cc))
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for _index in range(3):
        conventions.convention_breach_record(actor=world.reviewer, convention=convention,  # type: ignore[arg-type]
                                             occurred_on=timezone.localdate(), case=report(cc))
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_staff_putting_a_convention_to_the_vote_at_once_open_one_ballot(cast: Any) -> None:
    world = make_world(cast)
    convention = commenting(world)
    outcomes = race(*[lambda: conventions.convention_put_to_vote(actor=world.reviewer, convention=convention)] * 2)  # type: ignore[arg-type]
    assert sorted(kind for kind, _message in outcomes) == ["ok", "refused"]
    assert Ballot.objects.count() == 1
    convention.refresh_from_db()
    assert convention.ballot == Ballot.objects.get()
