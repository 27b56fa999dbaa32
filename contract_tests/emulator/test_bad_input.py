"""Bad input gets a clear 4xx that the spec declares: never a 5xx, never a wedged server."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, push_url
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.emulator.body import MAX_BODY_BYTES

JSON_AUTH = AUTH | {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{", "JSON parse error"),
        (b"", "JSON parse error"),
        (b'{"amount": "10", "phone_number": "254712345678"', "JSON parse error"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b'{"amount": NaN, "phone_number": "254712345678"}', "NaN is not valid JSON"),
        (b"[" * 20_000 + b"]" * 20_000, "nested too deeply"),
        (b'{"amount": "10", "phone_number": "\\ud800"}', "unpaired surrogate"),
        (b'{"amount": "10", "phone_number": "254712345678", "\\udc00": 1}', "unpaired surrogate"),
        (b'{"amount": "10", "phone_number": "254712345678", "api_ref": "\\udc00"}', "unpaired surrogate"),
        (b'{"amount": 1e400, "phone_number": "254712345678"}', "out of range"),
        (b"[]", "Expected a JSON object, but got list"),
        (b'"push"', "Expected a JSON object, but got str"),
        (b"10", "Expected a JSON object, but got int"),
        (b"null", "Expected a JSON object, but got null"),
    ],
)
def test_unusable_bodies_are_400(http: httpx.Client, body: bytes, detail: str) -> None:
    response = http.post(push_url(), content=body, headers=JSON_AUTH)
    assert response.status_code == 400
    assert detail in response.json()["detail"]
    assert_conforms(response)


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


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_other_media_types_are_415(http: httpx.Client, content_type: str | None) -> None:
    headers = AUTH | ({"Content-Type": content_type} if content_type else {})
    response = http.post(push_url(), content=b'{"amount": "10"}', headers=headers)
    assert response.status_code == 415
    assert_conforms(response)


def test_json_with_a_charset_is_fine(http: httpx.Client) -> None:
    headers = AUTH | {"Content-Type": "application/json; charset=utf-8"}
    assert http.post(push_url(), json=VALID_PUSH, headers=headers).status_code == 200


def test_a_declared_oversized_body_is_413(http: httpx.Client) -> None:
    response = http.post(push_url(), content=b" " * (MAX_BODY_BYTES + 1), headers=JSON_AUTH)
    assert response.status_code == 413
    assert_conforms(response)


def test_an_oversized_chunked_body_is_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(200):  # 200 KiB, in 1 KiB chunks, with no Content-Length
            yield b" " * 1024

    response = http.post(push_url(), content=chunks(), headers=JSON_AUTH)
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_wrong_methods_are_405_with_allow(http: httpx.Client, method: str) -> None:
    response = http.request(method, push_url(), headers=AUTH)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}
    assert_conforms(response)


def test_unknown_paths_are_json_404(http: httpx.Client) -> None:
    for path in ("payment/nope/", "../v2/payment/mpesa-stk-push/"):
        response = http.post(path, json=VALID_PUSH, headers=AUTH)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_the_slashless_spelling_is_404_naming_the_right_path(http: httpx.Client) -> None:
    response = http.post(push_url().rstrip("/"), json=VALID_PUSH, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["detail"].endswith("ends with a slash: /api/v1/payment/mpesa-stk-push/")


def test_the_spec_is_served_for_discovery(http: httpx.Client) -> None:
    response = http.get("openapi.yaml")
    assert response.status_code == 200 and "mpesa-stk-push" in response.text


def test_half_a_request_does_not_wedge_the_server(emulator: RunningEmulator, http: httpx.Client) -> None:
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as stalled:
        stalled.sendall(b"POST /api/v1/payment/mpesa-stk-push/ HTTP/1.1\r\nHost: x\r\nContent-Le")
        with socket.create_connection(("127.0.0.1", emulator.port), timeout=5) as half_body:
            half_body.sendall(
                b"POST /api/v1/payment/mpesa-stk-push/ HTTP/1.1\r\nHost: x\r\n"
                + f"Authorization: {AUTH['Authorization']}\r\n".encode()
                + b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"amount"'
            )
            response = http.post(push_url(), json=VALID_PUSH, headers=AUTH)
            assert response.status_code == 200


def test_still_healthy_after_the_bad_input(http: httpx.Client) -> None:
    assert http.post(push_url(), json=VALID_PUSH, headers=AUTH).status_code == 200
