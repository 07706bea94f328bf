"""Area pages: the tree, an area's page with its map, the grid's printable board and card.

Every logged-in page looks its area up through ``Area.objects.visible_to(user)``: an area
outside the user's scope answers 404 exactly like an unknown code. The public grid page
(``/g/<code>/``, the QR codes' target) needs no login and shows only what a 公示牌 shows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from areas import public_page, selectors
from areas.models import Area, GridKind, Level
from core.validators import without_control_characters

CHILDREN_PER_PAGE = 30
SEARCH_RESULTS_PER_PAGE = 25
# 便民联系卡 are printed 2 × 5 to an A4 sheet and cut apart.
CARDS_PER_SHEET = 10


def _get_area_for_user(request: HttpRequest, code: str) -> Area:
    """The area with this code if the user may see it; 404 otherwise (unknown or outside scope)."""
    return get_object_or_404(Area.objects.visible_to(request.user).prefetch_related("tags"), code=code)


def _get_grid_for_user(request: HttpRequest, code: str) -> Area:
    """Like ``_get_area_for_user`` but only for grids and micro-grids (boards and cards exist for them)."""
    area = _get_area_for_user(request, code)
    if not area.is_grid:
        raise Http404
    return area


def _page(request: HttpRequest, items: Any, per_page: int) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def public_grid_url(request: HttpRequest, area: Area) -> str:
    """Absolute address of the grid's public page: PUBLIC_BASE_URL when set, else this request's host."""
    path = reverse("public_grid", args=[area.code])
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _map_config(area: Area) -> dict[str, Any]:
    """What area-map.js needs: where to fetch the polygons and which tiles to draw below them."""
    return {
        "geojsonUrl": reverse("areas:children_geojson", args=[area.code]),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "tileSubdomains": settings.MAP_TILE_SUBDOMAINS,
        "tileCrs": settings.MAP_TILE_CRS,
    }


def _grid_context(area: Area) -> dict[str, Any]:
    """Team and place of a grid, shared by its page, its board, its card and its public page."""
    chain = area.ancestors()
    team = area.team.board()
    return {
        "chain": chain,
        "street": selectors.ancestor_at(chain, Level.STREET),
        "community": selectors.ancestor_at(chain, Level.COMMUNITY),
        "parent_grid": selectors.ancestor_at(chain, Level.GRID),
        "team": team,
        "is_dedicated": area.grid_kind == GridKind.DEDICATED,
    }


@login_required
@require_GET
def area_index(request: HttpRequest) -> HttpResponse:
    """The root of the user's tree, and a search over every area they may see."""
    query = without_control_characters(request.GET.get("q", "")).strip()
    context: dict[str, Any] = {"query": query}
    if query:
        context["results"] = _page(request, selectors.search_areas(request.user, query), SEARCH_RESULTS_PER_PAGE)
    else:
        context["top_areas"] = list(selectors.top_areas(request.user))
    return render(request, "areas/index.html", context)


@login_required
@require_GET
def area_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One area: parent chain, figures, map of its children, children table; a grid adds its team."""
    area = _get_area_for_user(request, code)
    children = _page(request, selectors.visible_children(area, request.user), CHILDREN_PER_PAGE)
    child_list = list(children.object_list)
    for child in child_list:
        child.leaders = selectors.grid_leaders(child)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "area": area,
        "breadcrumbs": selectors.breadcrumbs(area, request.user),
        "figures": selectors.area_figures(area, request.user),
        "children": children,
        "rollups": selectors.child_rollups(area, child_list, request.user),
        "show_leaders": any(child.is_grid for child in child_list),
        "map_config": _map_config(area),
        "level_label": Level(area.level).label,
    }
    if area.is_grid:
        context.update(_grid_context(area))
    return render(request, "areas/detail.html", context)


@login_required
@require_GET
def children_geojson(request: HttpRequest, code: str) -> JsonResponse:
    """The area's outline and its active, visible children as GeoJSON for the map."""
    collection = selectors.children_features(code, request.user)
    if collection is None:
        raise Http404
    response = JsonResponse(collection, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "private, max-age=60"
    return response


def _print_context(request: HttpRequest, area: Area) -> dict[str, Any]:
    context = _grid_context(area)
    team = context["team"]
    context.update(
        area=area,
        public_url=public_grid_url(request, area),
        # Without PUBLIC_BASE_URL the QR carries the host this page was opened on (often an
        # internal name or 127.0.0.1): the print toolbar warns, on screen only.
        public_base_missing=not settings.PUBLIC_BASE_URL,
        # The board lists building heads compactly in a block of their own, below the team table.
        board_team=team.board_members,
        building_heads=team.building_heads,
        grid_leader=team.grid_leader,
        grid_workers=team.grid_workers,
        police_officer=team.police_officer,
    )
    return context


@login_required
@require_GET
def grid_board(request: HttpRequest, code: str) -> HttpResponse:
    """The printable A4 网格化服务管理公示牌 of a grid."""
    area = _get_grid_for_user(request, code)
    return render(request, "areas/board.html", _print_context(request, area))


@login_required
@require_GET
def contact_card(request: HttpRequest, code: str) -> HttpResponse:
    """The printable 便民联系卡 (bank-card size) handed to households of a grid."""
    area = _get_grid_for_user(request, code)
    context = _print_context(request, area)
    context["cards"] = range(CARDS_PER_SHEET)
    return render(request, "areas/card.html", context)


@require_GET
def public_grid(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of an active grid: who serves it and how to reach them. No login."""
    area = get_object_or_404(
        Area.objects.active().filter(level__in=[Level.GRID, Level.MICROGRID]).prefetch_related("tags"), code=code
    )
    context = _grid_context(area)
    context["area"] = area
    context.update(public_page.extra_context(area))  # links of higher apps (the wish wall)
    return render(request, "areas/public_grid.html", context)
