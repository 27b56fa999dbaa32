"""The `collection_event` as the spec defines it (`webhooks.collection_event`): its body built
from an invoice, its schema's validator, and the delivery terms (`x-delivery`)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import jsonschema_rs

from .. import spec
from ..spec import JSON

TOPIC = "collection_event"
PROVIDER = "M-PESA"  # STK push is M-Pesa's; PESALINK events come from bank transfers


@dataclass(frozen=True)
class DeliveryTerms:
    acknowledged_by: frozenset[int]
    attempts: int
    retry_after: tuple[float, ...]  # seconds before the 2nd, 3rd, ... attempt
    disable_after: int
    receiver_timeout: float


def operation() -> JSON:
    found: JSON = spec.document()["webhooks"][TOPIC]["post"]
    return found


def schema_name() -> str:
    media = spec.resolve(operation()["requestBody"])["content"]["application/json"]
    return str(media["schema"]["$ref"]).rsplit("/", 1)[-1]


@functools.cache
def validator() -> jsonschema_rs.Validator:
    return spec.component_validator(schema_name())


@functools.cache
def terms() -> DeliveryTerms:
    delivery = operation()["x-delivery"]
    return DeliveryTerms(
        acknowledged_by=frozenset(int(code) for code in delivery["acknowledged-by"]),
        attempts=int(delivery["attempts"]),
        retry_after=tuple(float(seconds) for seconds in delivery["retry-after-seconds"]),
        disable_after=int(delivery["disable-after-consecutive-failures"]),
        receiver_timeout=float(delivery["receiver-timeout-seconds"]),
    )


def event_for(invoice: JSON, challenge: str) -> JSON:
    """The event for an invoice as it stands: the event schema's fields, taken from the invoice."""
    fields = spec.component_schema(schema_name())["properties"]
    event = {name: invoice[name] for name in fields if name in invoice}
    return event | {"provider": PROVIDER, "challenge": challenge}


def examples() -> list[JSON]:
    media = spec.resolve(operation()["requestBody"])["content"]["application/json"]
    return [dict(spec.resolve(example)["value"]) for example in media.get("examples", {}).values()]
