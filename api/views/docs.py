"""The OpenAPI schema and its two readers, served offline (drf-spectacular-sidecar's copies of
Swagger UI and Redoc, from our static files; no CDN).

Swagger UI keeps to the site's policy (``script-src 'self'``, no inline style): its init script
is a separate request (``?script``). Redoc writes its styles into ``<style>`` elements at run
time and starts a web worker from a blob, so its page alone gets a policy that allows inline
styles and blob workers; scripts stay ``'self'`` only.
"""

from __future__ import annotations

import threading
from typing import Any

from django.http import HttpRequest
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from core.security_headers import content_security_policy

# drf-spectacular loads its extensions' target classes on first use, and two threads doing so at
# once fail (upstream: tfranzel/drf-spectacular#1122, "'NoneType' object has no attribute
# 'startswith'"): under a threaded server two schema requests at once answered 500. A process
# builds one schema at a time; the sync workers of production never had two anyway.
SCHEMA_LOCK = threading.Lock()

REDOC_EXTRA = {"style-src": "'self' 'unsafe-inline'", "worker-src": "'self' blob:"}


def redoc_policy() -> str:
    """The site's policy with Redoc's two exceptions (styles inline, blob workers)."""
    directives = [part.strip() for part in content_security_policy().split(";") if part.strip()]
    replaced = [f"{name} {REDOC_EXTRA[name]}" if (name := part.split(" ", 1)[0]) in REDOC_EXTRA else part
                for part in directives]
    added = [f"{name} {value}" for name, value in REDOC_EXTRA.items()
             if not any(part.split(" ", 1)[0] == name for part in directives)]
    return "; ".join([*replaced, *added])


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        with SCHEMA_LOCK:
            return super().dispatch(request, *args, **kwargs)


class SwaggerView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


class RedocView(SpectacularRedocView):
    permission_classes = [AllowAny]
    template_name = "api/redoc.html"
    url_name = "api:schema"

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = redoc_policy()
        return response
