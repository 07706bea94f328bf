"""Staff pages of 公约 (docs/participation.md), under /participation/conventions/."""

from django.urls import URLPattern, URLResolver, path

from participation import convention_views

app_name = "conventions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", convention_views.convention_list, name="list"),
    path("new/", convention_views.convention_new, name="new"),
    path("<int:pk>/", convention_views.convention_detail, name="detail"),
    path("<int:pk>/print/", convention_views.convention_print, name="print"),
    path("<int:pk>/<str:verb>/", convention_views.convention_act, name="act"),
]
