"""``/api/v1/``: the REST API, its schema and documentation; ``/api/tokens/``: the token page;
``/api/webhooks/``: webhook subscriptions."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path

from api.pages import page_urlpatterns
from api.views import areas, cases, directory, docs, media, registry, statistics
from api.webhooks.pages import webhook_urlpatterns
from cases.forms.actions import ACTION_FORMS

app_name = "api"

NUMBER = r"(?P<number>[0-9]{8,20})"

v1: list[URLPattern | URLResolver] = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.SwaggerView.as_view(), name="swagger"),
    path("redoc/", docs.RedocView.as_view(), name="redoc"),
    path("areas/", areas.AreaList.as_view(), name="areas"),
    re_path(r"^areas/(?P<code>[0-9]{1,18})/$", areas.AreaDetail.as_view(), name="area"),
    re_path(r"^areas/(?P<code>[0-9]{1,18})/team/$", directory.AreaTeam.as_view(), name="area_team"),
    path("organisations/", directory.OrganisationList.as_view(), name="organisations"),
    path("categories/", areas.CategoryList.as_view(), name="categories"),
    path("cases/", cases.CaseList.as_view(), name="cases"),
    re_path(rf"^cases/{NUMBER}/$", cases.CaseDetail.as_view(), name="case"),
    re_path(rf"^cases/{NUMBER}/photos/$", media.CasePhotos.as_view(), name="case_photos"),
    re_path(rf"^cases/{NUMBER}/photos/(?P<token>[0-9a-f-]{{36}})/$", media.CasePhoto.as_view(), name="case_photo"),
    re_path(rf"^cases/{NUMBER}/dispute/$", media.CaseDispute.as_view(), name="case_dispute"),
    *(re_path(rf"^cases/{NUMBER}/{verb}/$", cases.action_view(verb).as_view(), name=f"case_{verb}")
      for verb in ACTION_FORMS),
    path("statistics/", statistics.Statistics.as_view(), name="statistics"),
    path("residents/", registry.ResidentList.as_view(), name="residents"),
    path("residents/<int:pk>/", registry.ResidentDetail.as_view(), name="resident"),
    path("residents/<int:pk>/unmask/", registry.ResidentUnmask.as_view(), name="resident_unmask"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    *page_urlpatterns,
    *webhook_urlpatterns,
    path("v1/", include(v1)),
]
