"""Loaded by schemathesis inside the `st` process the runner starts. Registers the domain checks
and shapes generated cases to the remote terms (`guard.py`), so that what schemathesis records
(and its checks judge) is what the egress gate lets through; the gate enforces them on the wire
for every request, these hooks' cases or not. Here they keep the positive budget
(KULMIPAY_GUARD_MAX_POSITIVE) for cases that can be judged. Fail closed: without its settings
(`KULMIPAY_GUARD_MODE` is `trusted`, or `remote` with a phone and a budget) this module refuses
to load, and `st` sends nothing."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.core import NOT_SET
from schemathesis.hooks import HookContext

from .. import checks, spec, status_checks  # noqa: F401  (importing registers the domain checks)
from ..guard import confine_positive, scrub_value
from .terms import terms_from

AnyCase = Case[Any]
TERMS = terms_from(os.environ)  # refuses to load without them: fail closed
PUSH_PATH = spec.operation()[0]


def _positive_push(case: AnyCase) -> bool:
    """What the gate would send as a push: only these spend the budget or go to the test phone."""
    positive = case.meta is None or case.meta.generation.mode.is_positive
    return positive and case.path == PUSH_PATH


@schemathesis.hook
def filter_case(ctx: HookContext, case: AnyCase) -> bool:
    if TERMS is None or not _positive_push(case):
        return True
    return TERMS.take()


@schemathesis.hook
def map_case(ctx: HookContext, case: AnyCase) -> AnyCase:
    if TERMS is None or case.body is NOT_SET:
        return case
    # Always a new body: generated cases can share one body object. Classified before editing (an
    # edited case is re-classified). Everything but a positive push is scrubbed as the gate
    # scrubs it, whatever its JSON type, so the recorded body is the one sent.
    if _positive_push(case) and isinstance(case.body, dict):
        case.body = confine_positive(case.body, TERMS.test_phone)
    else:
        case.body = scrub_value(case.body)
    return case
