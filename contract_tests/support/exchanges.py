"""Exchanges as schemathesis hands them to checks and hooks, built from the spec: a `Case` of the
loaded spec, a schemathesis `Response`, the spec's examples edited one field at a time. For the
direct tests of `checks.py`, `status_checks.py` and `conformance/hooks.py`."""

from __future__ import annotations

import copy
import datetime
import functools
from collections.abc import Callable, Mapping
from typing import Any, Final

import httpx
import schemathesis
from schemathesis import Case, CheckContext, Response

from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON

AnyCase = Case[Any]
CheckFunction = Callable[[CheckContext, Response, AnyCase], bool | None]
Operation = schemathesis.APIOperation[Any, Any, Any, Any]

# What schemathesis's `run_checks` reads as "not judged": spelled out, not `checks.NOT_APPLICABLE`,
# so that changing that constant cannot quietly change what the tests expect.
SKIPPED: Final = True
MISSING: Final = object()  # an edit that removes the field
PUSH: Final = spec.STK_PUSH_OPERATION_ID
STATUS: Final = spec.STATUS_OPERATION_ID


@functools.cache
def schema() -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_dict(copy.deepcopy(spec.document()))


@functools.cache
def operation(operation_id: str) -> Operation:
    path, method, _ = spec.operation(operation_id)
    return schema()[path][method.upper()]


@functools.cache
def check_context() -> CheckContext:
    """The context schemathesis hands every check (the domain checks do not read it)."""
    config = schema().config.checks_config_for()
    return CheckContext(
        override=None, auth=None, headers=None, config=config, transport_kwargs=None, response_checks=None
    )


def edited(body: JSON, edits: Mapping[str, object]) -> JSON:
    """A deep copy of `body` with each dotted path set to its value (MISSING removes it)."""
    result = copy.deepcopy(body)
    for where, value in edits.items():
        *parents, name = where.split(".")
        node = result
        for parent in parents:
            node = node[parent]
        if value is MISSING:
            node.pop(name, None)
        else:
            node[name] = value
    return result


def reply_example(operation_id: str, name: str) -> JSON:
    """The spec's 200 reply example `name` of the operation (a fresh copy)."""
    response = spec.resolve(spec.operation(operation_id)[2]["responses"]["200"])
    example = spec.resolve(response["content"]["application/json"]["examples"][name])
    value: JSON = copy.deepcopy(example["value"])
    return value


def push_request(**changes: object) -> JSON:
    """The spec's minimal push example, with the `api_ref` of its full one (the one the reply
    example echoes), then `changes` (MISSING removes a field)."""
    minimal, *others = spec.request_examples(PUSH)
    api_ref = next(example["api_ref"] for example in others if "api_ref" in example)
    return edited({**minimal, "api_ref": api_ref}, changes)


def response(status: int, body: object, operation_id: str, *, content: bytes | None = None) -> Response:
    """A reply as schemathesis's checks receive it: `body` as JSON, or `content` as it stands."""
    path, method, _ = spec.operation(operation_id)
    request = httpx.Request(method.upper(), spec.server_urls()[0] + path)
    if content is None:
        raw = httpx.Response(status, json=body, request=request)
    else:
        raw = httpx.Response(
            status, content=content, headers={"content-type": "application/json"}, request=request
        )
    raw.elapsed = datetime.timedelta(0)  # `from_httpx` reads it; a response built here was never timed
    return Response.from_httpx(raw, verify=True)
