"""The worker's pages as an installable web app: the manifest, the service worker, the sync endpoint.

docs/fieldwork.md ("Offline on the phone") describes what is cached and how the queue is sent.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from fieldwork.sync import sync_batch

SERVICE_WORKER = Path(settings.BASE_DIR) / "static" / "wangge" / "sw.js"
THEME_COLOR = "#8e1313"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: the worker's today page as the app's start, its own icons."""
    product = pgettext("product name", "网格")
    icons = [
        {
            "src": static(f"wangge/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in (192, 512)
    ] + [
        {"src": static("wangge/icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"}
    ]
    body = {
        "name": f"{product} · {_('巡查走访')}",
        "short_name": product,
        "lang": get_language(),
        "description": _("网格员巡查、走访和民情日志，没有信号时也能记录。"),
        "start_url": reverse("fieldwork:today"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/wangge/sw.js, served here so it may control the whole site (``Service-Worker-Allowed: /``).

    It intercepts only the worker's pages and static files (see the script); never cached by
    the browser's HTTP cache, so a new version is picked up on the next visit.
    """
    response = HttpResponse(SERVICE_WORKER.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """POST a batch of offline records (multipart: ``records`` JSON, photos as file parts); a result each."""
    if not isinstance(request.user, User):
        return JsonResponse({"error": _("请先登录。")}, status=401)
    try:
        records = json.loads(request.POST.get("records", ""))
    except ValueError:
        records = None
    if not isinstance(records, list) or not records:
        return JsonResponse({"error": _("没有收到离线记录。")}, status=400)
    try:
        results = sync_batch(actor=request.user, records=records, uploads=request.FILES)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {"results": [result.as_json() for result in results]}, json_dumps_params={"ensure_ascii": False}
    )


urlpatterns: list[URLPattern] = [
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service_worker"),
    path("sync/", sync, name="sync"),
]
