"""`emulator/validation.py`: the emulator judges requests by the spec it serves, formats included,
and reports every invalid field at once, in Django REST framework's words."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, edited_spec, push_url
from kulmipay_toolkit import spec
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.emulator.validation import field_errors
from kulmipay_toolkit.spec import JSON


@pytest.fixture()
def spec_with_uri_field(tmp_path: Path) -> spec.Spec:
    """A `Spec` from a copy whose request has an optional `callback_url` (`format: uri`)."""

    def add_callback_url(document: JSON) -> None:
        fields = document["components"]["schemas"]["StkPushRequest"]["properties"]
        fields["callback_url"] = {"type": "string", "format": "uri", "x-source": "inferred"}

    return edited_spec(tmp_path, add_callback_url)


def test_the_emulator_enforces_formats(spec_with_uri_field: spec.Spec) -> None:
    edited = spec_with_uri_field
    assert "callback_url" in edited.request_fields()
    assert (
        field_errors({**VALID_PUSH, "callback_url": "https://merchant.example/paid"}, contract=edited) == {}
    )
    assert field_errors({**VALID_PUSH, "callback_url": ""}, contract=edited) == {
        "callback_url": ['"" is not a "uri"']
    }
    with RunningEmulator(Settings(spec=edited)) as emulator:
        served = httpx.post(
            f"{emulator.base_url}/{push_url()}", json={**VALID_PUSH, "callback_url": ""}, headers=AUTH
        )
    assert (served.status_code, served.json()) == (400, {"callback_url": ['"" is not a "uri"']})
    assert edited.request_errors(json.dumps({**VALID_PUSH, "callback_url": ""}).encode(), headers=AUTH) != []
    assert "callback_url" not in spec.request_fields()  # the default contract is untouched


def test_every_invalid_field_is_reported_at_once(http: httpx.Client) -> None:
    body = {
        "amount": "ten",
        "phone_number": "0712345678",
        "api_ref": "x" * 141,
        "mobile_tarrif": "NOBODY-PAYS",
        "wallet_id": 7,
    }
    response = http.post(push_url(), json=body, headers=AUTH)
    assert response.status_code == 400
    assert_conforms(response)
    errors = response.json()
    assert set(errors) == set(body)
    assert all(isinstance(messages, list) and messages for messages in errors.values())


def test_missing_and_null_fields(http: httpx.Client) -> None:
    response = http.post(push_url(), json={"amount": None}, headers=AUTH)
    assert response.json() == {
        "amount": ["This field may not be null."],
        "phone_number": ["This field is required."],
    }
