"""The guard's decisions, one rule at a time (no network)."""

from __future__ import annotations

import pytest

from contract_tests.conftest import TEST_KEY
from kulmipay_toolkit import spec
from kulmipay_toolkit.guard import (
    UNREACHABLE_PHONE,
    GuardRefusal,
    Target,
    clear,
    confine_positive,
    could_dial,
)

SANDBOX = "https://sandbox.kulmipay.com/api/v1"
PHONE = "254708374149"


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (Target("http://127.0.0.1:8765/api/v1", "ISSecretKey_live_0123456789"), "refusing a live key"),
        (Target(SANDBOX, "ISSecretKey_live_0123456789", PHONE), "refusing a live key"),
        (Target(SANDBOX, "sk_test_0123456789", PHONE), "not a sandbox secret key"),
        (Target(SANDBOX, "", PHONE), "KULMIPAY_TOKEN is empty"),
        (Target("https://app.kulmipay.com/api/v1", TEST_KEY, PHONE), "live host"),
        (Target("https://APP.kulmipay.com./api/v1", TEST_KEY, PHONE), "live host"),
        (
            Target("https://app.kulmipay.com/api/v1", TEST_KEY, PHONE, allowed_hosts=("app.kulmipay.com",)),
            "live host",
        ),
        (Target("https://api.example.com/v1", TEST_KEY, PHONE), "--allow-host api.example.com"),
        (Target("http://10.0.0.5:8765/api/v1", TEST_KEY, PHONE), "only loopback"),
        (Target(SANDBOX, TEST_KEY), "KULMIPAY_TEST_PHONE is required"),
        (Target(SANDBOX, TEST_KEY, "0712345678"), "not a phone number the spec accepts"),
        (Target(SANDBOX, TEST_KEY, PHONE, max_pushes=51), "between 0 and 50"),
        (Target(SANDBOX, TEST_KEY, PHONE, max_pushes=-1), "between 0 and 50"),
        (Target("ftp://127.0.0.1/", TEST_KEY), "not an http(s) URL"),
    ],
)
def test_refusals(target: Target, reason: str) -> None:
    with pytest.raises(GuardRefusal, match=reason.replace("(", r"\(").replace(")", r"\)")) as refusal:
        clear(target)
    assert TEST_KEY not in str(refusal.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "localhost", "[::1]"])
def test_loopback_is_allowed_without_limits(host: str) -> None:
    clearance = clear(Target(f"http://{host}:8765/api/v1", TEST_KEY))
    assert clearance.loopback and clearance.test_phone is None and clearance.max_positive_pushes is None


def test_the_sandbox_is_allowed_on_terms() -> None:
    clearance = clear(Target(SANDBOX, TEST_KEY, PHONE, max_pushes=3))
    assert clearance.remote
    assert (clearance.test_phone, clearance.max_positive_pushes, clearance.rate_limit) == (PHONE, 3, "2/s")


def test_an_explicitly_named_host_is_allowed_on_the_same_terms() -> None:
    clearance = clear(
        Target(
            "https://staging.example.com/api/v1",
            TEST_KEY,
            PHONE,
            allowed_hosts=("staging.example.com",),
            rate_limit="1/s",
        )
    )
    assert clearance.remote and clearance.rate_limit == "1/s"


def test_the_unreachable_number_is_invalid_under_the_spec() -> None:
    assert not spec.request_body_validator().is_valid({"amount": "1", "phone_number": UNREACHABLE_PHONE})


@pytest.mark.parametrize(
    "number", ["254712345678", "+254 712 345 678", "0712-345678", 254712345678, ["0712345678"]]
)
def test_anything_with_seven_digits_could_dial(number: object) -> None:
    assert could_dial(number)


@pytest.mark.parametrize("number", ["", "abc", "254-12", None, 12345])
def test_short_or_digitless_values_could_not(number: object) -> None:
    assert not could_dial(number)


def test_confining_a_positive_push_leaves_the_original_alone() -> None:
    body = {"amount": "10", "phone_number": "254712345678", "wallet_id": "W1", "api_ref": "x"}
    assert confine_positive(body, PHONE) == {"amount": "10", "phone_number": PHONE, "api_ref": "x"}
    assert body["phone_number"] == "254712345678" and body["wallet_id"] == "W1"
