"""Off loopback, the guard's terms hold on the wire: the run reaches a stand-in for the real
sandbox (the emulator, through it as a forward proxy, under a non-loopback host name) and every
accepted push went to the test phone, no more of them than allowed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests.conftest import TEST_KEY
from kulmipay_toolkit import cassettes
from kulmipay_toolkit.conformance.options import Options
from kulmipay_toolkit.conformance.runner import run
from kulmipay_toolkit.emulator import RunningEmulator, Settings
from kulmipay_toolkit.guard import UNREACHABLE_PHONE

HOST = "sandbox-under-test.invalid"
TEST_PHONE = "254708374149"
MAX_PUSHES = 4


@pytest.fixture(params=[None, "ignores-auth"], ids=["faithful", "ignores-auth"])
def stand_in(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[RunningEmulator]:
    """A sandbox that ignores auth too: checks that re-send bodies without the key must not
    turn into pushes past the cap."""
    with RunningEmulator(Settings(seed=3, fault=request.param)) as emulator:
        for name in ("HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, f"http://127.0.0.1:{emulator.port}")
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "")
        yield emulator


def test_positive_pushes_only_reach_the_test_phone_and_are_capped(
    stand_in: RunningEmulator, tmp_path: Path
) -> None:
    outcome = run(
        Options(
            base_url=f"http://{HOST}/api/v1",
            token=TEST_KEY,
            test_phone=TEST_PHONE,
            max_pushes=MAX_PUSHES,
            allowed_hosts=(HOST,),
            rate_limit="100/s",
            max_examples=15,
            seed=5,
            report_dir=tmp_path / "reports",
            quiet=True,
        )
    )
    if stand_in.sandbox.settings.fault is None:
        assert outcome.exit_code == 0, outcome.summary.read_text()

    # What the server accepted: every invoice it issued.
    accounts = [invoice["account"] for invoice in stand_in.sandbox.book.invoices._items.values()]
    assert accounts and set(accounts) == {TEST_PHONE}
    assert len(accounts) <= MAX_PUSHES

    # What was sent at all: no request carried a dialable number other than the test phone.
    interactions = cassettes.load(tmp_path / "reports" / "cassette.yaml").interactions
    numbers = set()
    for interaction in interactions:
        try:
            body = json.loads(interaction.request.body or b"null")
        except ValueError:
            continue  # not JSON: no phone number a server could read
        if isinstance(body, dict) and "phone_number" in body:
            numbers |= set(re.findall(r"\d{7,}", str(body["phone_number"])))
    assert numbers <= {TEST_PHONE, UNREACHABLE_PHONE}, numbers
    assert all(interaction.phase != "examples" for interaction in interactions)
