"""The safety guard: decides, before a single request is sent, whether a conformance run may
target this server with this key, and on what terms.

- A live key (`ISSecretKey_live_...`) is refused outright, and so is anything that is not a
  sandbox secret key.
- Loopback hosts are always allowed, with no limits: they are our own emulator or the user's.
- The real sandbox host is allowed; the live host never is; any other host only when named
  explicitly (`--allow-host`).
- Off loopback, STK pushes reach real phones. Positive (schema-valid) pushes go only to
  `KULMIPAY_TEST_PHONE`, at most `KULMIPAY_MAX_PUSHES` of them, under a rate limit; negative
  cases never carry a number that could reach anyone."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import keys, spec

DEFAULT_MAX_PUSHES = 5
MAX_PUSHES_CEILING = 50
DEFAULT_REMOTE_RATE_LIMIT = "2/s"
# Fails the spec's phone pattern (no 7 or 1 after 254) and is no subscriber's line: negative
# cases sent off loopback carry this instead of anything that looks dialable.
UNREACHABLE_PHONE = "254000000000"
# Never a target, whatever the spec in use says: KulmiPay's live host.
LIVE_HOST = "app.kulmipay.com"
DIGITS_THAT_COULD_DIAL = 7


class GuardRefusal(Exception):
    """The run must not start. The message says why and what to do instead."""


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str = field(repr=False)
    test_phone: str | None = None
    max_pushes: int = DEFAULT_MAX_PUSHES
    allowed_hosts: tuple[str, ...] = ()
    rate_limit: str | None = None


@dataclass(frozen=True)
class Clearance:
    """What the guard allows. `test_phone` None means: no rewriting, no cap (loopback)."""

    loopback: bool
    test_phone: str | None
    max_positive_pushes: int | None
    rate_limit: str | None

    @property
    def remote(self) -> bool:
        return not self.loopback


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def confine_positive(body: dict[str, Any], test_phone: str) -> dict[str, Any]:
    """A schema-valid push made safe to send off loopback: to the test phone only, and without
    a `wallet_id` (a generated one is not the account's wallet)."""
    confined = {**body, "phone_number": test_phone}
    confined.pop("wallet_id", None)
    return confined


def could_dial(phone_number: object) -> bool:
    """Whether a server that normalises numbers (drops `+`, spaces, dashes) could dial this."""
    return len(re.sub(r"\D", "", str(phone_number))) >= DIGITS_THAT_COULD_DIAL


def _check_key(token: str) -> None:
    if not token:
        raise GuardRefusal(
            "KULMIPAY_TOKEN is empty: set it to your sandbox secret key (ISSecretKey_test_...)."
        )
    if keys.is_live_key(token):
        raise GuardRefusal(
            "refusing a live key (ISSecretKey_live_...): conformance runs send real STK pushes. "
            "Use your sandbox secret key (ISSecretKey_test_...)."
        )
    if not keys.is_test_key(token):
        raise GuardRefusal(
            f"KULMIPAY_TOKEN is not a sandbox secret key (it must start {keys.TEST_KEY_PREFIX}...)."
        )


def _check_test_phone(phone: str | None) -> str:
    if not phone:
        raise GuardRefusal(
            "KULMIPAY_TEST_PHONE is required off loopback: schema-valid pushes go to that phone "
            "only (a phone you own, in the form 254XXXXXXXXX). Generated numbers are never dialled."
        )
    example = {"amount": "1", "phone_number": phone}
    if not spec.request_body_validator().is_valid(example):
        raise GuardRefusal(f"KULMIPAY_TEST_PHONE {phone!r} is not a phone number the spec accepts.")
    return phone


def clear(target: Target) -> Clearance:
    """The terms of the run, or GuardRefusal. Sends nothing."""
    _check_key(target.token)
    parts = urlsplit(target.base_url)
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in {"http", "https"} or not host:
        raise GuardRefusal(f"KULMIPAY_BASE_URL {target.base_url!r} is not an http(s) URL.")
    if is_loopback(host):
        return Clearance(
            loopback=True, test_phone=None, max_positive_pushes=None, rate_limit=target.rate_limit
        )
    sandbox = spec.server_hosts("sandbox")
    if host == LIVE_HOST or host in spec.server_hosts("live"):
        raise GuardRefusal(
            f"refusing {host}: it is KulmiPay's live host. Conformance runs target the sandbox."
        )
    if host not in sandbox and host not in target.allowed_hosts:
        raise GuardRefusal(
            f"refusing {host}: only loopback and {', '.join(sorted(sandbox))} are allowed. If you mean "
            f"it, name the host explicitly with --allow-host {host}."
        )
    if not 0 <= target.max_pushes <= MAX_PUSHES_CEILING:
        raise GuardRefusal(f"KULMIPAY_MAX_PUSHES must be between 0 and {MAX_PUSHES_CEILING}.")
    return Clearance(
        loopback=False,
        test_phone=_check_test_phone(target.test_phone),
        max_positive_pushes=target.max_pushes,
        rate_limit=target.rate_limit or DEFAULT_REMOTE_RATE_LIMIT,
    )
