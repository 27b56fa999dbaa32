"""Comparing a generated model with the JSON it was parsed from: date-times aside, or field for field."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from kulmipay_toolkit import spec


def comparable(value: Any, schema: spec.JSON) -> Any:
    """`value` with every date-time its schema declares read as (instant, offset): the models
    re-spell them (`Z` as `+00:00`, `.5` as `.500000`), which is the same time, not another reply."""
    schema = spec.resolve(schema)
    if isinstance(value, str) and schema.get("format") == "date-time":
        moment = datetime.datetime.fromisoformat(value)
        return moment, moment.utcoffset()
    if isinstance(value, dict):
        properties = object_properties(schema)
        return {key: comparable(item, properties.get(key, {})) for key, item in value.items()}
    return value


def object_properties(schema: spec.JSON) -> dict[str, spec.JSON]:
    """The properties of `schema`, or of its object alternative (`payment_link` is oneOf object/null)."""
    for alternative in (schema, *schema.get("oneOf", ()), *schema.get("anyOf", ())):
        properties: dict[str, spec.JSON] = spec.resolve(alternative).get("properties", {})
        if properties:
            return properties
    return {}


def assert_fields(model: Any, served_object: spec.JSON, schema: spec.JSON) -> None:
    """Each served field is the model attribute of the same name, typed as its schema's format says."""
    properties = object_properties(spec.resolve(schema))
    for name, value in served_object.items():
        assert name in properties, f"{name} is not in the spec"
        prop = spec.resolve(properties[name])
        actual = getattr(model, name)
        if isinstance(value, dict):
            assert_fields(actual, value, prop)
        elif prop.get("format") == "date-time" and value is not None:
            assert actual == datetime.datetime.fromisoformat(value), name
        elif prop.get("format") == "uuid":
            assert actual == uuid.UUID(value), name
        else:
            assert actual == value, name
