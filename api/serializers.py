"""The shapes the API reads and writes. Output only: writes go through the workflow's own
forms and transitions (``api.views.cases``), never through a serializer's ``save``.

Times are ISO 8601 with the offset (+08:00 in Wangge's zone); positions are GeoJSON geometries
in the coordinate system the request asked for (``crs``, WGS-84 by default); every object
carries its stable code (area code, category code, case number) next to its id.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.models import AccessToken
from areas.geo import from_wgs84, transform_geometry
from areas.models import Area
from cases.models import Case, Category, CategoryAttribute

GEOMETRY = {"type": "object", "nullable": True, "description": "GeoJSON geometry (positions [lng, lat]).",
            "properties": {"type": {"type": "string"}, "coordinates": {"type": "array", "items": {}}}}


def _crs(context: dict[str, Any]) -> str:
    return str(context.get("crs") or "WGS84")


class CodeNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class AreaSerializer(serializers.ModelSerializer):
    level_label = serializers.CharField(source="get_level_display")
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "level_label", "parent_code", "grid_kind", "ended_on"]


class AreaDetailSerializer(AreaSerializer):
    boundary = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "address", "boundary", "children"]

    @extend_schema_field(GEOMETRY)
    def get_boundary(self, area: Area) -> dict[str, Any] | None:
        if not area.boundary:
            return None
        return transform_geometry(area.boundary, "WGS84", _crs(self.context))

    @extend_schema_field(CodeNameSerializer(many=True))
    def get_children(self, area: Area) -> list[dict[str, Any]]:
        return [{"id": child.pk, "code": child.code, "name": child.name}
                for child in self.context.get("children", [])]


class AttributeSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="display_label")
    options = serializers.ListField(source="option_list", child=serializers.CharField())

    class Meta:
        model = CategoryAttribute
        fields = ["code", "label", "kind", "required", "options"]


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    parent_code = serializers.SerializerMethodField()
    attributes = AttributeSerializer(many=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent_code", "gbt_code", "public", "is_dispute", "priority",
                  "default_level", "attributes"]

    def get_parent_code(self, category: Category) -> str | None:
        parents: dict[int, str] = self.context.get("category_codes", {})
        return parents.get(category.parent_id) if category.parent_id else None


class CaseSerializer(serializers.ModelSerializer):
    """A case in a list."""

    status_label = serializers.CharField(source="get_status_display")
    category = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    lead_organisation = serializers.SerializerMethodField()
    location = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "status", "status_label", "category", "channel", "priority", "level", "grid",
                  "address", "location", "lead_organisation", "reported_at", "stage", "stage_due_at",
                  "ever_overdue", "closed_at", "rating"]

    @extend_schema_field(CodeNameSerializer)
    def get_category(self, case: Case) -> dict[str, Any]:
        return {"id": case.category_id, "code": case.category.code, "name": case.category.display_name}

    @extend_schema_field(CodeNameSerializer)
    def get_grid(self, case: Case) -> dict[str, Any]:
        return {"id": case.grid_id, "code": case.grid.code, "name": case.grid.name}

    @extend_schema_field({"type": "object", "nullable": True,
                          "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}})
    def get_lead_organisation(self, case: Case) -> dict[str, Any] | None:
        unit = case.lead_organisation
        return {"id": unit.pk, "name": unit.name} if unit is not None else None

    @extend_schema_field(GEOMETRY)
    def get_location(self, case: Case) -> dict[str, Any] | None:
        if case.longitude is None or case.latitude is None:
            return None
        lng, lat = from_wgs84(case.longitude, case.latitude, _crs(self.context))
        return {"type": "Point", "coordinates": [lng, lat]}


class TimelineEntrySerializer(serializers.Serializer):
    time = serializers.DateTimeField()
    verb = serializers.CharField()
    label = serializers.CharField()
    actor = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    comment = serializers.CharField()
    details = serializers.ListField(child=serializers.CharField())
    public = serializers.BooleanField(help_text="Shown to the reporter on the tracking page.")


class CaseDetailSerializer(CaseSerializer):
    """A case with what its page shows: the description, answers, deadlines, timeline and the
    actions the user may take now."""

    attributes = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "description", "attributes", "accept_due_at", "handle_due_at",
                  "verify_due_at", "outcome", "closing_note", "version", "timeline", "allowed_actions"]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "label": {"type": "string"}, "value": {"type": "string"}}}})
    def get_attributes(self, case: Case) -> list[dict[str, str]]:
        return [{"label": label, "value": value} for label, value in self.context.get("attributes", [])]

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case: Case) -> list[dict[str, Any]]:
        return [{"time": entry.event.time, "verb": entry.event.verb, "label": str(entry.label), "actor": entry.actor,
                 "from_status": entry.event.from_status, "to_status": entry.event.to_status,
                 "comment": entry.comment, "details": entry.details, "public": entry.event.public}
                for entry in self.context.get("timeline", [])]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case: Case) -> list[str]:
        return list(self.context.get("allowed_actions", []))


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessToken
        fields = ["id", "name", "prefix", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"]


__all__ = ["AreaDetailSerializer", "AreaSerializer", "CaseDetailSerializer", "CaseSerializer", "CategorySerializer",
           "OpenApiTypes", "TokenSerializer"]
