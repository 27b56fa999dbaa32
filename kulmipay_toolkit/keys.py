"""KulmiPay secret keys: which environment a key belongs to, and keeping keys out of text."""

from __future__ import annotations

import re
from typing import Final

TEST_KEY_PREFIX: Final = "ISSecretKey_test_"
LIVE_KEY_PREFIX: Final = "ISSecretKey_live_"
REDACTED: Final = "[REDACTED]"
# Anything shaped like a KulmiPay secret key, so that a key a server echoes back is hidden too,
# even when the caller did not say which key it used.
KEY_SHAPED: Final = re.compile(f"(?:{re.escape(TEST_KEY_PREFIX)}|{re.escape(LIVE_KEY_PREFIX)})[\\w-]+")


# A key is its prefix and a non-empty run of non-whitespace: `ISSecretKey_test_`, `..._test_a b`
# or a trailing tab is a malformed key, not a sandbox key.
_TEST_KEY: Final = re.compile(f"{re.escape(TEST_KEY_PREFIX)}\\S+")


def is_live_key(key: str) -> bool:
    """Anything live-shaped, well-formed or not: deciding what to refuse, a malformed live key
    is still a live key."""
    return key.strip().startswith(LIVE_KEY_PREFIX)


def is_test_key(key: str) -> bool:
    """A well-formed sandbox secret key, exactly: no surrounding whitespace, no empty suffix."""
    return _TEST_KEY.fullmatch(key) is not None


def redact(text: str, *secrets: str | None) -> str:
    """`text` with every secret, and anything key-shaped, replaced. Secrets shorter than 8
    characters are still replaced: a short key is a bad key, not a reason to leak it."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return KEY_SHAPED.sub(REDACTED, text)
