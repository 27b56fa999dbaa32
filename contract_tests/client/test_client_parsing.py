"""What the generated client can parse: every declared status with bodies generated from the spec's
schema for it, undeclared statuses, broken bodies, and the API reference page's own example."""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kulmipay_client import errors
from kulmipay_client.errors import UnparsableResponse
from kulmipay_client.models import Error, PaymentLink, StkPushResponse, ValidationError

from contract_tests.support import strategies
from contract_tests.support.calls import BASE_URL, STYLES, Parsed, Style, new_client, serve, start, valid_push
from contract_tests.support.round_trip import comparable, object_properties
from kulmipay_toolkit import spec

DOCUMENTATION_EXAMPLE = Path(__file__).parent / "fixtures" / "documentation_example.json"
ERROR_STATUSES = sorted(spec.declared_statuses() - {200})
# Built once, at import: building per example costs more than the example.
ERROR_BODIES = {status: strategies.response_bodies(status) for status in ERROR_STATUSES}


def served(style: Style, reply: httpx.Response, **settings: Any) -> Parsed:
    with respx.mock(base_url=BASE_URL) as router:
        route = serve(router, reply)
        parsed = start(style, new_client(**settings), valid_push())
    assert route.call_count == 1
    return parsed


@pytest.mark.parametrize("style", STYLES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=strategies.response_bodies(200))
def test_spec_generated_200_round_trips_through_the_model(style: Style, body: dict[str, Any]) -> None:
    reply = served(style, httpx.Response(200, json=body))
    assert isinstance(reply.parsed, StkPushResponse)
    # Extra properties included: `to_dict()` gives back what was served.
    schema = spec.response_schema(200)
    assert comparable(reply.parsed.to_dict(), schema) == comparable(body, schema)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("status", ERROR_STATUSES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_error_is_parsed_as_its_typed_model(style: Style, status: int, data: Any) -> None:
    body = data.draw(ERROR_BODIES[status])
    reply = served(style, httpx.Response(status, json=body))
    assert reply.status_code == status
    # 400 is anyOf(ValidationError, Error); the generated parser always lands on ValidationError
    # (pinned in test_client_leniency.py).
    assert isinstance(reply.parsed, ValidationError if status == 400 else Error)
    assert reply.parsed.to_dict() == body


@pytest.mark.parametrize("status", [201, 302, 418, 422, 502])
def test_undeclared_status_raises_unexpected_status(style: Style, status: int) -> None:
    with pytest.raises(errors.UnexpectedStatus) as raised:
        served(style, httpx.Response(status, json={"detail": "teapot"}))
    assert (raised.value.status_code, raised.value.content) == (status, b'{"detail":"teapot"}')


def test_lenient_undeclared_status_is_parsed_as_none_by_default_in_generated_client(style: Style) -> None:
    """`raise_on_unexpected_status` defaults to False: an undeclared reply is silently `None`."""
    reply = served(style, httpx.Response(418, json={"detail": "teapot"}), raise_on_unexpected_status=False)
    assert reply.status_code == 418 and reply.parsed is None


@pytest.mark.parametrize(
    "content",
    [b"<html>Bad Gateway</html>", b"", b'{"invoice": {"invoice_id": "QZ7L0RK", "val'],
    ids=["html", "empty", "truncated"],
)
@pytest.mark.parametrize("status", [200, 401, 429, 503])
def test_non_json_or_truncated_body_raises_a_typed_error(style: Style, status: int, content: bytes) -> None:
    """A declared status with a body that is not JSON (a proxy's HTML page, an empty 429) is the
    client's own `UnparsableResponse`, with the status and the body, not a bare JSONDecodeError."""
    with pytest.raises(UnparsableResponse) as raised:
        served(style, httpx.Response(status, content=content, headers={"Content-Type": "application/json"}))
    assert raised.value.status_code == status and raised.value.content == content


def test_documentation_page_example_parses_field_for_field(style: Style) -> None:
    page = json.loads(DOCUMENTATION_EXAMPLE.read_text())
    reply = served(style, httpx.Response(200, json=page))
    assert isinstance(reply.parsed, StkPushResponse)
    assert_fields(reply.parsed, page, spec.response_schema(200))
    assert isinstance(reply.parsed.payment_link, PaymentLink)
    assert reply.parsed.invoice.retry_count == -1
    assert reply.parsed.created_at == datetime.datetime(2023, 11, 7, 5, 31, 56, tzinfo=datetime.UTC)
    schema = spec.response_schema(200)
    assert comparable(reply.parsed.to_dict(), schema) == comparable(page, schema)


def assert_fields(model: Any, served_object: dict[str, Any], schema: spec.JSON) -> None:
    """Each served field is the model attribute of the same name, typed as its schema's format says."""
    properties = object_properties(spec.resolve(schema))
    for name, value in served_object.items():
        assert name in properties, f"{name} is not in the spec"
        prop = spec.resolve(properties[name])
        actual = getattr(model, name)
        if isinstance(value, dict):
            assert_fields(actual, value, prop)
        elif prop.get("format") == "date-time":
            assert actual == datetime.datetime.fromisoformat(value), name
        elif prop.get("format") == "uuid":
            assert actual == uuid.UUID(value), name
        else:
            assert actual == value, name
