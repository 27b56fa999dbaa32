"""The egress gate's policy, request by request (no sockets: what leaves is decided here; the
wire tests in conformance/test_remote_terms.py prove it is what leaves)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from kulmipay_toolkit import guard
from kulmipay_toolkit.errors import GuardRefusal
from kulmipay_toolkit.gate import EgressPolicy, Pace, parse_rate

PHONE = "254708374149"
VALID = {"amount": "10", "phone_number": "254712345678", "wallet_id": "W1"}


def _digits_left(body: bytes) -> set[str]:
    """Every run of seven digits or more still in what would leave, other than zeros."""
    text = body.decode("utf-8", errors="replace")
    return {run for run in re.findall(r"\d{7,}", re.sub(r"[\s().\-/+]", "", text)) if set(run) != {"0"}}


def test_a_valid_push_goes_to_the_test_phone_only_while_the_budget_lasts() -> None:
    policy = EgressPolicy(PHONE, 2)
    sent = [policy.admit("", json.dumps(VALID).encode()) for _ in range(3)]
    assert [admission.forward for admission in sent] == [True, True, False]
    assert json.loads(sent[0].body) == {"amount": "10", "phone_number": PHONE}
    assert "budget of 2 spent" in sent[2].reason and sent[2].body == b""
    assert policy.pushes == 2


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"amount": "0", "phone_number": "254712345678"}),  # invalid amount, real number
        json.dumps({"amount": "10", "phone_number": 254712345678}),  # a number a lax server may take
        json.dumps({"amount": "10", "phone_number": "+254 712 345 678"}),
        json.dumps(
            {
                "amount": "10",
                "phone_number": "\u0662\u0665\u0664\u0667\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668",
            }
        ),
        '{"amount": "0", "phone_number": "' + "".join(f"\\u{ord(d):04x}" for d in "254712345678") + '"}',
        '{"phone_number": "254712345678", "phone_number": "x", "amount": "10"}',  # duplicate keys
        json.dumps([{"phone_number": "254712345678"}]),
        "amount=10&phone_number=254712345678",  # a form body: DRF would read it
        "not json 2547-1234-5678",
    ],
)
def test_no_dialable_number_leaves_in_any_other_body(body: str) -> None:
    policy = EgressPolicy(PHONE, 5)
    admission = policy.admit("", body.encode())
    assert policy.pushes == 0
    if admission.forward:
        assert _digits_left(admission.body) == set()
        if body.startswith(("{", "[")):
            assert not guard.could_dial(json.dumps(json.loads(admission.body), ensure_ascii=False))


def test_a_percent_encoded_number_is_refused_not_guessed_at() -> None:
    body = "amount=10&phone_number=" + "".join(f"%{ord(d):02X}" for d in "254712345678")
    admission = EgressPolicy(PHONE, 5).admit("", body.encode())
    assert not admission.forward and "encoded" in admission.reason


def test_utf16_text_with_a_number_is_refused() -> None:
    admission = EgressPolicy(PHONE, 5).admit("", json.dumps(VALID).encode("utf-16"))
    assert not admission.forward


def test_query_strings_are_scrubbed_too() -> None:
    admission = EgressPolicy(PHONE, 5).admit("phone_number=" + quote("+254712345678"), b"")
    assert admission.forward and "254712345678" not in admission.query and "000000000000" in admission.query


def test_bodies_without_numbers_leave_byte_for_byte() -> None:
    raw = b'{"amount": "ten",  "api_ref": "order-1"}'
    assert EgressPolicy(PHONE, 5).admit("", raw).body == raw


@pytest.mark.parametrize(("phone", "budget"), [(None, 3), ("", 3), (PHONE, None), (PHONE, -1)])
def test_a_gate_without_its_limits_refuses_to_exist(phone: str | None, budget: int | None) -> None:
    with pytest.raises(GuardRefusal, match="nothing was sent"):
        EgressPolicy(phone, budget)


@pytest.mark.parametrize(("rate", "interval"), [("2/s", 0.5), ("30/m", 2.0), ("1/h", 3600.0)])
def test_rates(rate: str, interval: float) -> None:
    assert parse_rate(rate) == interval and Pace(rate).interval == interval


@pytest.mark.parametrize("rate", ["2", "0/s", "x/s", "2/d", "-1/s"])
def test_bad_rates_are_refused(rate: str) -> None:
    with pytest.raises(ValueError, match="N/s"):
        parse_rate(rate)
