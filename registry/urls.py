from django.urls import URLPattern, URLResolver

from registry.views import browse, coverage, imports

app_name = "registry"
urlpatterns: list[URLPattern | URLResolver] = [*browse.urlpatterns, *imports.urlpatterns, *coverage.urlpatterns]
