"""`emulator/app.py`: the routes and what is not one of them. A wrong method is a JSON 405 with
`Allow`, an unknown path a JSON 404 (the slashless push path names the right one instead of
redirecting), the spec is served for discovery, and an absolute-form request target (a client
behind a forward proxy) reaches its route, logged without the `user:key@host` it may carry."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx
import pytest
from starlette.types import Message

from contract_tests.support import AUTH, VALID_PUSH, assert_conforms, push_url
from kulmipay_toolkit import spec
from kulmipay_toolkit.emulator import create_app

USERINFO_SECRET = "ISSecretKey_test_inuserinfo"  # made up: what a proxy URL may carry


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


def test_an_absolute_form_target_is_routed_and_logged_without_its_userinfo(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`POST http://user:key@host/...` (h11 passes it as is) answered 404, or its key written to the log."""
    path = spec.base_path() + spec.stk_push_path()
    body = json.dumps(VALID_PUSH).encode()
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": f"http://user:{USERINFO_SECRET}@127.0.0.1:8765{path}",
        "raw_path": b"unused",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8765"),
            (b"authorization", AUTH["Authorization"].encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    incoming: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    with caplog.at_level(logging.INFO, "kulmipay_toolkit.emulator"):
        asyncio.run(asyncio.wait_for(create_app()(scope, receive, send), timeout=10))
    assert sent[0]["status"] == 200
    # The logger is process-wide: another test's emulator may log beside this one.
    lines = [record.getMessage() for record in caplog.records if record.name == "kulmipay_toolkit.emulator"]
    assert f"POST {path} 200" in [line.rsplit(" ", 1)[0] for line in lines], lines
    assert USERINFO_SECRET not in caplog.text and "http://" not in caplog.text
