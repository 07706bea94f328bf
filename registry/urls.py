from django.urls import URLPattern, URLResolver

from registry.views import browse, coverage, imports, search

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [
    *search.urlpatterns, *browse.urlpatterns, *imports.urlpatterns, *coverage.urlpatterns,
]
