"""A user's own tests of their checkout, against the `kulmipay_emulator` fixture that
`pip install 'kulmipay-toolkit[emulator]'` registers with pytest: no network, no real phone."""

from __future__ import annotations

from checkout import order_state, start_checkout

from kulmipay_toolkit.pytest_plugin import KulmiPayEmulator

PAYS = "254712345678"
CANCELS = "254700000001"  # the emulator's "cancelled by the customer" number


def test_a_paying_customer_completes_the_order(kulmipay_emulator: KulmiPayEmulator) -> None:
    with kulmipay_emulator.client() as client:
        invoice_id = start_checkout(client, phone=PAYS, amount="250", order="order-1")
        assert order_state(client, invoice_id) == "waiting"
        kulmipay_emulator.advance(5)
        assert order_state(client, invoice_id) == "paid"
    states = [event["state"] for event in kulmipay_emulator.events() if event["invoice_id"] == invoice_id]
    assert states == ["PENDING", "PROCESSING", "COMPLETE"]


def test_a_cancelled_prompt_fails_the_order(kulmipay_emulator: KulmiPayEmulator) -> None:
    with kulmipay_emulator.client(in_process=True) as client:  # no socket: for suites with many calls
        invoice_id = start_checkout(client, phone=CANCELS, amount="99.50", order="order-2")
        kulmipay_emulator.advance(5)
        assert order_state(client, invoice_id) == "failed: 1032"


def test_support_can_settle_a_stuck_payment(kulmipay_emulator: KulmiPayEmulator) -> None:
    with kulmipay_emulator.client() as client:
        invoice_id = start_checkout(
            client, phone="254700000002", amount="10", order="order-3"
        )  # never answers
        kulmipay_emulator.settle(invoice_id, "COMPLETE")
        assert order_state(client, invoice_id) == "paid"
