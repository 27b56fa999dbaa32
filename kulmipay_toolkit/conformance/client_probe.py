"""The generated client against the live server: a few valid pushes (the spec's own request
examples) through `kulmipay_client`, each reply parsed strictly. Anything it cannot parse, or
that breaks the spec, is a finding."""

from __future__ import annotations

import ssl
from typing import Any

from kulmipay_client import AuthenticatedClient
from kulmipay_client.models import StkPushRequest, StkPushResponse

from .. import spec
from ..guard import confine_positive
from ..keys import redact
from ..strict import ContractViolation, strict_start_mpesa_stk_push


def request_examples() -> list[dict[str, Any]]:
    _, _, operation = spec.stk_push_operation()
    media = spec.resolve(operation["requestBody"])["content"]["application/json"]
    return [dict(spec.resolve(example)["value"]) for example in media["examples"].values()]


def probe(
    base_url: str,
    token: str,
    pushes: int,
    *,
    test_phone: str | None = None,
    verify: ssl.SSLContext | str | bool = True,
) -> tuple[int, list[str]]:
    """(pushes sent, findings). Off loopback `test_phone` replaces the examples' numbers."""
    findings: list[str] = []
    bodies = request_examples()[:pushes]
    client = AuthenticatedClient(
        base_url=base_url, token=token, verify_ssl=verify, raise_on_unexpected_status=True
    )
    with client:
        for body in bodies:
            if test_phone is not None:
                body = confine_positive(body, test_phone)
            try:
                reply = strict_start_mpesa_stk_push(client, StkPushRequest.from_dict(body))
                if not isinstance(reply.parsed, StkPushResponse):
                    findings.append(
                        f"generated client: a valid push was answered {reply.status_code} {reply.parsed!r}"
                    )
            except ContractViolation as violation:
                findings.append(f"generated client: {violation}")
            except Exception as problem:  # any other failure is a finding, never a crash
                findings.append(f"generated client: {type(problem).__name__}: {redact(str(problem), token)}")
    return len(bodies), findings
