"""Loaded by schemathesis inside the `st` process the runner starts. Registers the domain
checks, and off loopback enforces the guard's terms on every generated case (the runner passes
them in the environment):

- a positive (schema-valid) case goes to the test phone only, without a `wallet_id` (a random
  wallet is not the account's), and at most KULMIPAY_GUARD_MAX_POSITIVE of them are sent;
- a negative case never carries anything dialable: a `phone_number` with seven digits or more
  (however punctuated) becomes a number that is both invalid under the spec and nobody's line.

Schemathesis's `ignored_auth` check re-sends a case's body outside these hooks, so the runner
leaves that check out off loopback (`runner.REMOTE_EXCLUDED_CHECKS`)."""

from __future__ import annotations

import os
import threading
from typing import Any

import schemathesis
from schemathesis import Case
from schemathesis.hooks import HookContext

from .. import checks  # noqa: F401  (importing registers the domain checks)
from ..guard import UNREACHABLE_PHONE, confine_positive, could_dial

AnyCase = Case[Any]
PHONE_ENV = "KULMIPAY_GUARD_PHONE"
MAX_POSITIVE_ENV = "KULMIPAY_GUARD_MAX_POSITIVE"


def _positive(case: AnyCase) -> bool:
    return case.meta is None or case.meta.generation.mode.is_positive


class _PositiveBudget:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.used = 0

    def take(self, limit: int) -> bool:
        with self.lock:
            if self.used >= limit:
                return False
            self.used += 1
            return True


BUDGET = _PositiveBudget()


@schemathesis.hook
def filter_case(ctx: HookContext, case: AnyCase) -> bool:
    limit = os.environ.get(MAX_POSITIVE_ENV)
    if limit is None or not _positive(case):
        return True
    return BUDGET.take(int(limit))


@schemathesis.hook
def map_case(ctx: HookContext, case: AnyCase) -> AnyCase:
    phone = os.environ.get(PHONE_ENV)
    if not phone or not isinstance(case.body, dict):
        return case
    positive = _positive(case)  # read before editing: an edited case is re-classified
    # Always a new dict: generated cases can share one body object.
    if positive:
        case.body = confine_positive(case.body, phone)
    elif "phone_number" in case.body and could_dial(case.body["phone_number"]):
        case.body = {**case.body, "phone_number": UNREACHABLE_PHONE}
    return case
