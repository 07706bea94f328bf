"""Public pages of 议事: 民事民提 from a grid's board, QR sign-in at a meeting, 居民评议 by link."""

from django.urls import URLPattern, URLResolver, path

from participation import deliberation_public

app_name = "public_deliberation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("m/<uuid:token>/", deliberation_public.sign_in, name="sign_in"),
    path("e/<uuid:token>/", deliberation_public.evaluate, name="evaluate"),
    path("<str:code>/", deliberation_public.propose, name="propose"),
]
