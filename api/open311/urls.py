"""``/open311/v2/``: the Open311 GeoReport v2 server (docs/open311.md). Each method answers in
JSON or XML by its suffix; anything else under the prefix is the spec's 404."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from api.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.services, name="services"),
    re_path(rf"^services/(?P<code>[A-Za-z0-9_-]{{1,60}}){FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[A-Za-z0-9_-]{{1,40}}){FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[A-Za-z0-9_-]{{1,64}}){FMT}$", views.token, name="token"),
    re_path(rf"^servicerequestupdates{FMT}$", views.updates, name="updates"),
    path("media/<uuid:token>.jpg", views.media, name="media"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
