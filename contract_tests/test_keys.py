"""`kulmipay_toolkit.keys`: which environment a key belongs to (a malformed key is no sandbox key,
a malformed live key is still a live key), and keys kept out of what the toolkit raises: a key the
server echoes, or the client's own token whatever its shape, is redacted from a ContractViolation
(the strict helper's, for either operation)."""

from __future__ import annotations

import httpx
import pytest
import respx
from kulmipay_client import AuthenticatedClient

from contract_tests.support import (
    MALFORMED_LIVE_KEYS,
    MALFORMED_TEST_KEYS,
    TEST_KEY,
    assert_hidden,
    minimal_request,
)
from contract_tests.support.calls import (
    BASE_URL,
    AnyOperation,
    Style,
    each_operation,
    new_client,
    per_operation,
)
from contract_tests.support.examples import ok_reply, set_details, set_invoice
from kulmipay_toolkit import keys
from kulmipay_toolkit.strict import ContractViolation


@pytest.mark.parametrize("key", MALFORMED_TEST_KEYS)
def test_a_malformed_sandbox_key_is_no_key_at_all(key: str) -> None:
    """Neither a sandbox key nor a live one (emulator/test_auth.py: the emulator refuses it)."""
    assert not keys.is_test_key(key) and not keys.is_live_key(key)


@pytest.mark.parametrize("key", MALFORMED_LIVE_KEYS)
def test_a_malformed_live_key_is_still_a_live_key(key: str) -> None:
    assert keys.is_live_key(key) and not keys.is_test_key(key)


def test_a_well_formed_key_is_a_sandbox_key() -> None:
    assert keys.is_test_key(TEST_KEY) and not keys.is_live_key(TEST_KEY)


def echoing(operation: AnyOperation) -> dict[str, tuple[httpx.Response]]:
    """Broken replies to the operation that echo the key, by name."""
    field = next(iter(minimal_request(operation.id)))  # a request field a 400 can name
    replies = {
        "state": ok_reply(operation.id, set_invoice(state=f"Bearer {TEST_KEY}")),
        "broken-pattern": ok_reply(
            operation.id, set_details(operation, customer_comment=f"Bearer {TEST_KEY}!")
        ),
        "id": ok_reply(operation.id, set_details(operation, id=TEST_KEY)),
        "invoice-not-object": ok_reply(operation.id, lambda body: body.update(invoice=TEST_KEY)),
        "not-json": httpx.Response(
            401, text=f"bad key {TEST_KEY}", headers={"Content-Type": "application/json"}
        ),
        "field-errors": httpx.Response(400, json={"detail": [f"Bearer {TEST_KEY}"], field: "x"}),
        "text-plain": httpx.Response(401, text=f"Bearer {TEST_KEY}", headers={"Content-Type": "text/plain"}),
        "undeclared": httpx.Response(418, json={"detail": TEST_KEY}),
    }
    return {name: (reply,) for name, reply in replies.items()}


@pytest.mark.parametrize(("operation", "reply"), per_operation(echoing))
def test_contract_violation_does_not_show_an_echoed_key(
    style: Style, router: respx.MockRouter, operation: AnyOperation, reply: httpx.Response
) -> None:
    """A server echoing the key back into a broken reply: the violation hides it."""
    operation.serve(router, reply)
    with pytest.raises(ContractViolation) as raised:
        operation.strict_call(style, new_client())
    assert_hidden(raised.value, *raised.value.args, *raised.value.problems)


@each_operation
def test_contract_violation_redacts_a_key_of_any_shape(style: Style, operation: AnyOperation) -> None:
    """A key that does not look like a KulmiPay key is still the client's token: redacted by value."""
    odd_key = "sk-unusual-0123456789abcdef"
    client = AuthenticatedClient(base_url=BASE_URL, token=odd_key)
    with respx.mock(base_url=BASE_URL) as router:
        operation.serve(router, ok_reply(operation.id, lambda body: body.update(invoice=odd_key)))
        with pytest.raises(ContractViolation) as raised:
            operation.strict_call(style, client)
    assert odd_key not in str(raised.value) and keys.REDACTED in str(raised.value)
