"""`conformance/results.py`: schemathesis's structured report (`st --report ndjson`), read back. The
lines here are shaped as schemathesis 4 writes them (a `ScenarioFinished` whose recorder holds the
cases, their interactions and their checks; bodies as `{"$base64": ...}`). Per check it counts
what the check judged, leaving out what it was recorded as passing without applying to, answers
the egress gate made itself, and exchanges that got no answer; it keeps a few failures per check
with the request to reproduce them, and the invoices of accepted pushes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Final

from contract_tests.support import VALID_PUSH
from kulmipay_toolkit import gate, spec
from kulmipay_toolkit.conformance.results import REPRODUCTIONS_PER_CHECK, Sent, read

PUSH: Final = spec.stk_push_path()
URI: Final = "http://127.0.0.1:8765/api/v1" + PUSH
INVOICE: Final = {"invoice_id": "ABC1234", "state": "PENDING"}


def _base64(data: Any) -> dict[str, str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return {"$base64": base64.b64encode(raw).decode()}


def _case(
    case_id: str,
    status: int | None,
    checks: list[tuple[str, str | None]],
    *,
    mode: str = "positive",
    path: str = PUSH,
    body: Any = VALID_PUSH,
    reply: Any = None,
    gate_answered: bool = False,
) -> dict[str, Any]:
    """One case of a recorder: its value, its interaction and its checks; a check is (name, None)
    when it passed, (name, failure title) when it failed."""
    response = None
    if status is not None:
        headers = {"content-type": ["application/json"]} | (
            {gate.HEADER: ["refused"]} if gate_answered else {}
        )
        response = {"status_code": status, "headers": headers, "content": _base64(reply or {"detail": "x"})}
    request = {
        "method": "POST",
        "uri": URI,
        "headers": {"Authorization": ["[Filtered]"], "Content-Type": ["application/json"]},
        "body": _base64(body),
    }
    return {
        "id": case_id,
        "value": {
            "method": "POST",
            "path": path,
            "body": body,
            "meta": {"generation": {"mode": mode}, "phase": {"name": "fuzzing", "data": {}}},
        },
        "interaction": {"request": request} | ({"response": response} if response else {}),
        "checks": [
            {"name": name, "status": "success"}
            if title is None
            else {
                "name": name,
                "status": "failure",
                "failure_info": {"failure": {"title": title, "message": f"{title}, in detail"}},
            }
            for name, title in checks
        ],
    }


def _scenario(*cases: dict[str, Any]) -> str:
    recorder = {
        "label": "POST /payment/mpesa-stk-push/",
        "cases": {case["id"]: {"value": case["value"], "is_transition_applied": False} for case in cases},
        "checks": {case["id"]: case["checks"] for case in cases},
        "interactions": {case["id"]: case["interaction"] for case in cases},
    }
    return json.dumps({"ScenarioFinished": {"phase": "fuzzing", "status": "success", "recorder": recorder}})


FINISHED: Final = json.dumps({"EngineFinished": {"running_time": 1.0}})


def _report(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_check_counts_what_it_judged_and_only_what_was_asked_for(tmp_path: Path) -> None:
    """A pass recorded where a built-in does not apply counted, a check not asked for tallied, a fail lost."""
    report = _report(
        tmp_path,
        _scenario(
            _case("p1", 200, [("currency_is_kes", None), ("positive_data_acceptance", None)]),
            _case("p2", 200, [("currency_is_kes", "KSH"), ("max_response_time", None)]),
            _case(
                "n1",
                400,
                [("negative_data_rejection", None), ("positive_data_acceptance", None)],
                mode="negative",
            ),
        ),
        FINISHED,
    )
    asked = ["currency_is_kes", "positive_data_acceptance", "negative_data_rejection", "not_a_server_error"]
    results = read(report, asked)
    judged = {name: (tally.judged, tally.failed) for name, tally in results.tallies.items()}
    assert judged == {
        "currency_is_kes": (2, 1),
        "positive_data_acceptance": (1, 0),
        "negative_data_rejection": (1, 0),
        "not_a_server_error": (0, 0),
    }
    assert (results.exchanges, dict(results.positive_statuses), results.finished) == (3, {200: 2}, True)


def test_gate_answers_lost_requests_and_broken_lines_are_no_exchanges(tmp_path: Path) -> None:
    """The gate's refusals judged as the server's, unanswered requests counted, or a cut line crashing."""
    report = _report(
        tmp_path,
        _scenario(
            _case("g1", 403, [("not_a_server_error", None)], gate_answered=True),
            _case("lost", None, [("not_a_server_error", None)]),
        ),
        json.dumps({"NonFatalError": {"value": {"type": "ReadTimeout", "message": "timed out"}}}),
        json.dumps({"FatalError": {"exception": {"type": "RuntimeError", "message": "engine broke"}}}),
        '{"ScenarioFinished": {"recorder": {"cases": {"cut',
    )
    results = read(report, ["not_a_server_error"])
    assert (results.exchanges, results.answered_by_gate, results.tallies["not_a_server_error"].judged) == (
        0,
        1,
        0,
    )
    assert dict(results.network_errors) == {"ReadTimeout: timed out": 1}
    assert len(results.engine_errors) == 1 and "engine broke" in results.engine_errors[0]
    assert results.finished is False  # no EngineFinished: schemathesis never got to the end


def test_a_case_recorded_in_two_scenarios_counts_once(tmp_path: Path) -> None:
    """An exchange schemathesis reports again (a later scenario's recorder) judged twice."""
    again = _case("p1", 200, [("currency_is_kes", "KSH")])
    results = read(_report(tmp_path, _scenario(again), _scenario(again)), ["currency_is_kes"])
    assert (results.exchanges, results.tallies["currency_is_kes"].failed, len(results.failures)) == (1, 1, 1)


def test_a_few_distinct_failures_per_check_are_kept_with_their_request(tmp_path: Path) -> None:
    """A report flooded with one failure over and over, or a reproduction without the request sent."""
    titles = ["KSH", "KSH", "USD", "EUR", "TZS"]
    cases = [_case(f"c{index}", 200, [("currency_is_kes", title)]) for index, title in enumerate(titles)]
    results = read(_report(tmp_path, _scenario(*cases)), ["currency_is_kes"])
    assert results.tallies["currency_is_kes"].failed == len(titles)
    distinct = ["KSH", "USD", "EUR", "TZS"]
    assert [failure.title for failure in results.failures] == distinct[:REPRODUCTIONS_PER_CHECK]
    first = results.failures[0]
    assert (first.check, first.message, first.status) == ("currency_is_kes", "KSH, in detail", 200)
    assert first.request == Sent(
        "POST",
        URI,
        (("Authorization", "[Filtered]"), ("Content-Type", "application/json")),
        json.dumps(VALID_PUSH).encode(),
    )


def test_only_accepted_valid_pushes_give_invoices_to_follow(tmp_path: Path) -> None:
    """The lifecycle probe sent after invoices never created (refused, invalid, a status read) or lost."""
    reply = {"invoice": INVOICE}
    report = _report(
        tmp_path,
        _scenario(
            _case("accepted", 200, [], reply=reply),
            _case("refused", 401, [], reply=reply),
            _case("invalid", 200, [], body={**VALID_PUSH, "amount": "0"}, reply=reply),
            _case("status", 200, [], path=spec.status_path(), body={"invoice_id": "ABC1234"}, reply=reply),
            _case("unreadable", 200, [], reply=b"<html>"),
        ),
    )
    assert read(report, []).pushed == [INVOICE]


def test_a_missing_report_reads_as_nothing_judged_and_unfinished(tmp_path: Path) -> None:
    """A run whose `st` never wrote its report read as a crash, or as a finished run."""
    results = read(tmp_path / "never-written.ndjson", ["currency_is_kes"])
    assert results.tallies["currency_is_kes"].judged == 0
    assert (results.exchanges, results.finished, results.failures) == (0, False, [])
