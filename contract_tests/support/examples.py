"""The spec's own 200 examples, as replies to serve, and the changes tests make to them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON

if TYPE_CHECKING:
    from contract_tests.support.calls import Operation

Change = Callable[[JSON], object]


def ok_examples(operation_id: str) -> dict[str, JSON]:
    """The operation's 200 examples, by name (fresh copies): the push's `pending` (PendingPush), the
    status call's one per state (`pending` is StatusPending, ...)."""
    media = spec.resolve(spec.operation(operation_id)[2]["responses"]["200"])["content"]["application/json"]
    return {
        name: copy.deepcopy(spec.resolve(example)["value"]) for name, example in media["examples"].items()
    }


def ok_example(operation_id: str, name: str = "pending", change: Change = lambda body: None) -> JSON:
    """The operation's 200 example `name` (a fresh copy), after `change`."""
    body = ok_examples(operation_id)[name]
    change(body)
    return body


def ok_reply(operation_id: str, change: Change = lambda body: None) -> httpx.Response:
    """A 200 with the operation's `pending` example, after `change`."""
    return httpx.Response(200, json=ok_example(operation_id, "pending", change))


def pending_push(change: Change = lambda body: None) -> JSON:
    """The spec's PendingPush example (a fresh copy), after `change`."""
    return ok_example(spec.STK_PUSH_OPERATION_ID, "pending", change)


def set_invoice(**fields: Any) -> Change:
    return lambda body: body["invoice"].update(fields)


def set_details(operation: Operation[Any, Any], **fields: Any) -> Change:
    """Sets the payment's own fields: at the push's top level, in the status reply's `meta`."""
    return lambda body: operation.details_of(body).update(fields)
