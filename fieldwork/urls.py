from django.urls import URLPattern, URLResolver

from fieldwork.views import compliance, diary, offline, pairings, patrols, rectification, report, visits

app_name = "fieldwork"
urlpatterns: list[URLPattern | URLResolver] = [*patrols.urlpatterns, *visits.urlpatterns, *compliance.urlpatterns,
               *diary.urlpatterns, *offline.urlpatterns, *rectification.urlpatterns, *pairings.urlpatterns,
               *report.urlpatterns]
