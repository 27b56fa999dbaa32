"""Authentication as KulmiPay documents it: every refusal a 401 `{"detail": ...}`."""

from __future__ import annotations

import httpx
import pytest

from contract_tests.support import (
    AUTH,
    MALFORMED_LIVE_KEYS,
    MALFORMED_TEST_KEYS,
    TEST_KEY,
    VALID_PUSH,
    assert_conforms,
    push_url,
)
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.emulator.auth import INVALID, LIVE_ON_SANDBOX, NOT_PROVIDED, authenticate


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, NOT_PROVIDED),
        ({"Authorization": TEST_KEY}, NOT_PROVIDED),
        ({"Authorization": f"Token {TEST_KEY}"}, NOT_PROVIDED),
        ({"Authorization": "Bearer"}, NOT_PROVIDED),
        ({"Authorization": "Bearer sk_test_somethingelse"}, INVALID),
        ({"Authorization": "Bearer ISPubKey_test_publishable"}, INVALID),
        ({"Authorization": "Bearer ISSecretKey_live_0123456789abcdef"}, LIVE_ON_SANDBOX),
        ({"Authorization": "Bearer ISSecretKey_test_"}, INVALID),
        ({"Authorization": "Bearer ISSecretKey_test_abc def"}, INVALID),
        ({"Authorization": f"Bearer {TEST_KEY} {TEST_KEY}"}, INVALID),
        ({"Authorization": f"Bearer  {TEST_KEY}"}, INVALID),
        ({"Authorization": "Bearer ISSecretKey_live_"}, LIVE_ON_SANDBOX),
        ({"Authorization": "Bearer ISSecretKey_live_abc def"}, LIVE_ON_SANDBOX),
    ],
)
def test_refusals(http: httpx.Client, headers: dict[str, str], detail: str) -> None:
    response = http.post(push_url(), json=VALID_PUSH, headers=headers)
    assert (response.status_code, response.json()) == (401, {"detail": detail})
    assert_conforms(response)


def test_an_allow_list_admits_only_its_keys() -> None:
    other = "ISSecretKey_test_someoneelse000000"
    with RunningEmulator(Settings(allowed_keys=frozenset({TEST_KEY}))) as running:
        url = f"{running.base_url}/{push_url()}"
        assert httpx.post(url, json=VALID_PUSH, headers=AUTH).status_code == 200
        refused = httpx.post(url, json=VALID_PUSH, headers={"Authorization": f"Bearer {other}"})
        assert (refused.status_code, refused.json()["detail"]) == (401, INVALID)


@pytest.mark.parametrize("key", MALFORMED_TEST_KEYS)
def test_whitespace_around_a_key_makes_it_invalid(key: str) -> None:
    """Over the wire the HTTP parser drops a header value's trailing whitespace before the app sees
    it, so a trailing tab is checked here, where the header value is taken as given."""
    reply = authenticate(f"Bearer {key}")
    assert reply is not None and (reply.status, reply.body) == (401, {"detail": INVALID})


@pytest.mark.parametrize("key", MALFORMED_LIVE_KEYS)
def test_a_malformed_live_key_is_refused_as_live(key: str) -> None:
    reply = authenticate(f"Bearer {key}", allowed_keys={key})  # not even when allow-listed
    assert reply is not None and (reply.status, reply.body) == (401, {"detail": LIVE_ON_SANDBOX})


def test_a_well_formed_key_is_admitted() -> None:
    assert authenticate(f"Bearer {TEST_KEY}") is None
    assert authenticate(f"bearer {TEST_KEY}", allowed_keys={TEST_KEY}) is None
