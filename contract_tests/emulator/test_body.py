"""`emulator/body.py`: a body that cannot be read as a JSON object (bad media type, too large,
not UTF-8, not JSON, not an object) gets a clear 4xx that the spec declares, never a 5xx. A body
that is an object but breaks the schema is test_validation.py's; unknown paths and methods,
test_app.py's."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, push_url
from kulmipay_toolkit.emulator.body import MAX_BODY_BYTES

JSON_AUTH = AUTH | {"Content-Type": "application/json"}


UNUSABLE = [
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
]


@pytest.mark.parametrize(("body", "detail"), UNUSABLE)
def test_unusable_bodies_are_400(http: httpx.Client, body: bytes, detail: str) -> None:
    response = http.post(push_url(), content=body, headers=JSON_AUTH)
    assert response.status_code == 400
    assert detail in response.json()["detail"]
    assert_conforms(response)


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


def test_still_healthy_after_the_bad_input(http: httpx.Client) -> None:
    """Bad input that leaves the emulator unable to serve the next good push."""
    for body, _ in UNUSABLE:
        assert http.post(push_url(), content=body, headers=JSON_AUTH).status_code == 400
    assert http.post(push_url(), content=b" " * (MAX_BODY_BYTES + 1), headers=JSON_AUTH).status_code == 413
    assert http.post(push_url(), json=VALID_PUSH, headers=AUTH).status_code == 200
