"""``core.bench.QueryCountMiddleware``: the benchmark's SQL count per request, in a header."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.models import User
from core.bench import QueryCountMiddleware

pytestmark = pytest.mark.django_db


def test_it_counts_the_queries_of_the_request():
    def view(request):
        User.objects.count()
        list(User.objects.filter(username="nobody"))
        return HttpResponse("ok")

    response = QueryCountMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Bench-Queries"] == "2"


def test_it_is_off_unless_asked_for(client):
    assert "X-Bench-Queries" not in client.get("/healthz").headers
