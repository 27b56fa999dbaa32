"""Direct tests of the hooks the conformance run loads into `st` (`kulmipay_toolkit/conformance/
hooks.py`): imported afresh under each set of guard terms, as `st` imports them, and called as
schemathesis calls them, `(HookContext, Case)`, on cases of the loaded spec carrying the
generation mode schemathesis gives them. What `st` sends under those terms, end to end, is
`test_remote_terms.py`'s and `test_guard_sends_nothing.py`'s; these pin each hook's decision."""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from types import ModuleType
from typing import Any, Final

import pytest
from schemathesis.core import NOT_SET, Body
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import (
    CaseMetadata,
    ComponentInfo,
    FuzzingPhaseData,
    GenerationInfo,
    PhaseInfo,
    TestPhase,
)
from schemathesis.hooks import GLOBAL_HOOK_DISPATCHER, HookContext

from contract_tests.support.exchanges import PUSH, STATUS, AnyCase, operation
from kulmipay_toolkit import guard, spec
from kulmipay_toolkit.conformance.terms import MAX_POSITIVE_ENV, MODE_ENV, PHONE_ENV, Terms
from kulmipay_toolkit.errors import MissingTerms
from kulmipay_toolkit.spec import JSON

Load = Callable[[Mapping[str, str]], ModuleType]

HOOKS: Final = "kulmipay_toolkit.conformance.hooks"
TEST_PHONE: Final = "254708374149"
POSITIVE: Final = GenerationMode.POSITIVE
NEGATIVE: Final = GenerationMode.NEGATIVE


def remote(budget: int | str) -> dict[str, str]:
    return {MODE_ENV: "remote", PHONE_ENV: TEST_PHONE, MAX_POSITIVE_ENV: str(budget)}


TRUSTED: Final = {MODE_ENV: "trusted"}


@pytest.fixture
def load_hooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Load]:
    """Imports the hooks module afresh, as `st` does, with exactly the given guard variables set.
    Afterwards its hooks leave schemathesis's global registry and the module table is as it was,
    so no other test generates cases through them."""
    package = sys.modules["kulmipay_toolkit.conformance"]
    before = sys.modules.pop(HOOKS, None), package.__dict__.pop("hooks", None)
    loaded: list[ModuleType] = []

    def load(environ: Mapping[str, str]) -> ModuleType:
        for name in (MODE_ENV, PHONE_ENV, MAX_POSITIVE_ENV):
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        sys.modules.pop(HOOKS, None)
        module = importlib.import_module(HOOKS)
        loaded.append(module)
        return module

    try:
        yield load
    finally:
        for module in loaded:
            for hook in (module.filter_case, module.map_case):
                GLOBAL_HOOK_DISPATCHER.unregister(hook)
        sys.modules.pop(HOOKS, None)
        package.__dict__.pop("hooks", None)
        if before[0] is not None:
            sys.modules[HOOKS] = before[0]
        if before[1] is not None:
            package.__dict__["hooks"] = before[1]


def generated(operation_id: str, body: Body, mode: GenerationMode | None) -> AnyCase:
    """A case as the fuzzing phase hands it to the hooks: its body generated in `mode` (None: a
    case without metadata, as an explicit or replayed case is)."""
    meta = None
    if mode is not None:
        components = {} if body is NOT_SET else {ParameterLocation.BODY: ComponentInfo(mode=mode)}
        phase = PhaseInfo(
            name=TestPhase.FUZZING,
            data=FuzzingPhaseData(description=None, parameter=None, parameter_location=None, location=None),
        )
        meta = CaseMetadata(
            generation=GenerationInfo(time=0.0, mode=mode), components=components, phase=phase
        )
    return operation(operation_id).Case(body=body, _meta=meta)


def ctx(operation_id: str = PUSH) -> HookContext:
    return HookContext(operation=operation(operation_id))


def valid_push() -> JSON:
    """The spec's fullest push example (it names a wallet, which a remote run must not send)."""
    example = max(spec.request_examples(PUSH), key=len)
    assert "wallet_id" in example and example["phone_number"] != TEST_PHONE
    return example


def invalid_push() -> JSON:
    """Schema-invalid (amount 0), with the example's phone dialable in three places."""
    example = valid_push()
    phone = example["phone_number"]
    spaced = f"+{phone[:3]} {phone[3:6]} {phone[6:9]} {phone[9:]}"
    invalid = {
        **example,
        "amount": "0",
        "phone_number": spaced,
        "api_ref": f"call {phone}",
        "extra": [int(phone)],
    }
    assert not spec.request_body_validator(PUSH).is_valid(invalid)
    return invalid


def _dialable(value: object) -> bool:
    return guard.could_dial(json.dumps(value, ensure_ascii=False))


def _registered(name: str) -> list[Callable[..., Any]]:
    return list(GLOBAL_HOOK_DISPATCHER.get_all_by_name(name))


# --- loading: fail closed --------------------------------------------------------------------------


def test_the_hooks_refuse_to_load_on_incomplete_terms(load_hooks: Load) -> None:
    """Hooks that load or register under refused terms (test_terms.py's): `st` goes on instead of stopping."""
    filters, maps = _registered("filter_case"), _registered("map_case")
    with pytest.raises(MissingTerms):
        load_hooks(remote("five"))
    assert HOOKS not in sys.modules
    # Refused before registering anything: no half-loaded hook shapes cases in this process.
    assert (_registered("filter_case"), _registered("map_case")) == (filters, maps)


def test_remote_terms_reach_the_hooks_and_both_hooks_register(load_hooks: Load) -> None:
    """The phone or budget read from the wrong variable, or a hook schemathesis never calls."""
    hooks = load_hooks(remote(3))
    assert isinstance(hooks.TERMS, Terms)
    assert (hooks.TERMS.test_phone, hooks.TERMS.max_positive, hooks.TERMS.used) == (TEST_PHONE, 3, 0)
    assert hooks.filter_case in _registered("filter_case")
    assert hooks.map_case in _registered("map_case")


# --- filter_case: the positive budget --------------------------------------------------------------


@pytest.mark.parametrize("budget", [0, 1, 3])
def test_positive_cases_stop_at_the_budget(load_hooks: Load, budget: int) -> None:
    """More schema-valid pushes generated than the gate will send (or fewer than it allows)."""
    hooks = load_hooks(remote(budget))
    kept = [hooks.filter_case(ctx(), generated(PUSH, valid_push(), POSITIVE)) for _ in range(budget + 3)]
    assert kept == [True] * budget + [False] * 3
    assert hooks.TERMS.used == budget


def test_negative_cases_pass_freely_and_spend_nothing(load_hooks: Load) -> None:
    """Invalid cases eating the push budget, or cut off once it is spent."""
    hooks = load_hooks(remote(1))
    assert all(hooks.filter_case(ctx(), generated(PUSH, invalid_push(), NEGATIVE)) for _ in range(5))
    assert hooks.TERMS.used == 0
    assert hooks.filter_case(ctx(), generated(PUSH, valid_push(), POSITIVE)) is True
    assert hooks.filter_case(ctx(), generated(PUSH, invalid_push(), NEGATIVE)) is True
    assert hooks.filter_case(ctx(), generated(PUSH, valid_push(), POSITIVE)) is False


def test_a_case_without_metadata_counts_as_positive(load_hooks: Load) -> None:
    """A case of unknown mode (explicit, replayed) let through uncounted: a push beyond the budget."""
    hooks = load_hooks(remote(1))
    assert hooks.filter_case(ctx(), generated(PUSH, valid_push(), None)) is True
    assert hooks.filter_case(ctx(), generated(PUSH, valid_push(), None)) is False


def test_a_trusted_run_has_no_budget(load_hooks: Load) -> None:
    """The trusted emulator's run cut short by a budget meant for a real sandbox."""
    hooks = load_hooks(TRUSTED)
    assert hooks.TERMS is None
    assert all(hooks.filter_case(ctx(), generated(PUSH, valid_push(), POSITIVE)) for _ in range(60))


# --- map_case: the test phone, and scrubbing ------------------------------------------------------


@pytest.mark.parametrize("mode", [POSITIVE, None], ids=["positive", "no-metadata"])
def test_a_positive_push_goes_to_the_test_phone_without_a_wallet(
    load_hooks: Load, mode: GenerationMode | None
) -> None:
    """A generated phone (someone's line) or a made-up wallet recorded as sent to a real sandbox."""
    hooks = load_hooks(remote(3))
    shared = valid_push()
    original = copy.deepcopy(shared)
    first, second = generated(PUSH, shared, mode), generated(PUSH, shared, mode)
    mapped = hooks.map_case(ctx(), first)
    assert mapped is first
    expected = {name: value for name, value in original.items() if name != "wallet_id"}
    assert mapped.body == {**expected, "phone_number": TEST_PHONE}
    # Edited in a new dict: generated cases can share one body, and this one still holds the original.
    assert shared == original and second.body == original
    if mode is not None:  # re-classified on the edited body: still a push the checks judge
        assert mapped.meta is not None and mapped.meta.generation.mode is POSITIVE


def test_a_negative_push_has_every_dialable_number_zeroed(load_hooks: Load) -> None:
    """Someone's number left in an invalid body, in any field or spelling, or the case made valid."""
    hooks = load_hooks(remote(3))
    body = invalid_push()
    mapped = hooks.map_case(ctx(), generated(PUSH, body, NEGATIVE))
    assert isinstance(mapped.body, dict) and _dialable(body) and not _dialable(mapped.body)
    assert mapped.body["amount"] == body["amount"] and mapped.body["wallet_id"] == body["wallet_id"]
    assert mapped.body["api_ref"] == "call 000000000000" and mapped.body["extra"] == [0]
    assert mapped.meta is not None and mapped.meta.generation.mode is NEGATIVE


@pytest.mark.parametrize("mode", [POSITIVE, NEGATIVE])
def test_a_trusted_run_leaves_bodies_alone(load_hooks: Load, mode: GenerationMode) -> None:
    """The emulator's own run confined or scrubbed: its outcome-by-phone table never exercised."""
    hooks = load_hooks(TRUSTED)
    body = valid_push() if mode is POSITIVE else invalid_push()
    assert hooks.map_case(ctx(), generated(PUSH, body, mode)).body == body


@pytest.mark.parametrize("mode", [POSITIVE, NEGATIVE])
def test_a_case_without_a_body_is_left_alone(load_hooks: Load, mode: GenerationMode) -> None:
    """A body-less request (the webhook event log's GET) given a body, or the hook crashing on it."""
    hooks = load_hooks(remote(3))
    case = generated("list_webhook_events", NOT_SET, mode)
    assert hooks.map_case(ctx("list_webhook_events"), case).body is NOT_SET


# --- bugs these tests found (fixed with them) ---


@pytest.mark.parametrize("shape", ["array", "string", "number"])
def test_a_negative_body_of_any_json_type_is_scrubbed(load_hooks: Load, shape: str) -> None:
    """A dialable number in a non-object negative body recorded as sent."""
    hooks = load_hooks(remote(3))
    phone = valid_push()["phone_number"]
    body = {"array": [phone], "string": phone, "number": int(phone)}[shape]
    assert not _dialable(hooks.map_case(ctx(), generated(PUSH, body, NEGATIVE)).body)


def test_a_positive_status_read_is_not_given_a_phone_number(load_hooks: Load) -> None:
    """A status read edited as if it were a push."""
    hooks = load_hooks(remote(3))
    read = spec.request_examples(STATUS)[0]
    assert hooks.map_case(ctx(STATUS), generated(STATUS, read, POSITIVE)).body == read


@pytest.mark.parametrize("operation_id", [STATUS, "list_webhook_events"])
def test_reads_do_not_spend_the_push_budget(load_hooks: Load, operation_id: str) -> None:
    """Positive reads counted as pushes, leaving the run's pushes short."""
    hooks = load_hooks(remote(1))
    body = spec.request_examples(STATUS)[0] if operation_id == STATUS else NOT_SET
    assert hooks.filter_case(ctx(operation_id), generated(operation_id, body, POSITIVE)) is True
    assert hooks.filter_case(ctx(), generated(PUSH, valid_push(), POSITIVE)) is True
