from django.urls import URLPattern, URLResolver, path

from audit import views

app_name = "audit"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.changelog_list, name="changelog"),
]
