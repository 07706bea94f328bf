from django.urls import URLPattern, URLResolver

app_name = "public_participation"
urlpatterns: list[URLPattern | URLResolver] = []
