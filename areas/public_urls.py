"""Pages anyone may open without an account (the QR codes on printed boards point here)."""

from django.urls import URLPattern, URLResolver, path

from areas import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("g/<str:code>/", views.public_grid, name="public_grid"),
]
