"""Pages for residents without an account: 随手拍 and the tracking page (under /s/)."""

from django.urls import URLPattern, URLResolver

from cases.views import public

app_name = "public_cases"
urlpatterns: list[URLPattern | URLResolver] = [*public.urlpatterns]
