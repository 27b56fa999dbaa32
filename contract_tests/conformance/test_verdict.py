"""`conformance/verdict.py`: `decide` gives one verdict per run from its evidence, with the
reasons, and the exit codes CI scripts branch on stay fixed."""

from __future__ import annotations

from contract_tests.support.reports import check_row
from kulmipay_toolkit.conformance.verdict import Evidence, Verdict, decide


def test_verdicts_keep_their_exit_codes() -> None:
    """The exit codes CI scripts branch on are fixed."""
    assert {verdict.name: int(verdict) for verdict in Verdict} == {
        "CONFORMANT": 0,
        "VIOLATION": 1,
        "USAGE_ERROR": 2,
        "INCONCLUSIVE": 3,
        "UNREACHABLE": 4,
        "INTERRUPTED": 130,
    }


def test_every_check_judged_and_none_failed_is_conformant() -> None:
    """CONFORMANT needs every required row judged and no failure; it gives no reasons."""
    evidence = Evidence(rows=[check_row(), check_row("not_a_server_error", judged=40)])
    assert decide(evidence) == (Verdict.CONFORMANT, [])


def test_a_failed_row_is_a_violation_that_names_the_check() -> None:
    """Any failure is a VIOLATION, even when another check judged nothing; the reason names it."""
    evidence = Evidence(
        rows=[check_row(failed=2), check_row("api_ref_is_echoed", judged=0, not_judged_because="no 200")]
    )
    verdict, reasons = decide(evidence)
    assert verdict is Verdict.VIOLATION
    assert [reason for reason in reasons if "currency_is_kes" in reason and "2 failed" in reason], reasons


def test_a_required_check_that_judged_nothing_makes_the_run_inconclusive() -> None:
    """A required row judged 0 times is INCONCLUSIVE, and the reason names the row and why."""
    evidence = Evidence(
        rows=[check_row(), check_row("api_ref_is_echoed", judged=0, not_judged_because="no 200 came")]
    )
    verdict, reasons = decide(evidence)
    assert verdict is Verdict.INCONCLUSIVE
    named = [reason for reason in reasons if "api_ref_is_echoed" in reason and "no 200 came" in reason]
    assert named, reasons
    assert not [reason for reason in reasons if "currency_is_kes" in reason], reasons


def test_an_optional_check_that_judged_nothing_does_not_make_the_run_inconclusive() -> None:
    """`required=False` judged 0 is "not applicable", not a reason to withhold CONFORMANT."""
    optional = check_row(
        "response_headers_conformance", judged=0, required=False, not_judged_because="no 405"
    )
    assert optional.status == "not applicable"
    assert decide(Evidence(rows=[check_row(), optional])) == (Verdict.CONFORMANT, [])


def test_an_incomplete_run_is_inconclusive_with_its_reason() -> None:
    """A run that could not judge everything (e.g. `st` stopped) never passes."""
    evidence = Evidence(rows=[check_row()], incomplete=["schemathesis exited 2"])
    assert decide(evidence) == (Verdict.INCONCLUSIVE, ["schemathesis exited 2"])


def test_unreachable_wins_over_what_the_rows_say() -> None:
    """A target that never answered is UNREACHABLE, with that one reason, whatever the rows hold."""
    evidence = Evidence(rows=[check_row(failed=1), check_row("x", judged=0)], unreachable="cannot connect")
    assert decide(evidence) == (Verdict.UNREACHABLE, ["cannot connect"])


def test_interrupted_wins_over_everything() -> None:
    """A stopped run is INTERRUPTED even if it also failed checks or reached nothing."""
    evidence = Evidence(
        rows=[check_row(failed=1)],
        unreachable="cannot connect",
        incomplete=["st exited 2"],
        interrupted="interrupted by SIGTERM",
    )
    assert decide(evidence) == (Verdict.INTERRUPTED, ["interrupted by SIGTERM"])
