"""For your own `collection_event` receiver: turn a raw request body into a checked event.

    from kulmipay_toolkit.webhooks.receiver import ForgedEvent, MalformedEvent, verify_event

    try:
        event = verify_event(request_body_bytes, challenge=os.environ["KULMIPAY_WEBHOOK_CHALLENGE"])
    except ForgedEvent:
        return 403          # not from KulmiPay: refuse, never act on it
    except MalformedEvent:
        return 400          # from nobody we can trust either
    handle(event.invoice_id, event.state)  # then answer 200 quickly; KulmiPay retries otherwise

Light on purpose: the spec's validator (jsonschema-rs, PyYAML) and the generated client's model;
no emulator, no schemathesis. The challenge is compared in constant time and never appears in an
error message.

    WebhookRejected
     ├── MalformedEvent   not JSON, not an object, or not what the spec's CollectionEvent allows
     └── ForgedEvent      the challenge is missing or is not yours
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from kulmipay_client.models import CollectionEvent

from .. import keys, spec
from ..errors import ForgedEvent as ForgedEvent
from ..errors import MalformedEvent as MalformedEvent
from ..errors import WebhookRejected as WebhookRejected
from . import events

MAX_EVENT_BYTES = 64 * 1024


def verify_event(body: bytes, *, challenge: str) -> CollectionEvent:
    """The event, once its challenge is yours and the spec allows it. Extra fields are kept
    (`event.additional_properties`): KulmiPay may add fields, and a receiver must not refuse them."""
    data = parse(body)
    if not challenge:
        raise ValueError("your own challenge is empty: configure KULMIPAY_WEBHOOK_CHALLENGE")
    sent = data.get("challenge")
    if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), challenge.encode()):
        raise ForgedEvent("the event's challenge is missing or does not match yours")
    problems = spec.body_errors(events.validator(), data)
    if problems:
        # Schema errors quote values, and a forger who knows the challenge could put it anywhere.
        described = keys.redact("; ".join(problems), challenge)[:300]
        raise MalformedEvent("not a collection_event the spec allows: " + described)
    return CollectionEvent.from_dict(data)


def parse(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_EVENT_BYTES:
        raise MalformedEvent(f"the body is over {MAX_EVENT_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise MalformedEvent("the body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedEvent("the body is not a JSON object")
    return data
