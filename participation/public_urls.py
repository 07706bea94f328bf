"""Pages anyone may open without an account: the wish wall and its claim form."""

from django.urls import URLPattern, URLResolver, path

from participation import public_views

app_name = "public_participation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:code>/", public_views.wall, name="wall"),
    path("wish/<uuid:token>/", public_views.claim, name="claim"),
]
