"""The guard's decisions, one rule at a time (no network)."""

from __future__ import annotations

import pytest

from contract_tests.support import TEST_KEY
from kulmipay_toolkit import spec
from kulmipay_toolkit.errors import GuardRefusal
from kulmipay_toolkit.guard import (
    OPT_IN,
    OWN_EMULATOR,
    UNREACHABLE_PHONE,
    Target,
    clearance_for,
    confine_positive,
    could_dial,
    scrub_text,
    scrub_value,
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
        (Target(SANDBOX, TEST_KEY, PHONE, max_pushes=51), "between 2 and 50"),
        (Target(SANDBOX, TEST_KEY, PHONE, max_pushes=1), "between 2 and 50"),
        (Target(SANDBOX, TEST_KEY, PHONE, max_pushes=-1), "between 2 and 50"),
        # Loopback is no proof: an SSH tunnel or a proxy to the real sandbox lives there too.
        (Target("http://127.0.0.1:8443/api/v1", TEST_KEY), "KULMIPAY_TEST_PHONE is required"),
        (
            Target("http://127.0.0.1:8765/api/v1", "ISSecretKey_live_0123456789", trust=True),
            "refusing a live key",
        ),
        (Target("https://app.kulmipay.com/api/v1", TEST_KEY, trust=True), "live host"),
        (Target("ftp://127.0.0.1/", TEST_KEY), "not an http(s) URL"),
    ],
)
def test_refusals(target: Target, reason: str) -> None:
    with pytest.raises(GuardRefusal, match=reason.replace("(", r"\(").replace(")", r"\)")) as refusal:
        clearance_for(target)
    assert TEST_KEY not in str(refusal.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.2.1", "localhost", "[::1]"])
def test_loopback_gets_the_remote_terms_unless_trusted(host: str) -> None:
    target = Target(f"http://{host}:8765/api/v1", TEST_KEY, PHONE)
    assert clearance_for(target).remote
    trusted = clearance_for(target, trusted_by=OWN_EMULATOR)
    assert not trusted.remote and trusted.test_phone is None and trusted.max_positive_pushes is None


def test_the_opt_in_lifts_the_limits_and_says_so() -> None:
    clearance = clearance_for(Target("http://127.0.0.1:8443/api/v1", TEST_KEY, trust=True))
    assert not clearance.remote and clearance.trusted_by == OPT_IN
    assert "KULMIPAY_TRUST_TARGET=1" in clearance.describe()


def test_the_sandbox_is_allowed_on_terms() -> None:
    clearance = clearance_for(Target(SANDBOX, TEST_KEY, PHONE, max_pushes=3))
    assert clearance.remote
    assert (clearance.test_phone, clearance.max_positive_pushes, clearance.rate_limit) == (PHONE, 3, "2/s")


def test_an_explicitly_named_host_is_allowed_on_the_same_terms() -> None:
    clearance = clearance_for(
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
    "number",
    [
        "254712345678",
        "+254 712 345 678",
        "0712-345678",
        "(0712) 345.678",
        "".join(chr(0xFF10 + int(d)) for d in "254712345678"),
    ],
)
def test_anything_with_seven_digits_could_dial(number: str) -> None:
    assert could_dial(number)
    assert not could_dial(scrub_text(number))


@pytest.mark.parametrize("number", ["", "abc", "254-12", "12345", "order 1042, 2 of 3"])
def test_short_or_digitless_values_could_not(number: str) -> None:
    assert not could_dial(number) and scrub_text(number) == number


def test_scrubbing_reaches_every_depth_and_type() -> None:
    body = {
        "phone_number": 254712345678,
        "api_ref": "call 0712 345 678",
        "x": [{"y": "+254712345678"}],
        "n": 3.5,
    }
    scrubbed = scrub_value(body)
    assert scrubbed == {
        "phone_number": 0,
        "api_ref": "call 0000 000 000",
        "x": [{"y": "+000000000000"}],
        "n": 3.5,
    }
    assert not spec.request_body_validator().is_valid(
        {"amount": "1", "phone_number": scrub_text("254712345678")}
    )


def test_confining_a_positive_push_leaves_the_original_alone() -> None:
    body = {"amount": "10", "phone_number": "254712345678", "wallet_id": "W1", "api_ref": "x"}
    assert confine_positive(body, PHONE) == {"amount": "10", "phone_number": PHONE, "api_ref": "x"}
    assert body["phone_number"] == "254712345678" and body["wallet_id"] == "W1"
