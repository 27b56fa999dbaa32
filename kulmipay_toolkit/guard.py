"""The safety guard: decides, before a single push is sent, whether a conformance run may target
this server with this key, and on what terms. The rules (README "Against the real KulmiPay
sandbox" links here; this docstring is the one place they are written down):

- A live key (`ISSecretKey_live_...`) is refused outright, and so is anything that is not a
  sandbox secret key. No option lifts this.
- KulmiPay's live host is never a target. Loopback and the spec's sandbox host are allowed; any
  other host only when named explicitly (`--allow-host`).
- Trusted (no phone confinement, no push cap, no rate limit) is only the emulator the runner
  starts itself, a server that proves to be this toolkit's emulator (`identity.py`), or a target
  the user vouches for with `--trust-target` / `KULMIPAY_TRUST_TARGET=1`.
- Every other target, loopback included (an SSH tunnel or a debugging proxy puts the real
  sandbox there), gets the remote terms, enforced by the egress gate (`gate.py`) that every
  request of the run leaves through (generated cases, any request a check sends on its own, the
  client probe, the preflight and lifecycle reads):
  - a schema-valid push goes only to `KULMIPAY_TEST_PHONE`, without `wallet_id`, and at most
    `KULMIPAY_MAX_PUSHES` of them (`MIN_REMOTE_PUSHES` to `MAX_PUSHES_CEILING`: one for the
    client probe, the rest for schemathesis); past the cap the gate answers locally and sends
    nothing, and its own answers are left out of the verdict;
  - in any other request every run of seven digits or more (`DIALABLE`), however punctuated,
    escaped or encoded, becomes zeros, or the request is refused;
  - requests leave no faster than `KULMIPAY_RATE_LIMIT` (`DEFAULT_REMOTE_RATE_LIMIT`);
  - only the checks in `conformance/checklist.py` marked remote-safe run (`ignored_auth`, which
    re-sends a valid body without the key, does not), and the spec's own examples are not sent.
- Nothing is retried: an STK push is not idempotent.
- Fail closed: the hooks `st` loads refuse to load without the run's terms
  (`conformance/terms.py`), and the gate refuses to start without a phone and a budget."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import keys, spec
from .errors import GuardRefusal

DEFAULT_MAX_PUSHES = 5
# The client probe takes one push and schemathesis needs at least one accepted push for the
# domain checks to judge anything: fewer could only ever end inconclusive.
MIN_REMOTE_PUSHES = 2
MAX_PUSHES_CEILING = 50
DEFAULT_REMOTE_RATE_LIMIT = "2/s"
# Fails the spec's phone pattern (no 7 or 1 after 254) and is no subscriber's line: negative
# cases sent off the trusted emulator carry this instead of anything that looks dialable.
UNREACHABLE_PHONE = "254000000000"
# Never a target, whatever the spec in use says: KulmiPay's live host.
LIVE_HOST = "app.kulmipay.com"
# Seven digits or more, however punctuated: what a server that normalises numbers could dial.
# `\d` on text also matches other scripts' digits, which a lenient server may fold to ASCII.
DIALABLE = re.compile(r"\+?\d(?:[\s().\-/+]*\d){6,}")
OWN_EMULATOR = "the emulator this run started"
OPT_IN = "trusted on the user's word (--trust-target / KULMIPAY_TRUST_TARGET=1)"
PROVEN = "proved to be this toolkit's emulator (identity handshake)"


@dataclass(frozen=True)
class Target:
    base_url: str
    token: str = field(repr=False)
    test_phone: str | None = None
    max_pushes: int = DEFAULT_MAX_PUSHES
    allowed_hosts: tuple[str, ...] = ()
    rate_limit: str | None = None
    trust: bool = False  # the user's explicit opt-in


@dataclass(frozen=True)
class Clearance:
    """The terms of a run. `trusted_by` None means the remote terms apply."""

    trusted_by: str | None
    test_phone: str | None
    max_positive_pushes: int | None
    rate_limit: str | None

    @property
    def remote(self) -> bool:
        return self.trusted_by is None

    def describe(self) -> str:
        if self.trusted_by is not None:
            return f"trusted, no limits: {self.trusted_by}"
        return (
            f"remote terms: schema-valid pushes only to the test phone, at most "
            f"{self.max_positive_pushes}, rate {self.rate_limit}, through the egress gate"
        )


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def confine_positive(body: dict[str, Any], test_phone: str) -> dict[str, Any]:
    """A schema-valid push made safe to send: to the test phone only, and without a `wallet_id`
    (a generated one is not the account's wallet)."""
    confined = {**body, "phone_number": test_phone}
    confined.pop("wallet_id", None)
    return confined


def could_dial(text: str) -> bool:
    """Whether `text` holds a run of seven digits or more that is not all zeros (a scrubbed run)."""
    return any(re.sub(r"\D|0", "", run.group()) for run in DIALABLE.finditer(text))


def scrub_text(text: str) -> str:
    """`text` with every dialable run's digits turned to `0`: nobody's line, and still invalid
    wherever the spec wants a phone number."""
    return DIALABLE.sub(lambda run: re.sub(r"\d", "0", run.group()), text)


def scrub_value(value: Any) -> Any:
    """A JSON value with every dialable string or number scrubbed, at any depth."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return 0 if could_dial(str(value)) else value
    if isinstance(value, list):
        return [scrub_value(item) for item in value]
    if isinstance(value, dict):
        return {key: scrub_value(item) for key, item in value.items()}
    return value


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
            "KULMIPAY_TEST_PHONE is required for a target that is not this toolkit's emulator: "
            "schema-valid pushes go to that phone only (a phone you own, 254XXXXXXXXX). "
            "Generated numbers are never dialled."
        )
    if not spec.request_body_validator().is_valid({"amount": "1", "phone_number": phone}):
        raise GuardRefusal(f"KULMIPAY_TEST_PHONE {phone!r} is not a phone number the spec accepts.")
    return phone


def host_of(base_url: str) -> str:
    return (urlsplit(base_url).hostname or "").rstrip(".").lower()


def is_kulmipay_host(base_url: str) -> bool:
    """KulmiPay's own hosts (sandbox or live): never this toolkit's emulator, so no handshake."""
    host = host_of(base_url)
    return host == LIVE_HOST or host in spec.server_hosts("sandbox") | spec.server_hosts("live")


def check_target(target: Target) -> None:
    """The key and the host, or GuardRefusal. Sends nothing."""
    _check_key(target.token)
    parts = urlsplit(target.base_url)
    host = host_of(target.base_url)
    if parts.scheme not in {"http", "https"} or not host:
        raise GuardRefusal(f"KULMIPAY_BASE_URL {target.base_url!r} is not an http(s) URL.")
    if host == LIVE_HOST or host in spec.server_hosts("live"):
        raise GuardRefusal(
            f"refusing {host}: it is KulmiPay's live host. Conformance runs target the sandbox."
        )
    sandbox = spec.server_hosts("sandbox")
    if not is_loopback(host) and host not in sandbox and host not in target.allowed_hosts:
        raise GuardRefusal(
            f"refusing {host}: only loopback and {', '.join(sorted(sandbox))} are allowed. If you mean "
            f"it, name the host explicitly with --allow-host {host}."
        )


def clearance_for(target: Target, *, trusted_by: str | None = None) -> Clearance:
    """The terms of the run, or GuardRefusal. Sends nothing. `trusted_by` is the runner's
    finding (its own emulator, or a proven one); the user's opt-in comes with the target."""
    check_target(target)
    if trusted_by is None and target.trust:
        trusted_by = OPT_IN
    if trusted_by is not None:
        return Clearance(trusted_by, None, None, target.rate_limit)
    if not MIN_REMOTE_PUSHES <= target.max_pushes <= MAX_PUSHES_CEILING:
        raise GuardRefusal(
            f"KULMIPAY_MAX_PUSHES must be between {MIN_REMOTE_PUSHES} and {MAX_PUSHES_CEILING}: one "
            "push goes to the generated client's probe, and fewer than one left for schemathesis "
            "would leave the domain checks nothing to judge."
        )
    return Clearance(
        trusted_by=None,
        test_phone=_check_test_phone(target.test_phone),
        max_positive_pushes=target.max_pushes,
        rate_limit=target.rate_limit or DEFAULT_REMOTE_RATE_LIMIT,
    )
