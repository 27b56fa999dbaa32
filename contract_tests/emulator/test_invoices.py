"""`emulator/invoices.py`: the 200 of a valid STK push as the invoice book builds it. It conforms
to the spec and follows the rules table, echoes the request, has a fresh invoice id (the same ones
again under the same seed) and a stable customer; the book keeps no more than its capacity."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, push_url
from kulmipay_toolkit import rules
from kulmipay_toolkit.emulator import RunningEmulator, Settings


def _push(http: httpx.Client, **fields: object) -> dict[str, object]:
    response = http.post(push_url(), json={**VALID_PUSH, **fields}, headers=AUTH)
    assert response.status_code == 200, response.text
    assert_conforms(response)
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize(
    ("amount", "tariff", "value", "charges", "net"),
    [
        ("10", None, "10.00", "0.30", "9.70"),
        ("10.01", "BUSINESS-PAYS", "11.00", "0.33", "10.67"),
        (1500.5, "CUSTOMER-PAYS", "1501.00", "45.03", "1501.00"),
        ("250000", "CUSTOMER-PAYS", "250000.00", "7500.00", "250000.00"),
    ],
)
def test_money_follows_the_rules_table(
    http: httpx.Client, amount: object, tariff: str | None, value: str, charges: str, net: str
) -> None:
    fields = {"amount": amount} | ({"mobile_tarrif": tariff} if tariff else {})
    invoice = _push(http, **fields)["invoice"]
    assert isinstance(invoice, dict)
    assert (invoice["value"], invoice["charges"], invoice["net_amount"]) == (value, charges, net)
    charge = rules.charge_for(amount, tariff)
    assert Decimal(invoice["value"]) == charge.value


def test_invoice_echoes_the_request(http: httpx.Client) -> None:
    body = _push(http, api_ref="order-1042", phone_number="254110000001")
    invoice, customer = body["invoice"], body["customer"]
    assert isinstance(invoice, dict) and isinstance(customer, dict)
    assert invoice["api_ref"] == "order-1042"
    assert invoice["account"] == customer["phone_number"] == "254110000001"
    assert (invoice["currency"], invoice["state"], invoice["retry_count"]) == ("KES", "PENDING", 0)
    assert uuid.UUID(str(body["id"])).version == 4
    assert str(body["created_at"]).endswith("+00:00")


@pytest.mark.parametrize("api_ref", [None, "absent"])
def test_api_ref_defaults(http: httpx.Client, api_ref: str | None) -> None:
    fields = {} if api_ref == "absent" else {"api_ref": api_ref}
    invoice = _push(http, **fields)["invoice"]
    assert isinstance(invoice, dict) and invoice["api_ref"] == rules.DEFAULT_API_REF


def test_each_push_has_a_fresh_invoice_and_a_stable_customer(http: httpx.Client) -> None:
    bodies = [_push(http) for _ in range(20)]
    invoices = {body["invoice"]["invoice_id"] for body in bodies}  # type: ignore[index]
    customers = {body["customer"]["customer_id"] for body in bodies}  # type: ignore[index]
    assert len(invoices) == 20 and len(customers) == 1


def test_a_seed_reproduces_the_ids() -> None:
    def ids() -> list[str]:
        with RunningEmulator(Settings(seed=42)) as running, httpx.Client() as client:
            url = f"{running.base_url}/{push_url()}"
            return [
                client.post(url, json=VALID_PUSH, headers=AUTH).json()["invoice"]["invoice_id"]
                for _ in range(3)
            ]

    assert ids() == ids()


def test_the_capacity_setting_bounds_the_invoices_and_customers_a_push_keeps() -> None:
    """`Settings.capacity` reaches both stores a push fills (their bounds: test_store.py)."""
    phones = [f"2547{number:08d}" for number in range(3)]
    with RunningEmulator(Settings(capacity=2)) as running, httpx.Client() as client:
        url = f"{running.base_url}/{push_url()}"
        replies = [
            client.post(url, json={**VALID_PUSH, "phone_number": phone}, headers=AUTH) for phone in phones
        ]
        invoice_ids = [reply.json()["invoice"]["invoice_id"] for reply in replies]
        book = running.emulator.book
    assert [invoice_id in book.invoices for invoice_id in invoice_ids] == [False, True, True]
    assert [phone in book.customers for phone in phones] == [False, True, True]
