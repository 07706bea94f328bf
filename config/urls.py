from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

admin.site.site_header = _("网格 · 系统管理")
admin.site.site_title = pgettext_lazy("product name", "网格")
admin.site.index_title = _("系统管理")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("areas/", include("areas.urls")),
    path("", include("areas.public_urls")),
    path("audit/", include("audit.urls")),
    path("registry/", include("registry.urls")),
    path("cases/", include("cases.urls")),
    path("s/", include("cases.public_urls")),
    path("participation/conventions/", include("participation.convention_urls")),
    path("participation/", include("participation.urls")),
    path("w/", include("participation.public_urls")),
    path("p/", include("participation.deliberation_urls")),
    path("v/", include("participation.vote_urls")),
    path("gy/", include("participation.convention_public_urls")),
    path("fieldwork/", include("fieldwork.urls")),
    path("api/", include("api.urls")),
    path("open311/v2/", include("api.open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Uploaded files (case photos) are never served from MEDIA_URL, not even in development: the
# photo views check who may see them (cases.views.intake.photo, cases.views.public.photo).

# Wangge's own translated error pages (core/errors.py), also under DEBUG unless SHOW_DEBUG_PAGES.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
