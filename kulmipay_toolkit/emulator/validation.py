"""Request validation from the spec: the request schema of `spec/openapi.yaml`, compiled once
(JSON Schema 2020-12, the dialect of OpenAPI 3.1, formats asserted) by `spec`, the same validator
every other body check asks; errors grouped per field as KulmiPay's Django REST framework answers
them: every invalid field at once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import jsonschema_rs

from .. import spec

NON_FIELD = "non_field_errors"


def _alternatives(field: str, operation_id: str, contract: spec.Spec) -> str:
    """For an anyOf field, the spec's own description of each accepted form."""
    schema = contract.request_fields(operation_id).get(field, {})
    forms = [option.get("description", "") for option in schema.get("anyOf", [])]
    return "; or ".join(form[:1].lower() + form[1:].rstrip(".") for form in forms if form)


def _message(error: jsonschema_rs.ValidationError, operation_id: str, contract: spec.Spec) -> tuple[str, str]:
    """(field, message) for one schema violation."""
    kind = error.kind
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        return str(kind.property), "This field is required."
    field = str(error.instance_path[0]) if error.instance_path else NON_FIELD
    if error.instance is None:
        return field, "This field may not be null."
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf) and (
        alternatives := _alternatives(field, operation_id, contract)
    ):
        return field, f"Expected {alternatives}."
    return field, error.message[:300]


def field_errors(
    payload: dict[str, Any], operation_id: str = spec.STK_PUSH_OPERATION_ID, contract: spec.Spec | None = None
) -> dict[str, list[str]]:
    """{field: [messages]} for every field that breaks the request schema; empty if valid."""
    contract = contract or spec.default()
    validator = contract.request_body_validator(operation_id)
    if validator.is_valid(payload):
        return {}
    errors: dict[str, list[str]] = defaultdict(list)
    for problem in validator.iter_errors(payload):
        field, message = _message(problem, operation_id, contract)
        if message not in errors[field]:
            errors[field].append(message)
    return dict(errors)
