"""discovery, services and services/{code}: what a client needs before it reports."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from api.tests.open311_helpers import BASE, as_json, as_xml, children, found, json_errors, xml_errors
from cases.models import AttributeKind, Category, CategoryAttribute

pytestmark = pytest.mark.django_db

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description"]
EXPECTED_DATATYPES = {
    AttributeKind.TEXT: "string",
    AttributeKind.NUMBER: "number",
    AttributeKind.DATE: "datetime",
    AttributeKind.CHOICE: "singlevaluelist",
    AttributeKind.MULTIPLE: "multivaluelist",
}


@pytest.fixture
def questions(cc) -> Category:  # type: ignore[no-untyped-def]
    """A public category asking one question of every kind."""
    category = Category.objects.create(code="t-every", name="各类问题", public=True, parent=cc.category("t-clutter"))
    for order, kind in enumerate(AttributeKind):
        CategoryAttribute.objects.create(
            category=category,
            code=f"q-{kind}",
            label=f"问题{order}",
            kind=kind,
            sort_order=order,
            required=kind == AttributeKind.CHOICE,
            options="一楼\n二楼" if kind in ("choice", "multiple") else "",
        )
    return category


def test_the_discovery_document(cc, client: Client) -> None:
    data = as_json(client.get(f"{BASE}/discovery.json"))
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2" and endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = as_xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery" and children(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert [format_.text for format_ in found(root, "endpoints/endpoint/formats")] == ["text/xml", "application/json"]
    assert children(found(root, "endpoints/endpoint/formats")) == ["format", "format"]


def test_services_are_the_public_categories(cc, questions, client: Client) -> None:
    rows = as_json(client.get(f"{BASE}/services.json"))
    codes = [row["service_code"] for row in rows]
    assert set(codes) >= {"t-clutter", "t-building", "t-fire-exit", "t-every"} and "t-dispute" not in codes
    building = next(row for row in rows if row["service_code"] == "t-building")
    assert list(building) == SERVICE_FIELDS
    assert building["metadata"] is True and building["type"] == "realtime" and "0501" in building["keywords"]
    assert next(row for row in rows if row["service_code"] == "t-every")["group"] == "楼道堆物"
    assert next(row for row in rows if row["service_code"] == "t-clutter")["metadata"] is False
    root = as_xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and set(children(root)) == {"service"}
    assert children(root[0]) == SERVICE_FIELDS
    assert {service.findtext("metadata") for service in root} <= {"true", "false"}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_definition_for_each_attribute_type(cc, questions, client: Client, fmt: str) -> None:
    response = client.get(f"{BASE}/services/t-every.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        data = as_json(response)
        assert data["service_code"] == "t-every"
        attributes = data["attributes"]
    else:
        root = as_xml(response)
        assert root.tag == "service_definition" and children(root) == ["service_code", "attributes"]
        assert set(children(found(root, "attributes"))) == {"attribute"}
        attributes = [_xml_attribute(element) for element in found(root, "attributes")]
    assert [row["datatype"] for row in attributes] == [EXPECTED_DATATYPES[kind] for kind in AttributeKind]
    assert [row["order"] for row in attributes] == [1, 2, 3, 4, 5]
    for row, kind in zip(attributes, AttributeKind, strict=True):
        assert list(row)[:7] == ATTRIBUTE_FIELDS and row["code"] == f"q-{kind}"
        assert row["variable"] is True and row["required"] is (kind == AttributeKind.CHOICE)
        if kind in (AttributeKind.CHOICE, AttributeKind.MULTIPLE):
            assert row["values"] == [{"key": "一楼", "name": "一楼"}, {"key": "二楼", "name": "二楼"}]
        else:
            assert "values" not in row


def _xml_attribute(element):  # type: ignore[no-untyped-def]
    row = {child.tag: child.text for child in element if child.tag != "values"}
    for name in ("variable", "required"):
        row[name] = row[name] == "true"
    row["order"] = int(row["order"])
    if element.find("values") is not None:
        assert set(children(element.find("values"))) == {"value"}
        row["values"] = [
            {"key": value.findtext("key"), "name": value.findtext("name")} for value in element.find("values")
        ]
    return row


def test_an_unknown_or_internal_service_definition_is_a_404(cc, client: Client) -> None:
    for code in ("nope", "t-dispute"):
        response = client.get(f"{BASE}/services/{code}.xml")
        assert response.status_code == 404 and "service_code" in xml_errors(response)[0][1]


@override_settings(OPEN311_JURISDICTION_ID="zz.example.gov.cn")
def test_the_jurisdiction_is_checked_on_reads_too(cc, client: Client) -> None:
    assert client.get(f"{BASE}/services.json?jurisdiction_id=ZZ.example.gov.cn").status_code == 200
    response = client.get(f"{BASE}/services.json?jurisdiction_id=elsewhere")
    assert response.status_code == 404 and "jurisdiction_id" in json_errors(response)[0]["description"]


def test_anything_else_under_the_prefix_is_the_specs_404(cc, client: Client) -> None:
    response = client.get(f"{BASE}/nothing.json")
    assert response.status_code == 404 and json_errors(response)[0]["code"] == 404
    assert xml_errors(client.get(f"{BASE}/services.csv"))[0][0] == "404"


def test_a_wrong_method_is_refused_in_the_specs_shape(cc, client: Client) -> None:
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and json_errors(response)[0]["code"] == 405


def test_messages_follow_accept_language(cc, client: Client) -> None:
    response = client.get(f"{BASE}/services/nope.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "No such service" in json_errors(response)[0]["description"]
