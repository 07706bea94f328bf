"""Areas and categories: the tree the user may see, an area with its boundary (GeoJSON), and the
category catalog with its extra questions."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.errors import invalid
from api.models import Scope
from api.pagination import Keyset, cursor_page, page_size_of
from api.params import CRS, CURSOR, PAGE_SIZE, crs_of
from api.serializers import AreaDetailSerializer, AreaSerializer, CategorySerializer
from areas.models import Area, Level
from cases.models import Category

AREA_ORDER = Keyset("code", "pk")


class AreaList(ApiView):
    read_scope = Scope.AREAS_READ

    @extend_schema(
        operation_id="areas_list",
        summary="Areas in the user's scope (the tree, in code order)",
        parameters=[
            OpenApiParameter("parent", str, description="Only the children of the area with this code."),
            OpenApiParameter("level", int, enum=Level.values, description="Only areas of this level."),
            CURSOR, PAGE_SIZE,
        ],
        responses=inline_serializer("AreaPage", {"results": AreaSerializer(many=True),
                                                 "next": serializers.URLField(allow_null=True)}),
    )
    def get(self, request: Request) -> Response:
        areas = Area.objects.visible_to(self.user()).select_related("parent")
        errors: dict[str, list[str]] = {}
        parent = request.query_params.get("parent", "")
        if parent:
            areas = areas.filter(parent__code=parent)
        level = request.query_params.get("level", "")
        if level:
            if not level.isdigit() or int(level) not in Level.values:
                errors["level"] = [_("请从列表中选择%(field)s。") % {"field": _("层级")}]
            else:
                areas = areas.filter(level=int(level))
        try:
            size = page_size_of(request)
        except ValueError as error:
            errors["page_size"] = [str(error)]
        if errors:
            raise invalid(errors)
        try:
            rows, next_url = cursor_page(areas, AREA_ORDER, request, request.query_params.get("cursor", ""), size)
        except ValueError as error:
            raise invalid({"cursor": [str(error)]}) from None
        return Response({"results": AreaSerializer(rows, many=True).data, "next": next_url})


class AreaDetail(ApiView):
    read_scope = Scope.AREAS_READ

    @extend_schema(operation_id="areas_retrieve", summary="An area with its boundary and children",
                   parameters=[CRS], responses=AreaDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        crs = crs_of(request)
        visible = Area.objects.visible_to(self.user())
        area = get_object_or_404(visible.select_related("parent"), code=code)
        children = list(visible.active().filter(parent=area).order_by("code"))
        context: dict[str, Any] = {"crs": crs, "children": children}
        return Response(AreaDetailSerializer(area, context=context).data)


class CategoryList(ApiView):
    read_scope = Scope.CASES_READ

    @extend_schema(operation_id="categories_list", summary="Active case categories with their extra questions",
                   responses=inline_serializer("CategoryList", {"results": CategorySerializer(many=True)}))
    def get(self, request: Request) -> Response:
        categories = list(Category.objects.filter(is_active=True).prefetch_related("attributes")
                          .order_by("sort_order", "code"))
        codes = dict(Category.objects.values_list("pk", "code"))
        data = CategorySerializer(categories, many=True, context={"category_codes": codes}).data
        return Response({"results": data})
