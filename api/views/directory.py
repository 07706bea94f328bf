"""Who handles what: the organisations (处置单位) in the user's scope and a grid's service team
(网格服务团队), as the area pages and the 公示牌 show them."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation, OrganisationKind, TeamMember
from api.base import ApiView
from api.errors import invalid
from api.models import Scope
from api.pagination import Keyset, cursor_page, page_size_of
from api.params import CURSOR, PAGE_SIZE
from areas.models import Area

ORGANISATION_ORDER = Keyset("name", "pk")

ORGANISATION = inline_serializer("Organisation", {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "kind": serializers.ChoiceField(choices=OrganisationKind.choices),
    "kind_label": serializers.CharField(),
    "home_area": serializers.CharField(help_text="The code of the area that manages the unit."),
    "is_active": serializers.BooleanField(),
}, many=True)
TEAM_MEMBER = inline_serializer("TeamMember", {
    "duty": serializers.CharField(),
    "duty_label": serializers.CharField(),
    "name": serializers.CharField(),
    "phone": serializers.CharField(help_text="The work phone the 公示牌 shows (may be empty)."),
    "organisation": serializers.CharField(allow_null=True),
    "responsibility": serializers.CharField(),
    "is_party_member": serializers.BooleanField(),
}, many=True)


def organisation_data(organisation: Organisation) -> dict[str, object]:
    return {
        "id": organisation.pk, "name": organisation.name, "kind": organisation.kind,
        "kind_label": organisation.get_kind_display(), "home_area": organisation.home_area.code,
        "is_active": organisation.is_active,
    }


class OrganisationList(ApiView):
    read_scope = Scope.AREAS_READ

    @extend_schema(
        operation_id="organisations_list",
        summary="Organisations (处置单位) managed in the user's areas, by name",
        parameters=[
            OpenApiParameter("kind", str, enum=OrganisationKind.values, description="Only units of this kind."),
            OpenApiParameter("area", str, description="Only units managed in this area's subtree (its code)."),
            CURSOR, PAGE_SIZE,
        ],
        responses=inline_serializer("OrganisationPage", {"results": ORGANISATION,
                                                         "next": serializers.URLField(allow_null=True)}),
    )
    def get(self, request: Request) -> Response:
        units = Organisation.objects.visible_to(self.user()).select_related("home_area")
        errors: dict[str, list[str]] = {}
        kind = request.query_params.get("kind", "")
        if kind:
            if kind not in OrganisationKind.values:
                errors["kind"] = [_("请从列表中选择%(field)s。") % {"field": _("类别")}]
            else:
                units = units.filter(kind=kind)
        code = request.query_params.get("area", "")
        if code:
            area = Area.objects.visible_to(self.user()).filter(code=code).first()
            if area is None:
                errors["area"] = [_("没有找到编码为“%(code)s”的区域。") % {"code": code[:30]}]
            else:
                units = units.filter(home_area__code__startswith=area.prefix)
        try:
            size = page_size_of(request)
        except ValueError as error:
            errors["page_size"] = [str(error)]
        if errors:
            raise invalid(errors)
        try:
            rows, next_url = cursor_page(units, ORGANISATION_ORDER, request, request.query_params.get("cursor", ""),
                                         size)
        except ValueError as error:
            raise invalid({"cursor": [str(error)]}) from None
        return Response({"results": [organisation_data(unit) for unit in rows], "next": next_url})


class AreaTeam(ApiView):
    read_scope = Scope.AREAS_READ

    @extend_schema(operation_id="areas_team", summary="The current service team of an area (a grid's 公示牌 order)",
                   responses=inline_serializer("Team", {"area": serializers.CharField(),
                                                        "members": TEAM_MEMBER}))
    def get(self, request: Request, code: str) -> Response:
        area = get_object_or_404(Area.objects.visible_to(self.user()), code=code)
        members = TeamMember.objects.filter(area=area).board()
        return Response({"area": area.code, "members": [{
            "duty": member.duty, "duty_label": member.get_duty_display(), "name": member.name,
            "phone": member.phone, "organisation": member.organisation.name if member.organisation else None,
            "responsibility": member.responsibility, "is_party_member": member.is_party_member,
        } for member in members]})
