"""`conformance/checklist.py`: the audited list of schemathesis checks a run asks for. Every check
schemathesis has is either listed (with the exchanges it judges) or named as not run; off the
trusted emulator only the ones that send nothing of their own run; and each built-in counts as
judging only the exchanges it applies to."""

from __future__ import annotations

from typing import Final

import pytest
import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks, as `st run` does)
from schemathesis.checks import CHECKS

from kulmipay_toolkit.conformance import checklist, webhook_probe
from kulmipay_toolkit.conformance.checklist import Exchange

BUILT_IN_NAMES: Final = [check.name for check in checklist.BUILT_INS]


def _exchange(
    status: int | None,
    mode: str = "positive",
    *,
    method: str = "POST",
    scenario: str | None = None,
    parameter_location: str | None = None,
    allow: bool = False,
) -> Exchange:
    """An exchange as `results.py` reads it; `allow`: the reply has an Allow header."""
    headers = frozenset({"allow"} if allow else ())
    return Exchange("case", method, mode, scenario, parameter_location, status, headers)


def _judging(exchange: Exchange) -> set[str]:
    return {check.name for check in checklist.BUILT_INS if check.applies(exchange)}


def test_every_check_schemathesis_has_is_listed_or_named_as_not_run() -> None:
    """A schemathesis upgrade's new check run unaudited, or a listed name that is no check (`st` refuses)."""
    theirs = set(CHECKS.get_all_names()) - set(checklist.domain_checks())
    listed = set(BUILT_IN_NAMES) | set(checklist.NOT_RUN)
    assert theirs == listed
    assert not set(BUILT_IN_NAMES) & set(checklist.NOT_RUN)


def test_a_remote_run_leaves_out_every_check_that_sends_its_own_requests() -> None:
    """A check that re-sends pushes (`ignored_auth`) run on a real sandbox, or a safe check dropped."""
    remote = checklist.selected(remote=True)
    assert "ignored_auth" in BUILT_IN_NAMES and "ignored_auth" not in remote
    assert [name for name in remote if name in BUILT_IN_NAMES] == [
        check.name for check in checklist.BUILT_INS if check.remote_safe
    ]
    assert checklist.selected(remote=False)[: len(BUILT_IN_NAMES)] == BUILT_IN_NAMES


@pytest.mark.parametrize("remote", [True, False])
def test_the_selection_ends_with_every_domain_check_once(remote: bool) -> None:
    """A domain check missing from a run (never judged), or asked for twice."""
    selected = checklist.selected(remote=remote)
    domain = checklist.domain_checks()
    assert domain and selected[-len(domain) :] == domain
    assert len(set(selected)) == len(selected)


def test_the_run_judges_webhooks_only_of_its_own_emulator() -> None:
    """Webhook rows on a run whose events never reach it (always unjudged: INCONCLUSIVE)."""
    assert checklist.run_checks(own_emulator=True) == list(webhook_probe.CHECKS)
    assert checklist.run_checks(own_emulator=False) == []


ANSWERED: Final = {"not_a_server_error", "status_code_conformance"}
DECLARED: Final = ANSWERED | {"content_type_conformance", "response_schema_conformance"}  # 418 is not
UNSPECIFIED: Final = "unspecified_http_method"
JUDGED_BY: Final = {
    "no-answer": (_exchange(None), set()),
    "positive-200": (_exchange(200), DECLARED | {"positive_data_acceptance", "ignored_auth"}),
    "negative-400": (_exchange(400, "negative"), DECLARED | {"negative_data_rejection"}),
    "undeclared-status": (_exchange(418, "negative"), ANSWERED | {"negative_data_rejection"}),
    "missing-header": (
        _exchange(401, "negative", scenario="missing_parameter", parameter_location="header"),
        DECLARED | {"negative_data_rejection", "missing_required_header"},
    ),
    "undeclared-method": (
        _exchange(405, "negative", method="PUT", scenario=UNSPECIFIED, allow=True),
        DECLARED | {"negative_data_rejection", "unsupported_method", "response_headers_conformance"},
    ),
    "options": (
        _exchange(405, "negative", method="OPTIONS", scenario=UNSPECIFIED, allow=True),
        DECLARED | {"negative_data_rejection", "allow_header_conformance", "response_headers_conformance"},
    ),
}


@pytest.mark.parametrize(("exchange", "judged_by"), JUDGED_BY.values(), ids=JUDGED_BY.keys())
def test_each_built_in_judges_only_the_exchanges_it_applies_to(
    exchange: Exchange, judged_by: set[str]
) -> None:
    """A check's recorded pass where it judged nothing counted as judged, or a real judgement left out."""
    assert _judging(exchange) == judged_by


def test_only_checks_that_judge_what_a_faithful_server_never_sends_are_optional() -> None:
    """A required check a faithful run never judges (INCONCLUSIVE for ever), or a real gap made optional."""
    optional = checklist.optional()
    assert optional == {"response_headers_conformance"}
    assert not any(_judging(_exchange(status)) & optional for status in (200, 400, 401, 404))
