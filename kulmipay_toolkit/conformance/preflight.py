"""Before schemathesis: one harmless request (a GET to the push path; a GET is never a push) that
tells whether anything answers at all, and names the usual mistakes in one line each instead of
a page of unrelated check failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from .. import gate, spec

PREFLIGHT_TIMEOUT = 5.0


@dataclass
class Preflight:
    unreachable: str | None = None  # why nothing could be judged at all
    misdirected: str | None = None  # the base URL misses the API: a run would judge only 404s
    diagnosis: list[str] = field(default_factory=list)


def path_mismatch(base_url: str) -> str | None:
    path = urlsplit(base_url).path.rstrip("/")
    expected = spec.base_path()
    if path != expected:
        return (
            f"the base URL's path is {path or '/'!r} but the spec's servers use {expected!r}: "
            f"every request misses the API (did you mean ...{expected}?)"
        )
    return None


def check(
    url: str, target: str, *, verify: str | bool, through_gate: bool, timeout: float = PREFLIGHT_TIMEOUT
) -> Preflight:
    """`url` is where requests leave (the gate, or the target itself); `target` is named in messages.
    The gate is on loopback: the user's proxy settings are for the target, not for it."""
    timeout = min(timeout, PREFLIGHT_TIMEOUT)
    found = Preflight()
    if mismatch := path_mismatch(target):
        found.diagnosis.append(mismatch)
    try:
        client = httpx.Client(
            verify=verify, timeout=timeout, follow_redirects=False, trust_env=not through_gate
        )
        with client:
            reply = client.get(url.rstrip("/") + spec.stk_push_path())
    except httpx.HTTPError as problem:
        found.unreachable = f"{target}: {gate.describe_failure(problem)}"
        if "SSL" in str(problem) and target.startswith("https://"):
            found.diagnosis.append(
                "TLS failed: is the server speaking plain HTTP? Try http:// in the base URL"
            )
        return found
    if reply.headers.get(gate.HEADER) == gate.UPSTREAM_ERROR:
        detail = reply.json().get("detail", "") if _is_json(reply) else reply.text
        found.unreachable = f"{target}: {str(detail).removeprefix('kulmipay-toolkit egress gate: ')}"
        return found
    if reply.status_code == 400 and "https" in reply.text.lower() and target.startswith("http://"):
        found.diagnosis.append("the server expects TLS: plain HTTP was sent to an HTTPS port. Try https://")
    if reply.status_code == 404:
        found.misdirected = mismatch or f"{target}{spec.stk_push_path()} answers 404: check the base URL"
        if not mismatch:
            found.diagnosis.append(found.misdirected)
    return found


def _is_json(reply: httpx.Response) -> bool:
    try:
        reply.json()
    except ValueError:
        return False
    return True
