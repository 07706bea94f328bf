"""The fieldwork pages keep to the Content-Security-Policy in a real Chromium (no inline script or
style, no console errors), including the patrol page's route script."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldwork.patrols import patrol_start
from fieldwork.testing import build_field_cast
from fieldwork.visits import visit_record
from tests.test_content_security_policy import Complaints, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_fieldwork_pages_keep_to_the_policy(cast, page, browser_login, settings):
    settings.FIELDWORK_ROUTE_TRACKING = True
    fc = build_field_cast(cast)
    worker = cast.grid_worker_a
    patrol = patrol_start(actor=worker, plan=fc.double_patrol, grid=cast.grid_a, window=fc.morning, consent=True)
    done = visit_record(actor=worker, resident=fc.alone, findings="扶手松动")
    complaints = Complaints()
    complaints.watch(page)
    browser_login(worker)
    for path in [
        reverse("fieldwork:today"),
        reverse("fieldwork:patrol", args=[patrol.pk]),
        reverse("fieldwork:check_in", args=[patrol.pk, "building", fc.building1.pk]),
        reverse("fieldwork:visits_due"),
        reverse("fieldwork:visit_new", args=[fc.alone.pk]),
        reverse("fieldwork:visit", args=[done.pk]),
        reverse("fieldwork:diary", args=[worker.pk, 2026, 12]),
        reverse("fieldwork:building_labels", args=[cast.grid_a.code]),
    ]:
        visit(page, complaints, path)
    browser_login(fc.grid_leader)
    visit(page, complaints, reverse("fieldwork:compliance", args=[cast.grid_a.code]))
    assert complaints.found == []
