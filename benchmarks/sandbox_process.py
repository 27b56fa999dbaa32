"""The emulator in the foreground, with or without its access log, optionally under cProfile.

`python -m benchmarks.sandbox_process --port P [--access-log] [--profile FILE]`. `kulmipay-toolkit
sandbox` always logs a line per request; this runs the same app (seed 1) without it, so that the
emulator can be compared with Prism at matched logging, and profiled. With --profile, profiling
starts on SIGUSR1 (after a warm-up: start-up, spec loading and first-request caches would otherwise
be charged to the requests) and the stats are written when it is stopped with SIGINT."""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import signal
from collections.abc import Sequence
from pathlib import Path

from kulmipay_toolkit.emulator.pipeline import Settings
from kulmipay_toolkit.emulator.server import serve


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sandbox_process")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--access-log", action="store_true", help="one line per request, as the CLI does")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats here on exit")
    args = parser.parse_args(argv)
    settings = Settings(seed=1)
    if args.profile is None:
        serve(settings, args.port, access_log=args.access_log)
        return
    profiler = cProfile.Profile()
    # The handler runs on the main thread, which is the one running the event loop: the one to profile.
    signal.signal(signal.SIGUSR1, lambda number, frame: profiler.enable())
    try:
        serve(settings, args.port, access_log=args.access_log)
    finally:
        # uvicorn re-raises the SIGINT it stopped on once it has shut down: dump before that escapes.
        profiler.disable()
        profiler.dump_stats(str(args.profile))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):  # how it is told to stop
        main()
