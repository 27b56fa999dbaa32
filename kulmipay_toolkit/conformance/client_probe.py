"""The generated client against the live server: a few valid pushes (the spec's own request
examples) through `kulmipay_client`, each reply parsed strictly. Anything it cannot parse, or
that breaks the spec, is a finding. A push refused for its key (401/403) judges nothing: the
run's diagnosis names that cause once."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx
from kulmipay_client import AuthenticatedClient
from kulmipay_client.models import StkPushRequest, StkPushResponse

from .. import spec
from ..errors import ContractViolation
from ..guard import confine_positive
from ..keys import redact
from ..strict import strict_start_mpesa_stk_push

AUTH_REFUSALS = (401, 403)


@dataclass
class ProbeResult:
    sent: int = 0
    judged: int = 0
    findings: list[str] = field(default_factory=list)
    unjudged_because: str = "no push was sent"
    invoices: list[dict[str, Any]] = field(default_factory=list)  # of the accepted pushes


def probe(
    base_url: str,
    token: str,
    pushes: int,
    *,
    test_phone: str | None = None,
    verify: ssl.SSLContext | str | bool = True,
    timeout: float = 10.0,
    through_gate: bool = False,
) -> ProbeResult:
    """Off the trusted emulator `test_phone` replaces the examples' numbers."""
    result = ProbeResult()
    findings = result.findings
    bodies = spec.request_examples()[:pushes]
    client = AuthenticatedClient(
        base_url=base_url,
        token=token,
        verify_ssl=verify,
        raise_on_unexpected_status=True,
        timeout=httpx.Timeout(timeout),
        httpx_args={"trust_env": not through_gate},  # the gate is ours, on loopback: no proxy
    )
    with client:
        for body in bodies:
            if test_phone is not None:
                body = confine_positive(body, test_phone)
            result.sent += 1
            try:
                reply = strict_start_mpesa_stk_push(client=client, body=StkPushRequest.from_dict(body))
            except ContractViolation as violation:
                result.judged += 1
                findings.append(f"generated client: {violation}")
                continue
            except httpx.HTTPError as problem:  # the network's, not the contract's: judged nothing
                problem_text = redact(f"{type(problem).__name__}: {problem}", token)
                result.unjudged_because = f"the push did not get an answer ({problem_text})"
                continue
            except Exception as problem:  # any other failure is a finding, never a crash
                result.judged += 1
                findings.append(f"generated client: {type(problem).__name__}: {redact(str(problem), token)}")
                continue
            if reply.status_code in AUTH_REFUSALS:
                result.unjudged_because = f"the key was refused ({reply.status_code})"
                continue
            result.judged += 1
            if isinstance(reply.parsed, StkPushResponse):
                result.invoices.append(json.loads(reply.content)["invoice"])
            else:
                findings.append(
                    f"generated client: a valid push was answered {reply.status_code} {reply.parsed!r}"
                )
    return result
