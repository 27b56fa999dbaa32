"""Reading schemathesis VCR cassettes into typed interactions (`kulmipay_toolkit.cassettes`)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kulmipay_toolkit import cassettes

# The shape `st run --report vcr` writes (see schemathesis/reporting/vcr.py), trimmed to what is read.
CASSETTE = """\
command: 'st run spec/openapi.yaml --url http://127.0.0.1:8765/api/v1 -H Authorization: [Filtered]'
recorded_with: 'Schemathesis 4.32.5'
seed: 1
http_interactions:
- id: 'aaa'
  status: 'SUCCESS'
  recorded_at: '2026-11-29T03:54:18.690986+00:00'
  request:
    uri: 'http://127.0.0.1:8765/api/v1/payment/mpesa-stk-push/'
    method: 'POST'
    headers:
      "Authorization":
      - "[Filtered]"
      "X-Twice":
      - "1"
      - "2"

    body:
      encoding: 'utf-8'
      string: "{\\"amount\\": \\"10\\", \\"phone_number\\": \\"254712345678\\"}"
  response:
    status:
      code: '401'
      message: "Unauthorized"
    elapsed: '0.001'
    headers:
      "content-type":
      - "application/json"
      "content-length":
      - "999"

    body:
      encoding: 'utf-8'
      string: "{\\"detail\\":\\"Invalid api token\\"}"
    http_version: '1.1'
- id: 'bbb'
  status: 'ERROR'
  request:
    uri: 'http://127.0.0.1:8765/api/v1/payment/mpesa-stk-push/'
    method: 'GET'
    headers:
      "Accept":
      - "*/*"
  response: null
- id: 'ccc'
  status: 'SUCCESS'
  request:
    uri: 'http://127.0.0.1:8765/api/v1/payment/mpesa-stk-push/'
    method: 'POST'
    headers:
    body:
      encoding: 'utf-8'
      base64_string: '{request}'
  response:
    status:
      code: '200'
      message: "OK"
    elapsed: '0.001'
    headers:
      "content-type":
      - "application/json"

    body:
      encoding: 'utf-8'
      base64_string: '{response}'
    truncated_from: 123456
    http_version: '1.1'
"""


@pytest.fixture()
def cassette(tmp_path: Path) -> cassettes.Cassette:
    path = tmp_path / "cassette.yaml"
    encoded = {
        name: base64.b64encode(value).decode()
        for name, value in [("request", b"\x00\xff"), ("response", b"{}")]
    }
    path.write_text(
        CASSETTE.replace("{request}", encoded["request"]).replace("{response}", encoded["response"])
    )
    return cassettes.load(path)


def test_header_and_every_interaction_are_read(cassette: cassettes.Cassette) -> None:
    assert (cassette.recorded_with, cassette.seed) == ("Schemathesis 4.32.5", 1)
    assert [item.id for item in cassette.interactions] == ["aaa", "bbb", "ccc"]


def test_request_and_response_are_typed(cassette: cassettes.Cassette) -> None:
    first = cassette.interactions[0]
    assert (first.request.method, first.request.uri) == (
        "POST",
        "http://127.0.0.1:8765/api/v1/payment/mpesa-stk-push/",
    )
    assert first.request.headers == (("Authorization", "[Filtered]"), ("X-Twice", "1"), ("X-Twice", "2"))
    assert first.request.body == b'{"amount": "10", "phone_number": "254712345678"}'
    assert first.response is not None
    assert (first.response.status, first.response.body, first.response.truncated) == (
        401,
        b'{"detail":"Invalid api token"}',
        False,
    )


def test_the_recording_time_is_read_where_there_is_one(cassette: cassettes.Cassette) -> None:
    first, unanswered = cassette.interactions[:2]
    assert first.recorded_at == datetime(2026, 11, 29, 3, 54, 18, 690986, tzinfo=UTC)
    assert unanswered.recorded_at is None


def test_no_reply_is_none(cassette: cassettes.Cassette) -> None:
    unanswered = cassette.interactions[1]
    assert (
        unanswered.response is None and unanswered.request.body == b"" and unanswered.request.method == "GET"
    )


def test_preserved_bytes_and_truncation_are_read(cassette: cassettes.Cassette) -> None:
    preserved = cassette.interactions[2]
    assert preserved.request.body == b"\x00\xff" and preserved.request.headers == ()
    assert (
        preserved.response is not None and preserved.response.body == b"{}" and preserved.response.truncated
    )


def test_replayed_reply_drops_the_recorded_framing(cassette: cassettes.Cassette) -> None:
    """The recorded Content-Length (999) is not the body's; httpx frames the replay itself."""
    response = cassette.interactions[0].response
    assert response is not None
    replayed = response.to_httpx()
    assert replayed.status_code == 401 and replayed.json() == {"detail": "Invalid api token"}
    assert replayed.headers["content-type"] == "application/json"
    assert replayed.headers["content-length"] == str(len(response.body))


def test_a_file_that_is_not_a_cassette_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("openapi: 3.1.0\n")
    with pytest.raises(ValueError, match="not a schemathesis VCR cassette"):
        cassettes.load(path)
