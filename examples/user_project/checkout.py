"""A user's checkout, as a merchant's application would write it with the generated client: start
an STK push, then read the payment's outcome. Nothing here knows about the emulator."""

from __future__ import annotations

from kulmipay_client import AuthenticatedClient
from kulmipay_client.api.payment import get_payment_status, start_mpesa_stk_push
from kulmipay_client.models import (
    PaymentStatusRequest,
    PaymentStatusResponse,
    StkPushRequest,
    StkPushResponse,
)


def start_checkout(client: AuthenticatedClient, *, phone: str, amount: str, order: str) -> str:
    """Prompts the customer's phone; returns the invoice id to follow."""
    reply = start_mpesa_stk_push.sync(
        client=client, body=StkPushRequest(amount=amount, phone_number=phone, api_ref=order)
    )
    if not isinstance(reply, StkPushResponse):
        raise RuntimeError(f"KulmiPay refused the push: {reply}")
    return reply.invoice.invoice_id


def order_state(client: AuthenticatedClient, invoice_id: str) -> str:
    """The order's state as the shop shows it: paid, failed (with why), or waiting."""
    reply = get_payment_status.sync(client=client, body=PaymentStatusRequest(invoice_id=invoice_id))
    if not isinstance(reply, PaymentStatusResponse):
        raise RuntimeError(f"could not read the payment: {reply}")
    state = reply.invoice.state
    if state == "COMPLETE":
        return "paid"
    if state == "FAILED":
        return f"failed: {reply.invoice.failed_code}"
    return "waiting"
