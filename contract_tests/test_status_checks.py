"""Direct tests of the lifecycle checks (`kulmipay_toolkit/status_checks.py`), each called as
schemathesis calls it, `(ctx, response, case)`, on a run's worth of exchanges built from the
spec's examples: its push (the minimal request example with the full one's `api_ref`, answered by
`PendingPush`) and its status reads (`pending`, `processing`, `complete`, `failed`), each edited to
break one rule. None means judged and passed, True not judged; a broken rule raises
`DomainRuleBroken`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

import pytest
from schemathesis import Response
from schemathesis.checks import CHECKS

from contract_tests.support.exchanges import (
    MISSING,
    PUSH,
    SKIPPED,
    STATUS,
    AnyCase,
    CheckFunction,
    check_context,
    edited,
    operation,
    push_request,
    reply_example,
    response,
)
from kulmipay_toolkit import spec, status_checks
from kulmipay_toolkit.checks import DomainRuleBroken
from kulmipay_toolkit.spec import JSON

STATES: Final = ("pending", "processing", "complete", "failed")  # the status reply examples


def pushed(edits: Mapping[str, object] | None = None) -> tuple[Response, AnyCase]:
    """The spec's push exchange (its `PendingPush` writes `10` where the status examples write
    `10.00`: the same money)."""
    reply = edited(reply_example(PUSH, "pending"), dict(edits or {}))
    return response(200, reply, PUSH), operation(PUSH).Case(body=push_request())


def read(
    state: str = "pending", edits: Mapping[str, object] | None = None, *, status: int = 200, **request: object
) -> tuple[Response, AnyCase]:
    """A status read of the pushed invoice (the spec's request example, with `request` changes)
    answered `status` with the spec's `state` reply example, edited."""
    body = edited(spec.request_examples(STATUS)[0], request)
    return response(status, edited(reply_example(STATUS, state), edits or {}), STATUS), operation(
        STATUS
    ).Case(body=body)


def see(check: Any, exchange: tuple[Response, AnyCase]) -> bool | None:
    """Hands one exchange to a check (a class-based check's instance, or a function)."""
    judge: CheckFunction = check.after_response if hasattr(check, "after_response") else check
    return judge(check_context(), *exchange)


def test_the_spec_examples_are_one_invoice() -> None:
    """The exchanges below not being about one invoice: every read would skip as never pushed."""
    invoice_id = pushed()[0].json()["invoice"]["invoice_id"]
    assert spec.request_examples(STATUS)[0]["invoice_id"] == invoice_id
    assert {read(state)[0].json()["invoice"]["invoice_id"] for state in STATES} == {invoice_id}


# --- the pure judgements ---------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_every_status_example_has_the_fields_of_its_state(state: str) -> None:
    """A state-field rule that flags the spec's own examples."""
    assert status_checks.state_field_problems(reply_example(STATUS, state)["invoice"]) == []


@pytest.mark.parametrize(
    ("state", "edits", "says"),
    [
        ("complete", {"mpesa_reference": None}, "mpesa_reference is None in state COMPLETE; it must be set"),
        ("pending", {"mpesa_reference": "SKL7H2M9QX"}, "mpesa_reference is 'SKL7H2M9QX' in state PENDING"),
        ("failed", {"failed_code": None}, "failed_code is None in state FAILED; it must be set"),
        ("failed", {"failed_reason": MISSING}, "failed_reason is None in state FAILED"),
        ("complete", {"failed_reason": "Request cancelled by user"}, "in state COMPLETE; it must be null"),
        ("processing", {"failed_code": "1032"}, "failed_code is '1032' in state PROCESSING"),
    ],
    ids=[
        "receipt-missing",
        "receipt-early",
        "code-missing",
        "reason-absent",
        "reason-on-success",
        "code-early",
    ],
)
def test_a_field_set_in_the_wrong_state_is_a_problem(state: str, edits: JSON, says: str) -> None:
    """A receipt before COMPLETE, or a failure without its code, going unreported."""
    invoice = edited(reply_example(STATUS, state)["invoice"], edits)
    assert [problem for problem in status_checks.state_field_problems(invoice) if says in problem]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("PENDING", "PENDING"),
        ("PENDING", "PROCESSING"),
        ("PENDING", "COMPLETE"),  # a poll may miss PROCESSING
        ("PENDING", "FAILED"),
        ("PROCESSING", "COMPLETE"),
        ("COMPLETE", "COMPLETE"),
    ],
)
def test_forward_moves_are_legal(before: str, after: str) -> None:
    """A legal lifecycle (or a poll that skipped a state) reported as broken."""
    assert status_checks.transition_problem(before, after) is None


@pytest.mark.parametrize(
    ("before", "after"),
    [("PROCESSING", "PENDING"), ("COMPLETE", "PENDING"), ("COMPLETE", "FAILED"), ("FAILED", "COMPLETE")],
)
def test_going_back_or_leaving_a_final_state_is_not(before: str, after: str) -> None:
    """A paid invoice turning FAILED (or back to PENDING) going unreported."""
    assert status_checks.transition_problem(before, after) == (
        f"state went from {before} to {after}, which the spec's state machine does not allow"
    )


def test_agreement_compares_only_what_never_changes_and_the_push_had() -> None:
    """State or timestamps flagged as changed, or a changed money field, api_ref or account let by."""
    push = pushed()[0].json()["invoice"]
    later = read("complete")[0].json()["invoice"]  # state, receipt, clearing, updated_at all moved on
    assert status_checks.agreement_problems(push, later) == []
    changed = edited(later, {"api_ref": "order-9999", "charges": "0.31", "account": "254700000009"})
    assert [problem.split(" is ")[0] for problem in status_checks.agreement_problems(push, changed)] == [
        "invoice.charges",
        "invoice.account",
        "invoice.api_ref",
    ]
    without = {name: value for name, value in push.items() if name != "api_ref"}
    assert (
        status_checks.agreement_problems(without, changed)
        == status_checks.agreement_problems(push, changed)[:2]
    )


# --- status_agrees_with_push ------------------------------------------------------------------------


def test_a_read_that_agrees_with_the_push_passes() -> None:
    """The push itself judged, or a faithful read failed."""
    check = status_checks.status_agrees_with_push()
    assert see(check, pushed()) is SKIPPED
    assert see(check, read("complete")) is None


@pytest.mark.parametrize(
    ("edits", "says"),
    [
        (
            {"invoice.net_amount": "10.00"},
            "invoice.net_amount is '10.00' on the status read, '9.70' on the push",
        ),
        ({"invoice.api_ref": "order-9999"}, "invoice.api_ref is 'order-9999'"),
        ({"invoice.invoice_id": "QZ7L0RL"}, "asked for invoice 'QZ7L0RK', got 'QZ7L0RL'"),
    ],
    ids=["money-changed", "api_ref-changed", "another-invoice"],
)
def test_a_read_that_disagrees_with_the_push_fails(edits: JSON, says: str) -> None:
    """A status read showing other money, another reference or another invoice going unreported."""
    check = status_checks.status_agrees_with_push()
    see(check, pushed())
    with pytest.raises(DomainRuleBroken, match="status_agrees_with_push: ") as broken:
        see(check, read("processing", edits))
    assert says in broken.value.message


@pytest.mark.parametrize(
    "exchange",
    [
        pytest.param(
            lambda: read("complete", {"invoice.api_ref": "x"}, invoice_id="QZ7L0RZ"), id="never-pushed"
        ),
        pytest.param(lambda: read("complete", {"invoice.api_ref": "x"}, status=404), id="404"),
        pytest.param(lambda: read("complete", {"invoice.api_ref": "x"}, invoice_id=""), id="invalid-read"),
        pytest.param(lambda: read("complete", {"invoice": None}), id="no-invoice"),
    ],
)
def test_agreement_judges_only_reads_of_pushed_invoices(
    exchange: Callable[[], tuple[Response, AnyCase]],
) -> None:
    """Reads of other invoices, errors or invalid requests judged against the push."""
    check = status_checks.status_agrees_with_push()
    see(check, pushed())
    assert see(check, exchange()) is SKIPPED


# --- transitions_are_legal ---------------------------------------------------------------------------


def test_a_lifecycle_read_in_order_passes_and_a_step_back_fails() -> None:
    """Reads compared with the push instead of the previous read, or a COMPLETE-to-PENDING let by."""
    check = status_checks.transitions_are_legal()
    assert see(check, pushed()) is SKIPPED
    assert see(check, read("processing")) is None
    assert see(check, read("complete")) is None
    with pytest.raises(DomainRuleBroken, match="state went from COMPLETE to PENDING"):
        see(check, read("pending"))


def test_an_invoice_first_seen_on_a_read_is_judged_from_that_read() -> None:
    """A read of an invoice pushed outside schemathesis (the probe's) never judged, or judged from nothing."""
    check = status_checks.transitions_are_legal()
    assert see(check, read("failed")) is SKIPPED
    with pytest.raises(DomainRuleBroken, match="from FAILED to COMPLETE"):
        see(check, read("complete"))


def test_a_read_without_a_state_is_not_judged_and_not_remembered() -> None:
    """A stateless read taken as a transition, or wiping what the last read said."""
    check = status_checks.transitions_are_legal()
    see(check, pushed({"invoice.state": "PROCESSING"}))
    assert see(check, read("pending", {"invoice.state": MISSING})) is SKIPPED
    with pytest.raises(DomainRuleBroken, match="from PROCESSING to PENDING"):
        see(check, read("pending"))


# --- state_fields_match_state ------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_every_example_reply_passes_the_state_fields_check(state: str) -> None:
    """The check skipping status reads (or the push) instead of judging them."""
    assert see(status_checks.state_fields_match_state, read(state)) is None
    assert see(status_checks.state_fields_match_state, pushed()) is None


@pytest.mark.parametrize(
    "exchange",
    [
        pytest.param(
            lambda: read("complete", {"invoice.mpesa_reference": None}), id="read-complete-without-receipt"
        ),
        pytest.param(lambda: pushed({"invoice.mpesa_reference": "SKL7H2M9QX"}), id="push-with-receipt"),
        pytest.param(lambda: pushed({"invoice.failed_code": "1032"}), id="push-with-failure-code"),
    ],
)
def test_a_reply_with_a_field_out_of_its_state_fails(
    exchange: Callable[[], tuple[Response, AnyCase]],
) -> None:
    """A receipt on a pending push, or a COMPLETE read without one, going unreported."""
    with pytest.raises(DomainRuleBroken, match="state_fields_match_state: "):
        see(status_checks.state_fields_match_state, exchange())


@pytest.mark.parametrize(
    "exchange",
    [
        pytest.param(
            lambda: read("complete", {"invoice.mpesa_reference": None, "invoice.state": MISSING}),
            id="no-state",
        ),
        pytest.param(lambda: read("complete", {"invoice.mpesa_reference": None}, status=500), id="500"),
        pytest.param(
            lambda: read("complete", {"invoice.mpesa_reference": None}, invoice_id=""), id="invalid-read"
        ),
    ],
)
def test_the_state_fields_check_skips_what_it_cannot_judge(
    exchange: Callable[[], tuple[Response, AnyCase]],
) -> None:
    """A stateless invoice, an error reply or an invalid request judged (and failed)."""
    assert see(status_checks.state_fields_match_state, exchange()) is SKIPPED


# --- unknown_invoice_is_not_found ---------------------------------------------------------------------


def test_a_made_up_invoice_for_a_never_pushed_id_fails() -> None:
    """A server inventing an invoice for any id going unreported."""
    check = status_checks.unknown_invoice_is_not_found()
    with pytest.raises(
        DomainRuleBroken, match="'QZ7L0RK' was never pushed, yet the status read answered 200"
    ):
        see(check, read())


def test_404_for_a_never_pushed_id_passes() -> None:
    """The right answer to an unknown id failed, or not judged at all."""
    assert see(status_checks.unknown_invoice_is_not_found(), read(status=404)) is None


@pytest.mark.parametrize(
    "request_changes",
    [{"invoice_id": ""}, {"checkout_id": "6f1c2a9e"}, {"invoice_id": 42}],
    ids=["empty-id", "checkout-without-signature", "id-not-a-string"],
)
def test_an_invalid_read_is_not_judged(request_changes: JSON) -> None:
    """A read the server rightly refuses taken as one about an unknown invoice."""
    assert see(status_checks.unknown_invoice_is_not_found(), read(**request_changes)) is SKIPPED


@pytest.mark.parametrize("status", [400, 401, 429, 500, 503])
def test_a_read_refused_before_the_look_up_is_not_judged(status: int) -> None:
    """An auth, throttling or server error counted as the answer about an unknown invoice."""
    assert see(status_checks.unknown_invoice_is_not_found(), read(status=status)) is SKIPPED


@pytest.mark.parametrize(
    "changes", [{"method": "GET"}, {"media_type": "text/plain"}], ids=["method-get", "text-plain"]
)
def test_a_malformed_read_is_not_judged(changes: dict[str, str]) -> None:
    """A read the server cannot look up (wrong method or media type) failed for not answering 404."""
    response_, valid = read()
    malformed = operation(STATUS).Case(body=valid.body, **changes)  # type: ignore[arg-type]
    assert see(status_checks.unknown_invoice_is_not_found(), (response_, malformed)) is SKIPPED


def test_a_pushed_invoice_is_not_unknown() -> None:
    """The run's own pushed invoice reported as made up."""
    check = status_checks.unknown_invoice_is_not_found()
    assert see(check, pushed()) is SKIPPED
    assert see(check, read()) is SKIPPED


def test_every_lifecycle_check_is_registered_and_tested_here() -> None:
    """A check the run asks for by name that schemathesis does not know, or one added without a test here."""
    assert set(status_checks.CHECK_NAMES) <= set(CHECKS.get_all_names())
    tested = {
        "status_agrees_with_push",
        "transitions_are_legal",
        "state_fields_match_state",
        "unknown_invoice_is_not_found",
    }
    assert set(status_checks.CHECK_NAMES) == tested


# --- bugs these tests found (fixed with them) ---


def test_the_spec_examples_as_they_stand_agree() -> None:
    """`10` on the push and `10.00` on the read reported as a changed amount."""
    check = status_checks.status_agrees_with_push()
    see(check, pushed())
    assert see(check, read("pending")) is None
