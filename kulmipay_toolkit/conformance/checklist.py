"""Which schemathesis checks a run asks for, and when each one has judged an exchange.

An audited allow-list, not `all` minus a deny-list: a schemathesis upgrade cannot add a check to
a run against a real sandbox without a change here. Off the trusted emulator only checks marked
`remote_safe` run: each only reads the exchange it is given and sends nothing of its own (the
egress gate would cap a resend anyway, but a resent push would spend the budget unjudged).

Schemathesis records a check that returned None as passed even where it did not apply, so each
built-in check names the exchanges it judges (`applies`); the domain checks skip what they do
not judge themselves (`checks.py`), so their recorded results are what they judged."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import checks, spec, status_checks


@dataclass(frozen=True)
class Exchange:
    """One request schemathesis sent and what came back, as its structured report has it."""

    case_id: str
    method: str
    mode: str | None  # "positive" or "negative"
    scenario: str | None  # the coverage phase's scenario, if any
    parameter_location: str | None
    status: int | None  # None: no response (a network error)
    headers: frozenset[str]  # response header names, lowercase


@dataclass(frozen=True)
class BuiltIn:
    name: str
    remote_safe: bool
    why: str
    applies: Callable[[Exchange], bool]
    # False: it judges only replies a faithful server may never send, so judging nothing is no
    # reason to call a run inconclusive.
    required: bool = True


def _answered(exchange: Exchange) -> bool:
    return exchange.status is not None


def _declared(exchange: Exchange) -> bool:
    return exchange.status is not None and exchange.status in spec.declared_statuses()


def _with_declared_headers(exchange: Exchange) -> bool:
    responses = spec.stk_push_operation()[2]["responses"]
    declared = {int(code) for code, response in responses.items() if spec.resolve(response).get("headers")}
    return exchange.status in declared


BUILT_INS: tuple[BuiltIn, ...] = (
    BuiltIn("not_a_server_error", True, "reads the status only", _answered),
    BuiltIn("status_code_conformance", True, "reads the status only", _answered),
    BuiltIn("content_type_conformance", True, "reads the reply's Content-Type", _declared),
    BuiltIn(
        "response_headers_conformance",
        True,
        "reads the reply's headers; only replies with declared headers (405, 429) have any",
        _with_declared_headers,
        required=False,
    ),
    BuiltIn("response_schema_conformance", True, "reads the reply's body", _declared),
    BuiltIn(
        "negative_data_rejection",
        True,
        "reads the status of a negative case",
        lambda e: _answered(e) and e.mode == "negative",
    ),
    BuiltIn(
        "positive_data_acceptance",
        True,
        "reads the status of a positive case",
        lambda e: _answered(e) and e.mode == "positive",
    ),
    BuiltIn(
        "missing_required_header",
        True,
        "reads the status of a case sent without a required header",
        lambda e: _answered(e) and e.scenario == "missing_parameter" and e.parameter_location == "header",
    ),
    BuiltIn(
        "unsupported_method",
        True,
        "reads the status of a case sent with an undeclared method",
        lambda e: _answered(e) and e.scenario == "unspecified_http_method" and e.method != "OPTIONS",
    ),
    BuiltIn(
        "allow_header_conformance",
        True,
        "reads the Allow header of an OPTIONS reply",
        lambda e: _answered(e) and e.method == "OPTIONS" and "allow" in e.headers,
    ),
    BuiltIn(
        "ignored_auth",
        False,
        "after a 2xx it re-sends the same positive body without and with a wrong key: a second "
        "push that no hook saw, so only the trusted emulator gets it",
        lambda e: _answered(e) and 200 <= (e.status or 0) < 300,
    ),
)

# Not run: each needs what this contract does not have (a DELETE, resource links, object ids).
NOT_RUN: dict[str, str] = {
    "use_after_free": "needs a DELETE operation",
    "ensure_resource_availability": "needs an operation that reads a created resource by a link",
    "object_level_authorization": "needs resources addressed by id under two identities",
}


def built_ins(*, remote: bool) -> list[BuiltIn]:
    return [check for check in BUILT_INS if check.remote_safe or not remote]


def optional() -> set[str]:
    """Checks whose judging nothing does not make a run inconclusive."""
    return {check.name for check in BUILT_INS if not check.required}


def selected(*, remote: bool) -> list[str]:
    """The `--checks` list of a run: the allowed built-ins, then every domain check."""
    return [check.name for check in built_ins(remote=remote)] + domain_checks()


def run_checks(*, own_emulator: bool) -> list[str]:
    """Checks the run itself judges, outside schemathesis: the webhooks of its own emulator."""
    from . import webhook_probe

    return list(webhook_probe.CHECKS) if own_emulator else []


def domain_checks() -> list[str]:
    """This toolkit's own checks: the push's domain rules, then the lifecycle's."""
    return [*checks.domain_check_names(), *status_checks.CHECK_NAMES]
