"""Bodies generated from the spec's own schemas by schemathesis, for either operation: never written
by hand, so they move when the spec moves."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode

# hypothesis-jsonschema is not installed: schemathesis 4 carries its own JSON Schema -> Hypothesis
# builder. It is internal API, held still by the exact schemathesis pin in pyproject.toml.
from schemathesis.core.jsonschema import CANONICALIZE_DRAFT_BY_VALIDATOR
from schemathesis.generation.jsonschema.builder import build
from schemathesis.specs.openapi.formats import get_default_format_strategies

from kulmipay_toolkit import spec

# OpenAPI 3.1 schemas are JSON Schema 2020-12.
_DRAFT = CANONICALIZE_DRAFT_BY_VALIDATOR[jsonschema_rs.Draft202012Validator]


# Both cached: building a strategy costs more than drawing an example from it.
@functools.cache
def request_bodies(operation_id: str) -> st.SearchStrategy[dict[str, Any]]:
    """Valid request bodies, as schemathesis generates them for the operation (positive mode): the
    spec's every constraint kept (a status request's `checkout_id` and `signature` together or not
    at all), extras now and then."""
    path, method, _ = spec.operation(operation_id)
    operation = schemathesis.openapi.from_dict(spec.document())[path][method.upper()]
    return operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(_json_body)


def _json_body(case: schemathesis.Case[Any]) -> dict[str, Any]:
    # The schema is an object and the media type JSON: the body is a dict.
    assert isinstance(case.body, dict)
    return case.body


@functools.cache
def response_bodies(operation_id: str, status: int) -> st.SearchStrategy[Any]:
    """Bodies the spec allows for the operation's `status` reply, extra properties and all."""
    # The components ride along at the root, where the schema's `#/components/...` refs point.
    schema = {**spec.response_schema(status, operation_id), "components": spec.document()["components"]}
    return build(schema, draft=_DRAFT, formats=get_default_format_strategies())
