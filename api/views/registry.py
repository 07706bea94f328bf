"""Registry records (read): a resident masked exactly as the pages show them
(``registry.pii.masked_resident``), and unmasking as its own endpoint that needs a reason and
writes the access log (``registry.services.resident_unmask``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import ApiView
from api.errors import invalid
from api.models import Scope
from api.pagination import Keyset, cursor_page, page_size_of
from api.params import CURSOR, PAGE_SIZE
from areas.models import Area
from registry import lookups, services
from registry.models import CareTag, ResidencyType, Resident
from registry.pii import masked_resident
from registry.selectors import (
    ResidentFilter,
    looks_like_identifier,
    resident_row,
    search_residents,
    visible_care_tags,
)

RESIDENT = inline_serializer("Resident", {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "gender": serializers.CharField(),
    "birth_year": serializers.IntegerField(allow_null=True),
    "document": serializers.CharField(help_text="The document number, masked as on the pages."),
    "phone": serializers.CharField(help_text="The phone, masked as on the pages."),
    "grid_code": serializers.CharField(),
    "status": serializers.CharField(),
    "care_tags": serializers.ListField(child=serializers.CharField()),
})
UNMASKED = inline_serializer("UnmaskedResident", {
    "id_number": serializers.CharField(), "phone": serializers.CharField(), "birth_date": serializers.CharField(),
})
REASON = inline_serializer("UnmaskReason", {"reason": serializers.CharField(min_length=1, max_length=200)})


def _get_resident_for_user(request: Request, pk: int, perm: str, refusal: str = "") -> Resident:
    """A resident in the user's scope (404 otherwise) on whom the user holds ``perm`` (403 otherwise)."""
    resident = get_object_or_404(Resident.objects.visible_to(request.user).select_related("grid"), pk=pk)
    if not request.user.has_perm(perm, resident):
        raise exceptions.PermissionDenied(refusal or _("您没有执行此操作的权限。"))
    return resident


class ResidentDetail(ApiView):
    read_scope = Scope.REGISTRY_READ

    @extend_schema(operation_id="residents_retrieve", summary="A resident, masked as on the pages",
                   responses=RESIDENT)
    def get(self, request: Request, pk: int) -> Response:
        resident = _get_resident_for_user(request, pk, "registry.view_resident")
        masked = masked_resident(resident)
        return Response({
            "id": resident.pk, "name": resident.name, "gender": resident.gender, "birth_year": masked.birth_year,
            "document": masked.document, "phone": masked.phone, "grid_code": resident.grid_code,
            "status": resident.status, "care_tags": [tag.code for tag in visible_care_tags(request.user, resident)],
        })


class ResidentUnmask(ApiView):
    """查看完整信息: needs the unmask permission and a reason; every answer is an access-log row."""

    read_scope = Scope.REGISTRY_READ
    write_scope = Scope.REGISTRY_READ

    @extend_schema(operation_id="residents_unmask", summary="The clear ID number, phone and birth date (logged)",
                   request=REASON, responses=UNMASKED)
    def post(self, request: Request, pk: int) -> Response:
        # As the page: the permission first (403), then the reason (400).
        resident = _get_resident_for_user(request, pk, services.UNMASK_PERMISSION,
                                          _("您没有查看该居民完整证件号码和电话的权限。"))
        reason = request.data.get("reason", "") if isinstance(request.data, dict) else ""
        try:
            values = services.resident_unmask(resident=resident, actor=request.user, reason=str(reason or ""))
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        response = Response(values)
        response.headers["Cache-Control"] = "no-store"
        return response


RESIDENT_ORDER = Keyset("grid_code", "pk")
LISTED_RESIDENT = inline_serializer("ListedResident", {
    "id": serializers.IntegerField(),
    "name": serializers.CharField(),
    "address": serializers.CharField(help_text="小区 楼栋-单元-房号 of the current home, or empty."),
    "document": serializers.CharField(help_text="Masked as on the pages."),
    "phone": serializers.CharField(help_text="Masked as on the pages."),
    "grid_code": serializers.CharField(),
    "care_tags": serializers.ListField(child=serializers.CharField()),
}, many=True)


class ResidentList(ApiView):
    """居民查询: the search page's filters, masked rows, paged by cursor. An exact ID number or phone
    (``number``) is a lookup like the page's: counted against the hourly limit and logged."""

    read_scope = Scope.REGISTRY_READ

    @extend_schema(
        operation_id="residents_list",
        summary="Residents in the user's scope, masked (search by name or address, or an exact number)",
        parameters=[
            OpenApiParameter("q", str, description="Words of the name or the address."),
            OpenApiParameter("number", str, description="A whole ID number or phone (logged, limited per hour)."),
            OpenApiParameter("grid", str, description="Only residents of this area's subtree (its code)."),
            OpenApiParameter("tag", str, description="Only residents with this care tag (its code)."),
            OpenApiParameter("residency_type", str, enum=ResidencyType.values),
            CURSOR, PAGE_SIZE,
        ],
        responses=inline_serializer("ResidentPage", {"results": LISTED_RESIDENT,
                                                     "next": serializers.URLField(allow_null=True)}),
    )
    def get(self, request: Request) -> Response:
        user = self.user()
        if not user.has_perm("registry.view_resident"):
            raise exceptions.PermissionDenied(_("您没有执行此操作的权限。"))
        params = request.query_params
        errors: dict[str, list[str]] = {}
        wanted = ResidentFilter(q=params.get("q", "")[:100])
        grid_code = params.get("grid", "")
        if grid_code:
            wanted.grid = Area.objects.visible_to(user).filter(code=grid_code).first()
            if wanted.grid is None:
                errors["grid"] = [_("没有找到编码为“%(code)s”的区域。") % {"code": grid_code[:30]}]
        tag_code = params.get("tag", "")
        if tag_code:
            wanted.tag = CareTag.objects.filter(code=tag_code).first()
            if wanted.tag is None:
                errors["tag"] = [_("请从列表中选择%(field)s。") % {"field": _("关爱标签")}]
        residency = params.get("residency_type", "")
        if residency:
            if residency not in ResidencyType.values:
                errors["residency_type"] = [_("请从列表中选择%(field)s。") % {"field": _("人口类型")}]
            wanted.residency_type = residency
        number = params.get("number", "").strip()
        if number and (len(number) > 40 or lookups.is_partial_number(number) or not looks_like_identifier(number)):
            errors["number"] = [_("按证件号码或电话查询需要输入完整号码。")]
        try:
            size = page_size_of(request)
        except ValueError as error:
            errors["page_size"] = [str(error)]
        if errors:
            raise invalid(errors)
        if number:
            refusal = lookups.lookup_refusal(user)
            if refusal:
                raise exceptions.Throttled(detail=refusal)
            wanted.identifier = number
        residents = search_residents(user, wanted).order_by(*RESIDENT_ORDER.order())
        try:
            rows, next_url = cursor_page(residents, RESIDENT_ORDER, request, params.get("cursor", ""), size)
        except ValueError as error:
            raise invalid({"cursor": [str(error)]}) from None
        if number and not params.get("cursor"):
            lookups.record_lookup(actor=user, purpose=lookups.SEARCH, number=number, found=list(rows))
        listed = [resident_row(user, resident) for resident in rows]
        return Response({"results": [{
            "id": row.resident.pk, "name": row.resident.name, "address": row.short_address,
            "document": row.masked_id, "phone": row.masked_phone, "grid_code": row.resident.grid_code,
            "care_tags": [tag.code for tag in row.tags],
        } for row in listed], "next": next_url})
