"""Public pages of ballots: a household's vote by its link/QR, and published results."""

from django.urls import URLPattern, URLResolver, path

from participation import votelink_views

app_name = "public_votes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("r/<str:code>/", votelink_views.results, name="results"),
    path("<str:token>/", votelink_views.vote, name="vote"),
]
