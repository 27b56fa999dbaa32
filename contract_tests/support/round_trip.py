"""Comparing a generated model with the JSON it was parsed from, date-times aside."""

from __future__ import annotations

import datetime
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
