"""Fixtures of the conformance tests: a recording server on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from contract_tests.support.recorder import Recorder


@pytest.fixture()
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
