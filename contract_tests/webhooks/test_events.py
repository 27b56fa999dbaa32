"""`webhooks/events.py`: the `collection_event` as the spec defines it. An invoice's event carries
the event schema's fields taken from the invoice, the provider and the configured challenge, and
nothing else; the spec's examples are events its validator accepts; the delivery terms read from
`x-delivery` hold together."""

from __future__ import annotations

from contract_tests.support.examples import pending_push
from kulmipay_toolkit import spec
from kulmipay_toolkit.webhooks import events

CHALLENGE = "whsec-events-test"  # made up


def test_an_invoices_event_is_the_schemas_fields_with_our_challenge() -> None:
    """An invoice field the event lacks sent, one it has left out, or the invoice's `challenge` sent."""
    invoice = pending_push()["invoice"] | {"challenge": "not-ours", "refundable": "false"}
    event = events.event_for(invoice, CHALLENGE)
    assert spec.body_errors(events.validator(), event) == []
    assert (event["challenge"], event["provider"]) == (CHALLENGE, events.PROVIDER)
    fields = spec.component_schema(events.schema_name())["properties"]
    assert set(event) == {name for name in fields if name in invoice} | {"provider"}
    assert all(event[name] == invoice[name] for name in event if name not in {"challenge", "provider"})


def test_the_spec_examples_are_events_the_validator_accepts() -> None:
    """The examples or the validator read from the wrong place: receivers judged against a non-event."""
    found = events.examples()
    assert found
    assert all(spec.body_errors(events.validator(), example) == [] for example in found)
    assert spec.body_errors(events.validator(), {**found[0], "state": "SETTLED"}) != []


def test_the_delivery_terms_hold_together() -> None:
    """A delivery term read from the wrong `x-delivery` key (a retry without a wait, a 3xx acknowledging)."""
    terms = events.terms()
    assert len(terms.retry_after) == terms.attempts - 1
    assert all(seconds > 0 for seconds in terms.retry_after)
    assert terms.acknowledged_by and all(200 <= code < 300 for code in terms.acknowledged_by)
    assert terms.disable_after >= terms.attempts
    assert terms.receiver_timeout > 0
