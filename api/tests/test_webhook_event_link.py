"""A webhook delivery's link to its timeline entry has no database constraint (the timeline is
partitioned on PostgreSQL, ``cases.partitions``): Django's collector keeps ``on_delete``."""

from __future__ import annotations

import pytest

from api.models import WebhookDelivery
from api.testing import matrix_delivery
from cases.models import Case, CaseEvent
from cases.testing import report

pytestmark = pytest.mark.django_db


def test_deleting_a_case_deletes_the_deliveries_of_its_entries(cc):
    case = report(cc)
    delivery = matrix_delivery(cc.cast.grid_a)
    assert delivery.event.case_id == case.pk
    Case.objects.filter(pk=case.pk).delete()
    assert not CaseEvent.objects.filter(case_id=case.pk).exists()
    assert not WebhookDelivery.objects.filter(pk=delivery.pk).exists()
