"""Bearer-key authentication as KulmiPay documents it. Messages are KulmiPay's (or DRF's)."""

from __future__ import annotations

from collections.abc import Collection

from ..keys import is_live_key, is_test_key
from .reply import Reply, error

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID = "Invalid api token"
LIVE_ON_SANDBOX = "Invalid token for live environment"
CHALLENGE = {"WWW-Authenticate": "Bearer"}


def authenticate(authorization: str | None, allowed_keys: Collection[str] = ()) -> Reply | None:
    """None when the key is accepted, else the 401 to send. Any sandbox key is accepted
    unless `allowed_keys` names the only ones that are."""
    scheme, _, key = (authorization or "").partition(" ")
    # Not stripped: whitespace in or around the key makes it an invalid key, not a valid one.
    if scheme.lower() != "bearer" or not key.strip():
        return error(401, NOT_PROVIDED, **CHALLENGE)
    if is_live_key(key):
        return error(401, LIVE_ON_SANDBOX, **CHALLENGE)
    if not is_test_key(key) or (allowed_keys and key not in allowed_keys):
        return error(401, INVALID, **CHALLENGE)
    return None
