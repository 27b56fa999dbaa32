"""`verify_event`, the helper for the user's own receiver, without sockets: every example event the
spec gives is accepted with its challenge; a wrong, missing or non-string challenge is a
ForgedEvent; a body that is not a JSON object, too big, or not what CollectionEvent allows is a
MalformedEvent; extra fields are kept; an empty own challenge is a configuration error (never an
accepted event); and no error message carries the challenge."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON
from kulmipay_toolkit.webhooks.receiver import (
    MAX_EVENT_BYTES,
    ForgedEvent,
    MalformedEvent,
    WebhookRejected,
    verify_event,
)

TOPIC = "collection_event"


def _spec_examples() -> dict[str, JSON]:
    """The request body examples of `webhooks.collection_event`, read from the spec, by name."""
    operation = spec.document()["webhooks"][TOPIC]["post"]
    media = spec.resolve(operation["requestBody"])["content"]["application/json"]
    found = {name: dict(spec.resolve(example)["value"]) for name, example in media["examples"].items()}
    assert found, "the spec gives no example event"
    return found


EXAMPLES = _spec_examples()
EXAMPLE = next(iter(EXAMPLES.values()))
CHALLENGE: str = EXAMPLE["challenge"]


def _body(event: Any) -> bytes:
    return json.dumps(event).encode()


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_spec_example_is_accepted_with_its_challenge(name: str) -> None:
    """Every example event in the spec verifies with the example's own challenge, and the model
    carries its invoice, state and challenge."""
    example = EXAMPLES[name]
    event = verify_event(_body(example), challenge=example["challenge"])
    assert (event.invoice_id, str(event.state), event.challenge) == (
        example["invoice_id"],
        example["state"],
        example["challenge"],
    )
    assert event.additional_properties == {}


FORGED: dict[str, JSON] = {
    "wrong": {**EXAMPLE, "challenge": "not-" + CHALLENGE},
    "prefix": {**EXAMPLE, "challenge": CHALLENGE[:-1]},
    "longer": {**EXAMPLE, "challenge": CHALLENGE + "x"},
    "empty": {**EXAMPLE, "challenge": ""},
    "missing": {key: value for key, value in EXAMPLE.items() if key != "challenge"},
    "null": {**EXAMPLE, "challenge": None},
    "number": {**EXAMPLE, "challenge": 12345},
    "list": {**EXAMPLE, "challenge": [CHALLENGE]},
    "object": {**EXAMPLE, "challenge": {"value": CHALLENGE}},
}


@pytest.mark.parametrize("case", sorted(FORGED))
def test_an_event_without_our_challenge_is_forged(case: str) -> None:
    """A wrong, missing or non-string challenge is a ForgedEvent (a WebhookRejected), and its
    message does not carry the challenge."""
    with pytest.raises(ForgedEvent) as refused:
        verify_event(_body(FORGED[case]), challenge=CHALLENGE)
    assert isinstance(refused.value, WebhookRejected)
    assert CHALLENGE not in str(refused.value)


MALFORMED: dict[str, bytes] = {
    "not JSON": b"challenge=" + CHALLENGE.encode(),
    "not UTF-8": b'{"challenge": "\xff\xfe"}',
    "empty body": b"",
    "JSON array": _body([EXAMPLE]),
    "JSON string": _body(CHALLENGE),
    "oversize": _body({**EXAMPLE, "padding": "x" * MAX_EVENT_BYTES}),
    "state DONE": _body({**EXAMPLE, "state": "DONE"}),
    "no invoice_id": _body({key: value for key, value in EXAMPLE.items() if key != "invoice_id"}),
    "empty invoice_id": _body({**EXAMPLE, "invoice_id": ""}),
    "numeric retry_count as text": _body({**EXAMPLE, "retry_count": "0"}),
    "bad created_at": _body({**EXAMPLE, "created_at": "yesterday"}),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_body_that_is_not_an_allowed_event_is_malformed(case: str) -> None:
    """Not JSON, not an object, over MAX_EVENT_BYTES, or not what CollectionEvent allows (with the
    right challenge) is a MalformedEvent, whose message does not carry the challenge."""
    with pytest.raises(MalformedEvent) as refused:
        verify_event(MALFORMED[case], challenge=CHALLENGE)
    assert CHALLENGE not in str(refused.value)


def test_the_size_limit_is_on_the_body() -> None:
    """An event of exactly MAX_EVENT_BYTES is judged on its content, one byte more is refused."""
    base = _body({**EXAMPLE, "padding": ""})
    exact = _body({**EXAMPLE, "padding": "x" * (MAX_EVENT_BYTES - len(base))})
    assert len(exact) == MAX_EVENT_BYTES
    assert verify_event(exact, challenge=CHALLENGE).additional_properties["padding"]
    with pytest.raises(MalformedEvent):
        verify_event(exact[:-2] + b'x"}', challenge=CHALLENGE)


@pytest.mark.parametrize("field", ["state", "invoice_id"])
def test_a_schema_error_never_echoes_the_challenge(field: str) -> None:
    """The module promises the challenge never appears in an error message: not even when the
    invalid value is the challenge itself (a sender that put it in the wrong field; the message
    goes to the receiver's logs)."""
    misplaced = {**EXAMPLE, field: CHALLENGE if field != "invoice_id" else [CHALLENGE]}
    with pytest.raises(MalformedEvent) as refused:
        verify_event(_body(misplaced), challenge=CHALLENGE)
    assert CHALLENGE not in str(refused.value), str(refused.value)


def test_extra_fields_are_kept() -> None:
    """Fields the spec does not list are accepted and kept in `additional_properties`."""
    extra = {"provider_reference": "abc-123", "metadata": {"order": 1042}}
    event = verify_event(_body({**EXAMPLE, **extra}), challenge=CHALLENGE)
    assert event.additional_properties == extra
    assert event.invoice_id == EXAMPLE["invoice_id"]


@pytest.mark.parametrize("sent", [CHALLENGE, ""])
def test_an_empty_own_challenge_is_a_configuration_error(sent: str) -> None:
    """With an empty own challenge, nothing is accepted, not even an event with an empty challenge:
    a ValueError that is not a WebhookRejected (the receiver's fault, not the sender's)."""
    with pytest.raises(ValueError) as refused:
        verify_event(_body({**EXAMPLE, "challenge": sent}), challenge="")
    assert not isinstance(refused.value, WebhookRejected)
