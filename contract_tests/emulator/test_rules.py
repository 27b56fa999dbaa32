"""The rules table itself: rounding up, the fee, the tariffs, the defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kulmipay_toolkit import rules


@pytest.mark.parametrize(
    ("amount", "value"),
    [("1", "1"), ("1.01", "2"), ("99.99", "100"), (10, "10"), (10.5, "11"), ("249999.5", "250000")],
)
def test_fractions_round_up_to_a_whole_shilling(amount: object, value: str) -> None:
    assert rules.charge_for(amount, None).value == Decimal(value)


def test_business_pays_deducts_the_fee_and_customer_pays_adds_it_on_top() -> None:
    business = rules.charge_for("1000", "BUSINESS-PAYS")
    customer = rules.charge_for("1000", "CUSTOMER-PAYS")
    assert business.charges == customer.charges == Decimal("30.00")
    assert (business.net_amount, customer.net_amount) == (Decimal("970"), Decimal("1000"))
    assert rules.charge_for("1000", None) == business


def test_floats_are_read_by_their_decimal_text_not_their_binary_value() -> None:
    assert rules.to_decimal(0.1) == Decimal("0.1")


@pytest.mark.parametrize("amount", [True, None, [], "ten", "NaN", "Infinity"])
def test_non_amounts_are_refused(amount: object) -> None:
    with pytest.raises(ValueError):
        rules.to_decimal(amount)


def test_defaults() -> None:
    assert rules.api_ref_for(None) == "MPesa Express"
    assert rules.api_ref_for("") == ""
    assert rules.money(Decimal("10")) == "10.00"
