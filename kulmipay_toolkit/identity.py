"""Proof that a server is this toolkit's own emulator, the only target trusted with an unlimited
run (no phone confinement, no push cap).

A loopback address proves nothing: `ssh -L`, mitmproxy or a corporate egress proxy put the real
sandbox on 127.0.0.1. So the runner asks `GET <origin>/_emulator/identity?nonce=N` and trusts the
target only if the answer carries the nonce and a proof derived from it. A forwarding proxy in
front of the emulator passes the exchange through; the real sandbox has no such path, and a
static or echoing server cannot compute the proof."""

from __future__ import annotations

import hashlib
import secrets
import ssl
import string
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from . import __version__

PATH: Final = "/_emulator/identity"
NAME: Final = "kulmipay-toolkit-emulator"
# Short: a target that is not the emulator (a down port, a real host) must not slow the run.
HANDSHAKE_TIMEOUT: Final = 3.0


def proof(nonce: str) -> str:
    return hashlib.sha256(f"{NAME}:{nonce}".encode()).hexdigest()


def answer(nonce: str, *, manual_clock: bool) -> dict[str, Any]:
    """The emulator's side of the handshake; its clock tells the runner whether it can drive it."""
    clock = "manual" if manual_clock else "real"
    return {"emulator": NAME, "version": __version__, "nonce": nonce, "proof": proof(nonce), "clock": clock}


def identity_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{PATH}"


def is_toolkit_emulator(base_url: str, *, verify: ssl.SSLContext | str | bool = True) -> bool:
    return handshake(base_url, verify=verify) is not None


def handshake(
    base_url: str, *, verify: ssl.SSLContext | str | bool = True, timeout: float = HANDSHAKE_TIMEOUT
) -> dict[str, Any] | None:
    """The emulator's answer if the server behind `base_url` proves to be this toolkit's
    emulator, else None. Sends one GET, never a push; any failure (refused, timeout, TLS, wrong
    answer) means no."""
    # Letters only: nothing in the handshake may look like a phone number to anyone's filter.
    nonce = "".join(secrets.choice(string.ascii_lowercase) for _ in range(32))
    try:
        with httpx.Client(
            verify=verify, timeout=min(timeout, HANDSHAKE_TIMEOUT), follow_redirects=False
        ) as client:
            reply = client.get(identity_url(base_url), params={"nonce": nonce})
        data = reply.json()
    except (httpx.HTTPError, ValueError):
        return None
    proven = reply.status_code == 200 and isinstance(data, dict) and data.get("nonce") == nonce
    return data if proven and data.get("proof") == proof(nonce) else None
