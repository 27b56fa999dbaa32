"""`identity.py`: the handshake that proves a server is this toolkit's emulator (the only target
trusted with an unlimited run). The emulator's answer to a fresh nonce passes; a server that echoes
the nonce without the proof, replays an old answer, answers anything else, or does not answer at
all does not. The nonce is letters only, new for every handshake. Over loopback, with a scripted
server standing in for the impostors."""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from typing import Any, Final
from urllib.parse import parse_qs

import pytest
from starlette.types import Receive, Scope, Send

from contract_tests.support.network import reserved_port
from kulmipay_toolkit import identity
from kulmipay_toolkit.emulator import RunningEmulator
from kulmipay_toolkit.loopback import LoopbackServer

Answer = Callable[[str], tuple[int, Any]]  # nonce -> (status, JSON body, or raw bytes)


NOT_FOUND: Final = (404, {"detail": "Not found."})


class Scripted:
    """An ASGI server that answers the handshake's path as `answer` says (any other path 404), and
    keeps the nonces it got."""

    def __init__(self) -> None:
        self.answer: Answer = lambda nonce: NOT_FOUND
        self.nonces: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        nonce = parse_qs(scope["query_string"].decode()).get("nonce", [""])[0]
        self.nonces.append(nonce)
        status, body = self.answer(nonce) if scope["path"] == identity.PATH else NOT_FOUND
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(raw))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Scripted, str]]:
    """The scripted server and its base URL (an API base path, which the handshake must leave)."""
    scripted = Scripted()
    with LoopbackServer(scripted) as server:
        yield scripted, server.origin + "/api/v1"


@pytest.fixture()
def impostor(served: tuple[Scripted, str]) -> tuple[Scripted, str]:
    """The scripted server with no nonce seen yet; each test scripts its answer."""
    served[0].nonces.clear()
    return served


def test_the_emulator_proves_itself_and_says_its_clock(emulator: RunningEmulator) -> None:
    """The emulator refused its own full run, or a runner that cannot tell a clock it may move."""
    answer = identity.handshake(emulator.base_url)
    assert answer is not None
    assert (answer["emulator"], answer["clock"]) == (identity.NAME, "real")
    assert answer["proof"] == identity.proof(answer["nonce"])
    assert identity.is_toolkit_emulator(emulator.base_url)
    assert identity.answer("abc", manual_clock=True)["clock"] == "manual"


IMPOSTORS: dict[str, Answer] = {
    "echoes-the-nonce": lambda nonce: (
        200,
        {**identity.answer(nonce, manual_clock=False), "proof": "0" * 64},
    ),
    "replays-an-old-answer": lambda nonce: (200, identity.answer("a" * 32, manual_clock=False)),
    "proof-of-another-nonce": lambda nonce: (
        200,
        {**identity.answer(nonce, manual_clock=False), "proof": identity.proof(nonce + "x")},
    ),
    "carries-another-nonce": lambda nonce: (
        200,
        {**identity.answer(nonce, manual_clock=False), "nonce": "b" * 32},
    ),
    "right-answer-wrong-status": lambda nonce: (404, identity.answer(nonce, manual_clock=False)),
    "not-json": lambda nonce: (200, b"<html>KulmiPay</html>"),
    "a-list": lambda nonce: (200, [identity.answer(nonce, manual_clock=False)]),
}


@pytest.mark.parametrize("answer", IMPOSTORS.values(), ids=IMPOSTORS.keys())
def test_anything_but_the_proof_for_this_nonce_is_no(impostor: tuple[Scripted, str], answer: Answer) -> None:
    """An impostor (proxy, static page, replay) trusted with unlimited pushes, or a crash on its answer."""
    scripted, base_url = impostor
    scripted.answer = answer
    assert identity.handshake(base_url) is None
    assert len(scripted.nonces) == 1  # one GET, and it did reach the server


def test_an_honest_answer_passes_and_each_handshake_has_a_fresh_letters_only_nonce(
    impostor: tuple[Scripted, str],
) -> None:
    """A reused nonce (replayable), one with digits (reads as a phone), or a GET below the base path."""
    scripted, base_url = impostor
    scripted.answer = lambda nonce: (200, identity.answer(nonce, manual_clock=True))
    assert identity.handshake(base_url) is not None and identity.handshake(base_url) is not None
    first, second = scripted.nonces
    assert first != second
    assert all(len(nonce) == 32 and set(nonce) <= set(string.ascii_lowercase) for nonce in (first, second))
    assert identity.identity_url(base_url + "/?page=2") == base_url.removesuffix("/api/v1") + identity.PATH


def test_nothing_listening_is_no_at_once() -> None:
    """A refused connection raised into the run, or waited on."""
    with reserved_port() as port:
        assert identity.handshake(f"http://127.0.0.1:{port}/api/v1", timeout=1) is None
