"""The spec's state machine and status examples: the machine's terminal states follow from the
`Invoice.state` enum, its state-bound fields are Invoice fields, and the status operation's
examples cover every state and obey `set-exactly-when`. (The rules table's timelines are pinned
to this machine in test_rules.py.) No sockets."""

from __future__ import annotations

import pytest

from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON


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
