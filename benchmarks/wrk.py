"""Load with wrk (Debian's package): one thread, C keep-alive connections, a fixed duration, the
STK push POST from a Lua script that also prints wrk's own latency percentiles as JSON."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

from .stats import LoadResult
from .workload import TOKEN, body_bytes

# wrk counts statuses above 399 in errors.status; connect/read/write/timeout errors separately.
SCRIPT = """\
wrk.method = "POST"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"non_2xx":%d,"errors":%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
"""


def binary() -> str | None:
    return shutil.which("wrk")


def version() -> str | None:
    found = binary()
    if found is None:
        return None
    # `wrk -v` prints "wrk debian/4.1.0-3+b2 [epoll] Copyright ..." and exits non-zero.
    shown = subprocess.run([found, "-v"], capture_output=True, text=True, check=False)
    first = (shown.stdout or shown.stderr).splitlines()
    return first[0].split(" Copyright")[0].strip() if first else "wrk"


def write_script(directory: Path) -> Path:
    body = body_bytes().decode()
    assert "'" not in body and "\\" not in body  # it sits in a Lua single-quoted string as is
    path = directory / "stk_push.lua"
    path.write_text(SCRIPT.format(body=body, token=TOKEN))
    return path


def run(url: str, *, connections: int, duration: float, script: Path) -> LoadResult:
    found = binary()
    if found is None:
        raise RuntimeError("wrk is not installed")
    seconds = max(1, math.ceil(duration))  # wrk takes whole seconds
    command = [found, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    found_json = json.loads(lines[-1])
    return LoadResult(
        requests=found_json["requests"],
        seconds=found_json["duration_us"] / 1e6,
        p50_ms=found_json["p50_us"] / 1000,
        p99_ms=found_json["p99_us"] / 1000,
        non_2xx=found_json["non_2xx"],
        errors=found_json["errors"],
        tool="wrk",
    )
