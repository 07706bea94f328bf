"""The workbench at scale: scope as index-friendly conditions (same rows as before), cursor pages
that neither repeat nor skip rows while cases arrive, capped counts, cached menus, and a query
count that follows neither the number of cases nor the depth of the page."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, OrganisationMember, RoleAssignment
from accounts.scope import restrict_by_permission
from accounts.testing import make_user
from cases import paging, selectors
from cases.filters import CaseFilterForm
from cases.models import Case, CaseAssignment, Status
from cases.testing import advance, report

ROW = re.compile(r'data-case="(\d+)"')


def old_visible_to(user: Any) -> set[int]:
    """``Case.objects.visible_to`` as it was written before it became index-friendly."""
    cases = Case.objects.all()
    in_areas = restrict_by_permission(cases, user, "grid_code", "cases.view_case")
    if user is None or not user.is_authenticated:
        return set(in_areas.values_list("pk", flat=True))
    units = OrganisationMember.objects.unit_ids(user)
    assigned = cases.filter(assignments__organisation_id__in=units).values("pk")
    return set(cases.filter(Q(pk__in=in_areas.values("pk")) | Q(pk__in=assigned)).values_list("pk", flat=True))


def a_city(cc: Any) -> list[Case]:
    """Cases on three grids of two streets, some dispatched to the 物业 (with the 执法中队 assisting)."""
    cast = cc.cast
    cases = [report(cc), report(cc, grid=cast.grid_b, actor=cast.grid_worker_b),
             report(cc, grid=cast.grid_c, actor=cast.superuser)]
    cases.append(advance(report(cc), Status.DISPATCHED, cc))
    cases.append(advance(report(cc, grid=cast.grid_b, actor=cast.grid_worker_b), Status.HANDLING, cc))
    return cases


def every_kind_of_user(cc: Any) -> list[Any]:
    cast = cc.cast
    both = make_user("worker_and_handler", "grid_worker", cast.grid_b)
    RoleAssignment.objects.create(user=both, role=cc.property_handler.assignments.get().role, area=cast.street1,
                                  valid_from=datetime.date(2024, 1, 1))
    OrganisationMember.objects.create(organisation=cc.property_company, user=both)
    ended = make_user("ended_handler", None, None)
    RoleAssignment.objects.create(user=ended, role=cc.property_handler.assignments.get().role, area=cast.street1,
                                  valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2024, 12, 31))
    OrganisationMember.objects.create(organisation=cc.property_company, user=ended)
    inactive = make_user("inactive_dispatcher", "street_dispatcher", cast.street1, is_active=False)
    return [cast.superuser, cast.district_admin, cast.street_leader, cast.other_street_leader, cc.community_staff,
            cast.grid_worker_a, cast.grid_worker_b, cc.grid_leader, cc.dispatcher, cc.other_street_dispatcher,
            cc.property_handler, cc.enforcement_handler, both, ended, inactive, cast.outsider]


def test_visible_to_sees_exactly_what_it_saw_before(cc):  # type: ignore[no-untyped-def]
    cases = a_city(cc)
    users = every_kind_of_user(cc)
    for user in users:
        assert set(Case.objects.visible_to(user).values_list("pk", flat=True)) == old_visible_to(user), user
    # The fixture covers each path: areas only, units only, both, and nothing.
    assert len(old_visible_to(cc.cast.grid_worker_a)) == 2
    assert old_visible_to(cc.property_handler) == {cases[3].pk, cases[4].pk}
    assert old_visible_to(users[12]) >= {cases[1].pk, cases[3].pk, cases[4].pk}
    assert old_visible_to(users[13]) == set() and old_visible_to(cc.cast.outsider) == set()


def test_visible_to_has_no_or_of_in_subqueries(cc):  # type: ignore[no-untyped-def]
    for user in (cc.dispatcher, cc.cast.grid_worker_a, cc.community_staff, cc.cast.street_leader):
        sql = str(Case.objects.visible_to(user).query)
        assert " IN (SELECT" not in sql and "EXISTS" not in sql, sql  # the area conditions alone
    # Who may also work for a unit gets the assignments as one EXISTS beside the areas.
    admin = str(Case.objects.visible_to(cc.cast.district_admin).query)
    assert admin.count("EXISTS") == 1 and '"cases_case"."id" IN (SELECT' not in admin
    assert 'WHERE "cases_case"."street_code" = 410102001000' in str(Case.objects.visible_to(cc.dispatcher).query)
    handler = str(Case.objects.visible_to(cc.property_handler).query)
    assert handler.count("EXISTS") == 1 and '"cases_case"."id" IN (SELECT' not in handler


def page_numbers(client: Any, **params: str) -> tuple[list[str], str]:
    response = client.get("/cases/", params)
    assert response.status_code == 200
    html = response.content.decode()
    return ROW.findall(html), html


def cursor(html: str, direction: str) -> str:
    name = "after" if direction == "next" else "before"
    found = re.search(rf'id="page-{direction}"[^>]*href="[^"]*{name}=([^"&]+)"', html)
    assert found, direction
    return found.group(1)


def test_pages_neither_repeat_nor_skip_while_cases_arrive(cc, client):  # type: ignore[no-untyped-def]
    for _ in range(60):
        report(cc)
    client.force_login(cc.dispatcher)
    first, html = page_numbers(client, queue="reported", sort="newest")
    for _ in range(5):
        report(cc)  # newer: they belong before the first page, which the reader has passed
    second, html2 = page_numbers(client, queue="reported", sort="newest", after=cursor(html, "next"))
    assert len(first) == 50 and len(second) == 10 and not set(first) & set(second)
    older = Case.objects.order_by("-reported_at", "-pk").values_list("number", flat=True)[5:]
    assert first + second == list(older)
    assert 'id="page-next"' not in html2
    # Back from the second page: the first page as it is now, the five new cases not included.
    back, _html = page_numbers(client, queue="reported", sort="newest", before=cursor(html2, "previous"))
    assert back == first


def test_pages_by_deadline_cross_from_running_clocks_to_none(cc):  # type: ignore[no-untyped-def]
    cases = [report(cc) for _ in range(11)]
    Case.objects.filter(pk__in=[case.pk for case in cases[:4]]).update(stage_due_at=None)  # 挂账, finished
    same = timezone.now() + datetime.timedelta(hours=2)
    Case.objects.filter(pk__in=[case.pk for case in cases[4:8]]).update(stage_due_at=same)  # ties
    key = selectors.SORTS["deadline"]
    expected = list(Case.objects.order_by(*key.ordering()).values_list("pk", flat=True))
    assert expected[-4:] == [case.pk for case in cases[:4]]
    seen, after = [], ""
    while True:
        page = paging.keyset_page(Case.objects.all(), key, 3, after=after)
        seen.extend(case.pk for case in page.rows)
        if not page.next_cursor:
            break
        after = page.next_cursor
    assert seen == expected
    backwards, before = [], paging.encode(Case.objects.get(pk=expected[-1]), key)
    while before:
        page = paging.keyset_page(Case.objects.all(), key, 3, before=before)
        backwards = [case.pk for case in page.rows] + backwards
        before = page.previous_cursor or ""
    assert backwards == expected[:-1]


def test_a_cursor_that_is_not_one_starts_at_the_top(cc, client):  # type: ignore[no-untyped-def]
    report(cc)
    client.force_login(cc.dispatcher)
    for bad in ("x", "1.2.3", "n.", "99999999999999999999999.1", "-5"):
        rows, _html = page_numbers(client, queue="reported", after=bad)
        assert len(rows) == 1, bad


def test_counts_stop_at_the_cap(cc, client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(4):
        report(cc)
    advance(report(cc), Status.PENDING_DISPATCH, cc)
    client.force_login(cc.dispatcher)
    rows, html = page_numbers(client, queue="reported")
    assert re.search(r'id="queue-reported".*?queue-count">3\+<', html, re.S)
    assert re.search(r'id="queue-pending_dispatch".*?queue-count">1<', html, re.S)
    assert re.search(r'id="queue-all".*?queue-count">3\+<', html, re.S)
    assert "超过 3 条" in html and len(rows) == 4
    _rows, html = page_numbers(client, queue="pending_dispatch")
    assert "共 1 条" in html


def test_capped_counts_count_each_queue_of_a_hand_built_fixture(cc):  # type: ignore[no-untyped-def]
    for _ in range(3):
        report(cc)
    advance(report(cc), Status.PENDING_DISPATCH, cc)
    advance(report(cc), Status.DISPATCHED, cc)
    report(cc, grid=cc.cast.grid_c, actor=cc.cast.superuser)  # another street: nobody's here
    queues = {queue.key: queue for queue in selectors.workbench_queues(cc.dispatcher, cap=1000)}
    exact = {queue.key: queue for queue in selectors.workbench_queues(cc.dispatcher)}
    assert {key: queue.count for key, queue in queues.items()} == {key: queue.count for key, queue in exact.items()}
    assert (queues["reported"].count, queues["pending_dispatch"].count, queues["handling"].count) == (3, 1, 1)
    assert queues["all"].count == 5 and not any(queue.capped for queue in queues.values())
    handler = {queue.key: queue.count for queue in selectors.workbench_queues(cc.property_handler, cap=2)}
    assert handler["to_sign"] == 1 and handler["all"] == 1


def workbench_queries(client: Any, **params: str) -> int:
    cache.clear()  # each request as the first one: the filter's menus are read, not cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/", params).status_code == 200
    return len(queries)


def test_the_query_count_follows_neither_cases_nor_page_depth(cc, client):  # type: ignore[no-untyped-def]
    for _ in range(5):
        report(cc)
    users = (cc.dispatcher, cc.cast.grid_worker_a, cc.property_handler)
    views = ({"queue": "all"}, {"queue": "reported"}, {"queue": "all", "sort": "newest"}, {"queue": "to_sign"})

    def measure() -> dict[tuple[str, int], int]:
        counts = {}
        for user in users:
            client.force_login(user)
            for index, params in enumerate(views):
                counts[(user.username, index)] = workbench_queries(client, **params)
        return counts

    few = measure()
    for _ in range(190):
        report(cc)
    for status in (Status.DISPATCHED, Status.HANDLING, Status.PENDING_DISPATCH, Status.PENDING_VERIFY):
        advance(report(cc), status, cc)
    many = measure()
    assert few == many and max(many.values()) <= 12, many
    client.force_login(cc.dispatcher)
    _rows, html = page_numbers(client, queue="all")
    deeper = cursor(html, "next")
    _rows, html = page_numbers(client, queue="all", after=deeper)
    assert workbench_queries(client, queue="all", after=cursor(html, "next")) == many[("dispatcher1", 0)]
    assert workbench_queries(client, queue="all", before=cursor(html, "previous")) == many[("dispatcher1", 0)]


def unit_choices(user: Any) -> set[str]:
    field = CaseFilterForm({}, user=user).fields["organisation"]
    assert isinstance(field, ModelChoiceField) and field.queryset is not None
    return {str(unit) for unit in field.queryset}


def test_the_unit_menu_is_cached_and_follows_dispatches(cc):  # type: ignore[no-untyped-def]
    department = Organisation.objects.create(name="区住建局", kind=OrganisationKind.ENFORCEMENT,
                                             home_area=cc.cast.other_district)
    case = advance(report(cc), Status.PENDING_DISPATCH, cc)
    assert "区住建局" not in unit_choices(cc.dispatcher)
    with CaptureQueriesContext(connection) as queries:
        unit_choices(cc.dispatcher)
    assert not any("cases_case" in query["sql"] for query in queries.captured_queries)  # from the cache
    CaseAssignment.objects.create(case=case, organisation=department, role="lead")
    Case.objects.filter(pk=case.pk).update(lead_organisation=department)
    assert "区住建局" in unit_choices(cc.dispatcher)


def test_the_category_menu_follows_the_catalog(cc):  # type: ignore[no-untyped-def]
    form = CaseFilterForm({}, user=cc.dispatcher)
    assert any("楼道堆物" in str(label) for _value, label in form.fields["category"].choices)
    category = cc.category("t-clutter")
    category.name = "楼道堆物（测试改名）"
    category.save()
    labels = [str(label) for _value, label in CaseFilterForm({}, user=cc.dispatcher).fields["category"].choices]
    assert any("楼道堆物（测试改名）" in label for label in labels)
