from django.urls import URLPattern, URLResolver

from cases.views import area_panel, calendar_admin, casepage, disputes, inbox, intake, ledgers, stats, workbench

app_name = "cases"
urlpatterns: list[URLPattern | URLResolver] = [
    *workbench.urlpatterns, *casepage.urlpatterns, *intake.urlpatterns, *stats.urlpatterns,
    *ledgers.urlpatterns, *disputes.urlpatterns, *inbox.urlpatterns, *calendar_admin.urlpatterns,
    *area_panel.urlpatterns,
]
