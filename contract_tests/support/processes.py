"""A subprocess's output, read line by line as it comes, so that a test can wait for a line (the
event it is after: "listening", "st started") instead of sleeping, and a full pipe never stalls
the process."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import IO


class Lines:
    """Every line read so far from `stream` (a text pipe), by a thread of its own, which closes
    the stream once it ends."""

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None, "the process was started without a pipe for this stream"
        self._lines: list[str] = []
        self._ended = False
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), name="lines", daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        try:
            for line in stream:
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()
        finally:
            stream.close()
            with self._changed:
                self._ended = True
                self._changed.notify_all()

    def wait_for(self, wanted: Callable[[str], bool], timeout: float) -> str | None:
        """The first line `wanted` accepts, waiting up to `timeout` seconds for it; None if the
        stream ends (the process closed it, or exited) or the time is up first."""

        def found() -> str | None:
            return next((line for line in self._lines if wanted(line)), None)

        with self._changed:
            self._changed.wait_for(lambda: self._ended or found() is not None, timeout)
            return found()

    def text(self, timeout: float = 10) -> str:
        """All of it, once the stream has ended (call after the process exited)."""
        self._thread.join(timeout)
        with self._changed:
            return "".join(self._lines)
