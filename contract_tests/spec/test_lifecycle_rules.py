"""The lifecycle on paper: every timeline in the rules table is a legal walk of the spec's state
machine, its failure codes have reasons and its phones are valid, the machine's terminal states
follow from the enum, and the spec's status examples obey `set-exactly-when`. No sockets."""

from __future__ import annotations

import pytest

from contract_tests.conftest import VALID_PUSH
from kulmipay_toolkit import rules, spec
from kulmipay_toolkit.spec import JSON

NEVER_ANSWERS = "254700000002"  # the rules table's number whose prompt is never answered
TIMELINES = {**rules.OUTCOMES, "any other number": rules.PAYS}


@pytest.mark.parametrize("outcome", TIMELINES.values(), ids=list(TIMELINES))
def test_timeline_is_a_legal_walk_of_the_state_machine(outcome: rules.Outcome) -> None:
    """From `initial`, at strictly later times, each step a transition the machine allows (so
    reachable from the one before), ending in a terminal state."""
    machine = spec.state_machine()
    times = [after for after, _ in outcome.steps]
    assert times and times[0] > 0 and times == sorted(set(times)), times
    state = machine.initial
    for _, following in outcome.steps:
        assert following in machine.transitions[state], f"{state} -> {following}"
        assert following in machine.reachable(state)
        state = following
    assert state in machine.terminal


@pytest.mark.parametrize("outcome", TIMELINES.values(), ids=list(TIMELINES))
def test_failure_code_is_given_exactly_when_the_timeline_fails(outcome: rules.Outcome) -> None:
    """A timeline ending in a state that carries `failed_code` names one, with a reason in
    `FAILURE_REASONS`; any other names none."""
    final_state = outcome.steps[-1][1]
    fails = final_state in spec.state_machine().set_exactly_when["failed_code"]
    assert (outcome.failed_code is not None) == fails
    if outcome.failed_code is not None:
        assert rules.FAILURE_REASONS.get(outcome.failed_code)


@pytest.mark.parametrize("phone", list(rules.OUTCOMES))
def test_outcome_phone_is_a_valid_push(phone: str) -> None:
    """Each test number passes the spec's STK push request schema (else no push could reach it)."""
    body = {**VALID_PUSH, "phone_number": phone}
    validator = spec.request_body_validator(spec.STK_PUSH_OPERATION_ID)
    assert spec.body_errors(validator, body) == []


def test_never_answered_prompt_fails_at_the_expiry() -> None:
    """The never-answering number goes straight from `initial` to a failure, exactly when the
    spec's prompt expires."""
    outcome = rules.OUTCOMES[NEVER_ANSWERS]
    assert len(outcome.steps) == 1
    after, state = outcome.steps[0]
    assert state in spec.state_machine().set_exactly_when["failed_code"]
    assert state in spec.state_machine().terminal
    assert after == spec.state_machine().prompt_expires_after


def test_terminal_states_follow_from_the_enum() -> None:
    """The machine covers exactly `Invoice.state`'s enum; its terminal states are the enum's
    states without outgoing transitions, and are COMPLETE and FAILED."""
    machine = spec.state_machine()
    enum = set(spec.enum_of("Invoice", "state"))
    assert set(machine.transitions) == enum
    assert machine.initial in enum
    assert all(set(nexts) <= enum for nexts in machine.transitions.values())
    with_exits = {state for state, nexts in machine.transitions.items() if nexts}
    assert machine.terminal == enum - with_exits
    assert machine.terminal == {"COMPLETE", "FAILED"}
    assert machine.initial not in machine.terminal


def test_state_bound_fields_and_unchanged_fields_are_invoice_fields() -> None:
    """`set-exactly-when` and `unchanged-after-push` name Invoice properties, and only enum states."""
    machine = spec.state_machine()
    properties = set(spec.component_schema("Invoice")["properties"])
    enum = set(spec.enum_of("Invoice", "state"))
    assert set(machine.set_exactly_when) <= properties
    assert set(machine.unchanged_after_push) <= properties
    assert all(set(states) <= enum for states in machine.set_exactly_when.values())


def _status_examples() -> dict[str, JSON]:
    """The status operation's 200 examples, by the component each `$ref` names."""
    _, _, operation = spec.operation(spec.STATUS_OPERATION_ID)
    examples = spec.resolve(operation["responses"]["200"])["content"]["application/json"]["examples"]
    found: dict[str, JSON] = {}
    for example in examples.values():
        name = str(example.get("$ref", "inline")).rsplit("/", 1)[-1]
        found[name] = spec.resolve(example)["value"]
    return found


STATUS_EXAMPLES = _status_examples()


def test_status_examples_cover_every_state() -> None:
    """One example per state, each the component named for it."""
    assert set(STATUS_EXAMPLES) == {"StatusPending", "StatusProcessing", "StatusComplete", "StatusFailed"}
    states = {example["invoice"]["state"] for example in STATUS_EXAMPLES.values()}
    assert states == set(spec.enum_of("Invoice", "state"))
    for name, example in STATUS_EXAMPLES.items():
        assert name == "Status" + example["invoice"]["state"].capitalize()


@pytest.mark.parametrize("name", list(STATUS_EXAMPLES))
def test_status_example_obeys_set_exactly_when(name: str) -> None:
    """Each state-bound field is non-null in the example exactly when its state is listed."""
    invoice = STATUS_EXAMPLES[name]["invoice"]
    state = invoice["state"]
    for field, states in spec.state_machine().set_exactly_when.items():
        assert field in invoice, f"{name} leaves out {field}"
        assert (invoice[field] is not None) == (state in states), f"{name}: {field}={invoice[field]!r}"
