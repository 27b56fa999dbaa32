"""The status twin of support/strategies.py: bodies schemathesis generates from the spec's schemas for
`get_payment_status`, never written by hand, so they move when the spec moves."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

# Internal schemathesis API, as in support/strategies.py (held still by the exact pin in pyproject.toml).
from schemathesis.core.jsonschema import CANONICALIZE_DRAFT_BY_VALIDATOR
from schemathesis.generation.jsonschema.builder import build
from schemathesis.specs.openapi.formats import get_default_format_strategies

from kulmipay_toolkit import spec

# OpenAPI 3.1 schemas are JSON Schema 2020-12.
_DRAFT = CANONICALIZE_DRAFT_BY_VALIDATOR[jsonschema_rs.Draft202012Validator]


def status_request_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """Valid status request bodies, as schemathesis generates them for the operation (positive
    mode): `checkout_id` and `signature` together or not at all, extras now and then."""
    path, method, _ = spec.operation(spec.STATUS_OPERATION_ID)
    operation = schemathesis.openapi.from_dict(spec.document())[path][method.upper()]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(_json_body)


def _json_body(case: schemathesis.Case[Any]) -> dict[str, Any]:
    # The schema is an object and the media type JSON: the body is a dict.
    assert isinstance(case.body, dict)
    return case.body


def status_response_bodies(status: int) -> st.SearchStrategy[Any]:
    """Bodies the spec allows for a `status` reply to the status call, extra properties and all."""
    schema = {
        **spec.response_schema(status, spec.STATUS_OPERATION_ID),
        "components": spec.document()["components"],
    }
    return build(schema, draft=_DRAFT, formats=get_default_format_strategies())
