"""The spec itself (spec/openapi.yaml): valid OpenAPI 3.1, every example valid against its schema,
every field traced to a source, the documented fields, types and formats. (The rules table is
pinned to what it enumerates in test_rules.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from kulmipay_toolkit import spec

SOURCES = {"docs", "docs-guide", "official-sdk", "inferred"}


def test_spec_is_valid_openapi_3_1() -> None:
    validate(spec.document())
    assert spec.document()["openapi"].startswith("3.1")


def _examples() -> Iterator[tuple[str, Any]]:
    """(where, example) for every media-type example in the STK push operation."""
    _, _, operation = spec.stk_push_operation()
    bodies = {"request": spec.resolve(operation["requestBody"])}
    bodies |= {status: spec.resolve(response) for status, response in operation["responses"].items()}
    for where, body in bodies.items():
        media = body["content"]["application/json"]
        for name, example in media.get("examples", {}).items():
            yield f"{where}:{name}", spec.resolve(example)["value"]


EXAMPLES = list(_examples())


def test_every_declared_body_has_an_example() -> None:
    where = {case.split(":")[0] for case, _ in EXAMPLES}
    assert where == {"request"} | {str(code) for code in spec.declared_statuses()}


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[case for case, _ in EXAMPLES])
def test_example_validates_against_its_schema(where: str, example: Any) -> None:
    """Checked by the same validator (openapi-core) that checks live traffic, formats included."""
    body = json.dumps(example).encode()
    status = where.split(":")[0]
    if status == "request":
        errors = spec.request_errors(body, headers={"Authorization": "Bearer ISSecretKey_test_x"})
    else:
        headers = {"Allow": "POST"} if status == "405" else {}
        errors = spec.response_errors(int(status), body, headers=headers)
    assert errors == [], f"{where} example breaks its schema"


def _fields(schema: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}.{name}", prop


def test_every_schema_and_field_names_its_source() -> None:
    missing = []
    for name, schema in spec.document()["components"]["schemas"].items():
        if schema.get("x-source") not in SOURCES:
            missing.append(name)
        for where, prop in _fields(schema, name):
            if "$ref" not in prop and prop.get("x-source") not in SOURCES:
                missing.append(where)
    assert missing == []


def test_documentation_page_fields_are_all_in_the_spec() -> None:
    """The API reference page's request and 200 fields, as the page lists them."""
    page = {
        "StkPushRequest": {"amount", "phone_number", "api_ref", "wallet_id"},
        "StkPushResponse": {
            "invoice",
            "customer",
            "payment_link",
            "id",
            "customer_comment",
            "refundable",
            "created_at",
            "updated_at",
        },
        "Invoice": {
            "value",
            "invoice_id",
            "charges",
            "net_amount",
            "currency",
            "account",
            "api_ref",
            "clearing_status",
            "mpesa_reference",
            "host",
            "retry_count",
            "failed_reason",
            "failed_code",
            "failed_code_link",
            "created_at",
            "updated_at",
        },
        "Customer": {
            "customer_id",
            "phone_number",
            "email",
            "first_name",
            "last_name",
            "country",
            "zipcode",
            "created_at",
            "updated_at",
        },
        "PaymentLink": {
            "title",
            "id",
            "is_active",
            "redirect_url",
            "amount",
            "usage_limit",
            "qrcode_file",
            "url",
            "created_at",
            "updated_at",
        },
    }
    for name, fields in page.items():
        assert fields <= set(spec.component_schema(name)["properties"]), name


def test_documented_types_and_formats() -> None:
    response = spec.component_schema("StkPushResponse")
    assert response["required"] == ["invoice", "customer"]
    assert response["properties"]["customer_comment"]["pattern"] == "^[a-zA-Z0-9-_ ]+$"
    for stamp in ("created_at", "updated_at"):
        assert response["properties"][stamp] | {"x-source": "docs"} == {
            "type": ["string", "null"],
            "format": "date-time",
            "readOnly": True,
            "x-source": "docs",
        }
    assert spec.component_schema("Invoice")["properties"]["retry_count"]["type"] == "integer"
    assert spec.component_schema("Customer")["properties"]["email"]["format"] == "email"
    link = spec.component_schema("PaymentLink")["properties"]
    assert (link["id"]["format"], link["is_active"]["type"]) == ("uuid", "boolean")
    request = spec.component_schema("StkPushRequest")
    assert request["required"] == ["amount", "phone_number"]
    assert request["properties"]["phone_number"]["minLength"] == 1


def test_operation_path_servers_and_security() -> None:
    assert spec.stk_push_path() == "/payment/mpesa-stk-push/"
    assert spec.server_urls() == [
        "https://sandbox.kulmipay.com/api/v1",
        "https://app.kulmipay.com/api/v1",
    ]
    scheme = spec.document()["components"]["securitySchemes"]["secretKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "ISSecretKey_test_" in scheme["description"]
    assert "ISSecretKey_live_" in scheme["description"]
