"""`kulmipay_toolkit.rules`, the rules table: rounding up, the fee, the tariffs, the defaults; and
the table pinned to the spec (its tariffs and initial state are the spec's enums, every timeline a
legal walk of the spec's state machine, its failure codes given exactly when a timeline fails, its
phones valid in a push). No sockets."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract_tests.support import VALID_PUSH, repo_root
from kulmipay_toolkit import rules, spec

NEVER_ANSWERS = "254700000002"  # the rules table's number whose prompt is never answered
TIMELINES = {**rules.OUTCOMES, "any other number": rules.PAYS}


@pytest.mark.parametrize(
    ("amount", "value"),
    [("1", "1"), ("1.01", "2"), ("99.99", "100"), (10, "10"), (10.5, "11"), ("249999.5", "250000")],
)
def test_fractions_round_up_to_a_whole_shilling(amount: object, value: str) -> None:
    assert rules.charge_for(amount, None).value == Decimal(value)


def test_business_pays_deducts_the_fee_and_customer_pays_adds_it_on_top() -> None:
    business = rules.charge_for("1000", "BUSINESS-PAYS")
    customer = rules.charge_for("1000", "CUSTOMER-PAYS")
    assert business.charges == customer.charges == Decimal("30.00")
    assert (business.net_amount, customer.net_amount) == (Decimal("970"), Decimal("1000"))
    assert rules.charge_for("1000", None) == business


def test_floats_are_read_by_their_decimal_text_not_their_binary_value() -> None:
    assert rules.to_decimal(0.1) == Decimal("0.1")


@pytest.mark.parametrize("amount", [True, None, [], "ten", "NaN", "Infinity"])
def test_non_amounts_are_refused(amount: object) -> None:
    with pytest.raises(ValueError):
        rules.to_decimal(amount)


def test_defaults() -> None:
    assert rules.api_ref_for(None) == "MPesa Express"
    assert rules.api_ref_for("") == ""
    assert rules.money(Decimal("10")) == "10.00"


# Pinned to the spec.


def test_rules_table_covers_exactly_the_spec_tariffs() -> None:
    assert set(rules.CUSTOMER_PAYS_FEE) == set(spec.enum_of("StkPushRequest", "mobile_tarrif"))
    assert rules.DEFAULT_TARIFF in rules.CUSTOMER_PAYS_FEE


def test_the_initial_state_is_one_the_spec_enumerates() -> None:
    assert rules.INITIAL_STATE in spec.enum_of("Invoice", "state")


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


def test_the_readme_outcome_table_is_the_rules_table() -> None:
    readme = (repo_root() / "README.md").read_text()
    for phone, outcome in rules.OUTCOMES.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{phone}` |"))
        assert outcome.description in row and (outcome.failed_code or "-") in row, row
        assert all(f"{state} at {after:g} s" in row for after, state in outcome.steps), row
