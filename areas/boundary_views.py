"""Boundary import/export pages and the locator endpoint."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_built(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise Http404


boundary_import = locate = boundary_export = _not_built
