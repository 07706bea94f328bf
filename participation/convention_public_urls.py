"""The public page of a convention, by its token: /gy/<token>/ (公约)."""

from django.urls import URLPattern, URLResolver, path

from participation import convention_public

app_name = "public_conventions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("<uuid:token>/", convention_public.detail, name="detail"),
]
