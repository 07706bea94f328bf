"""Area pages: the tree, an area's page with its map, the grid's printable board and card."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_built(request: HttpRequest, **kwargs: str) -> HttpResponse:
    raise Http404


area_index = area_detail = children_geojson = grid_board = contact_card = public_grid = _not_built
