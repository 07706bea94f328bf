"""Placeholder until its owner writes the page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path


@login_required
def placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


urlpatterns: list[URLPattern | URLResolver] = [path("", placeholder, name="workbench")]
