"""`conformance/options.py`: `validate` turns every mistake in what a run is asked to do into a
`UsageError` naming the option, before anything is sent, and lets every sensible value through
(its edges included). How the command reports a usage error, and that nothing is sent then, is
test_runner.py's."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Final

import pytest

from kulmipay_toolkit.conformance.options import MAX_WORKERS, Options, validate
from kulmipay_toolkit.errors import UsageError

BASE_URL = "https://sandbox.kulmipay.com/api/v1"


MISTAKES: Final = {
    "max-time": ({"max_time": 0}, "--max-time"),
    "workers": ({"workers": MAX_WORKERS + 1}, "--workers"),
    "lifecycle-wait": ({"lifecycle_wait": -0.5}, "--lifecycle-wait"),
    "timeout-zero": ({"request_timeout": 0.0}, "--request-timeout"),
    "timeout-nan": ({"request_timeout": float("nan")}, "--request-timeout"),
    "phase": ({"phases": ("examples", "fuzz")}, "--phases"),
    "fault-remote": ({"base_url": BASE_URL, "fault": "wrong-currency"}, "--fault and --tls"),
    "tls-remote": ({"base_url": BASE_URL, "tls": True}, "--fault and --tls"),
    "ca-file": ({"ca_file": Path("/nonexistent/ca.pem")}, "--ca-file"),
    "fault": ({"fault": "no-such-fault"}, "unknown fault profile 'no-such-fault'"),
}


@pytest.mark.parametrize(("fields", "names"), MISTAKES.values(), ids=MISTAKES.keys())
def test_each_mistake_is_a_usage_error_naming_the_option(
    tmp_path: Path, fields: dict[str, object], names: str
) -> None:
    """A bad value let through to fail mid-run (a NaN timeout, a fault never served), or left unnamed."""
    with pytest.raises(UsageError, match=names):
        validate(replace(Options(report_dir=tmp_path), **fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"max_time": 1, "workers": MAX_WORKERS, "lifecycle_wait": 0.0, "max_examples": 1},
        {"phases": ()},  # the run's own probes only
        {"rate_limit": "5/s", "fault": "wrong-currency", "tls": True},
    ],
    ids=["defaults", "edges", "no-phase", "local-extras"],
)
def test_sensible_values_pass_and_the_report_folder_is_made(
    tmp_path: Path, fields: dict[str, object]
) -> None:
    """A default or an edge value refused, or a report folder left for the run to fail on."""
    report_dir = tmp_path / "reports" / "conformance"
    validate(replace(Options(report_dir=report_dir), **fields))  # type: ignore[arg-type]
    assert report_dir.is_dir()
