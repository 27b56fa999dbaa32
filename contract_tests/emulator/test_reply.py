"""`emulator/reply.py`: what a pipeline step answers. A JSON body is sent compact and as UTF-8 (not
`\\u` escapes), raw bytes as they are, and an error is the spec's `{"detail": ...}` with its
headers."""

from __future__ import annotations

import json

from kulmipay_toolkit.emulator.reply import JSON_MEDIA_TYPE, Reply, error


def test_a_json_body_is_compact_utf8() -> None:
    """Non-ASCII text sent as `\\u` escapes, or bodies padded with the default separators."""
    body = {"detail": "Ombi limekataliwa: simu ya Müller", "amount": "10.00"}
    encoded = Reply(400, body).encoded()
    assert encoded == '{"detail":"Ombi limekataliwa: simu ya Müller","amount":"10.00"}'.encode()
    assert json.loads(encoded) == body


def test_bytes_are_sent_as_they_are() -> None:
    """A fault profile's raw body (`empty-body`) re-encoded as JSON or refused: the fault never sent."""
    assert Reply(200, b'{"invoice": ').encoded() == b'{"invoice": '
    assert Reply(200, b"").encoded() == b""


def test_an_error_is_the_specs_detail_with_its_headers() -> None:
    """An error body other than `{"detail": ...}`, or a header (a 405's Allow) lost on the way."""
    reply = error(405, 'Method "GET" not allowed.', Allow="POST")
    assert (reply.status, reply.body, reply.headers) == (
        405,
        {"detail": 'Method "GET" not allowed.'},
        {"Allow": "POST"},
    )
    assert reply.media_type == JSON_MEDIA_TYPE
    assert reply.encoded() == b'{"detail":"Method \\"GET\\" not allowed."}'
