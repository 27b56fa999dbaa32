"""Replaying traffic recorded from the emulator (cassettes/emulator.yaml, see README.md): the
generated client parses every recorded reply, and the strict helper agrees with the spec on each."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import respx
from kulmipay_client.models import Error, StkPushResponse, ValidationError

from contract_tests.support import TEST_KEY
from contract_tests.support.calls import Style, new_client, serve, start, valid_push
from contract_tests.support.round_trip import comparable
from kulmipay_toolkit import cassettes, keys, spec
from kulmipay_toolkit.strict import strict_parse

# KULMIPAY_REPLAY_CASSETTE replays another recording, e.g. `reports/conformance/cassette.yaml`
# from a `make conformance` run against any server.
COMMITTED = Path(__file__).parent / "cassettes" / "emulator.yaml"
CASSETTE = Path(os.environ.get("KULMIPAY_REPLAY_CASSETTE") or COMMITTED)
RECORDED = cassettes.load(CASSETTE)
REPLIES = [item for item in RECORDED.interactions if item.response is not None]


def test_cassette_holds_no_key() -> None:
    text = CASSETTE.read_text(encoding="utf-8")
    assert TEST_KEY not in text
    assert keys.TEST_KEY_PREFIX not in text and keys.LIVE_KEY_PREFIX not in text
    authorizations = {
        value
        for item in RECORDED.interactions
        for name, value in item.request.headers
        if name.lower() == "authorization"
    }
    assert authorizations == {"[Filtered]"}


def test_cassette_is_small_and_covers_success_and_errors() -> None:
    if CASSETTE != COMMITTED:
        pytest.skip("the size and coverage budget is the committed cassette's")
    assert CASSETTE.stat().st_size < 200_000
    assert {200, 400, 401} <= {item.response.status for item in REPLIES if item.response is not None}
    assert not any(item.response.truncated for item in REPLIES if item.response is not None)


@pytest.mark.parametrize("interaction", REPLIES, ids=[item.id for item in REPLIES])
def test_recorded_reply_is_parsed_by_generated_client(
    style: Style, router: respx.MockRouter, interaction: cassettes.Interaction
) -> None:
    recorded = interaction.response
    assert recorded is not None
    served = json.loads(recorded.body)
    serve(router, recorded.to_httpx())
    reply = start(style, new_client(), valid_push())
    assert reply.status_code == recorded.status
    if recorded.status == 200:
        assert isinstance(reply.parsed, StkPushResponse)
        schema = spec.response_schema(200)
        assert comparable(reply.parsed.to_dict(), schema) == comparable(served, schema)
    else:
        assert isinstance(reply.parsed, ValidationError if recorded.status == 400 else Error)
        assert reply.parsed.to_dict() == served
    # The emulator conforms, so the strict helper takes every recorded reply as well.
    strict_parsed = strict_parse(recorded.to_httpx())
    assert strict_parsed.to_dict() == reply.parsed.to_dict()
