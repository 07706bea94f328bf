"""The Content-Security-Policy and Permissions-Policy headers of every response.

The policy is static: scripts and styles only from our own origin (no inline script, no inline
style, no eval), images also from the map's tile server, nothing may frame the site. Pages keep
to it by carrying their data in ``json_script`` elements and data- attributes that the scripts
under ``static/wangge/`` read; the browser test ``tests/test_content_security_policy.py`` visits
the main pages and fails on any violation. docs/configuration.md describes the settings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The browser features a page may use: the report forms place a problem by the phone's position.
# Photos come from a file input, whose camera option is the operating system's, not the page's.
PERMISSIONS_POLICY = ", ".join([
    "geolocation=(self)",
    *(f"{feature}=()" for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture", "encrypted-media",
        "fullscreen", "gyroscope", "hid", "idle-detection", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    )),
])


def tile_sources(url_template: str, subdomains: str) -> list[str]:
    """The origins a Leaflet tile URL template loads from: ``{s}`` spelled out once per subdomain.

    A template with another placeholder in its host (rare) allows its scheme: better a wider
    image source than a map without tiles.
    """
    if not url_template:
        return []
    parts = urlsplit(url_template)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    hosts = [parts.netloc.replace("{s}", letter) for letter in subdomains] if "{s}" in parts.netloc else [parts.netloc]
    if any("{" in host or "}" in host for host in hosts):
        return [f"{parts.scheme}:"]
    return sorted({f"{parts.scheme}://{host}" for host in hosts})


@functools.cache
def _policy(tile_url: str, subdomains: str, report_uri: str) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the small SVG icons inside Bootstrap's stylesheet (menu button, selects, checks).
        "img-src": ["'self'", "data:", *tile_sources(tile_url, subdomains)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def content_security_policy() -> str:
    """The policy for the current settings (computed once per combination)."""
    return _policy(settings.MAP_TILE_URL, settings.MAP_TILE_SUBDOMAINS, settings.CSP_REPORT_URI)


class SecurityHeadersMiddleware:
    """Adds the two headers to every response that has not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Django's debug pages (DEBUG with SHOW_DEBUG_PAGES only) are built with inline script and style.
        if not (settings.DEBUG and settings.SHOW_DEBUG_PAGES and response.status_code in (400, 404, 500)):
            header = "Content-Security-Policy-Report-Only" if settings.CSP_REPORT_ONLY else "Content-Security-Policy"
            response.headers.setdefault(header, content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
