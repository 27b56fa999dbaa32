"""Every exception this toolkit raises on purpose, in one tree (httpx's `_exceptions.py` is the
model). Catch `ToolkitError` for all of them, or one branch:

    ToolkitError
    ├── UsageError (ValueError)        a command or run asked for something it cannot do
    ├── GuardRefusal                   the run must not start against this target (guard.py)
    ├── MissingTerms (RuntimeError)    the hooks loaded without the guard's terms: send nothing
    ├── Interrupted                    SIGTERM during a run, raised in its main thread
    ├── ContractViolation (ValueError) a reply the spec does not allow (strict.py)
    ├── BodySchemaError (ValueError)   one way a body breaks its schema (spec.body_errors)
    ├── WebhookRejected (ValueError)   a collection_event body not to act on (webhooks.receiver)
    │   ├── MalformedEvent             not JSON, too large, or not the event's schema
    │   └── ForgedEvent                its challenge is not yours
    └── Signal                         control flow inside one module; never reaches a user
        ├── BadBody                    the emulator answers with `reply` instead (emulator.body)
        └── NotApplicable              a reply lacks what a domain rule judges (checks.py)

No message carries a key or a webhook challenge: whoever raises redacts first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import keys

if TYPE_CHECKING:
    from .emulator.reply import Reply

# Schema errors quote the offending value, which can be the whole body.
_EXCERPT = 200


class ToolkitError(Exception):
    """The base of every exception below."""


class UsageError(ToolkitError, ValueError):
    """Asked for something it cannot do; the message says what and how to fix it."""


class GuardRefusal(ToolkitError):
    """The run must not start. The message says why and what to do instead."""


class MissingTerms(ToolkitError, RuntimeError):
    """The hooks were loaded without the guard's terms: nothing may be sent."""


class Interrupted(ToolkitError):
    """SIGTERM, turned into an exception in the main thread so the run can end cleanly."""


class ContractViolation(ToolkitError, ValueError):
    """A reply the spec does not allow, or a spec-valid one the generated models cannot read.

    `problems` lists what broke, one entry each; neither it nor the message carries a key."""

    def __init__(self, status: int, problems: Iterable[str], *, secrets: Iterable[str | None] = ()) -> None:
        hidden = tuple(secrets)
        self.status = status
        # Redacted before shortened, so that a cut can never leave part of a key behind.
        self.problems = tuple(_short(keys.redact(problem, *hidden)) for problem in problems)
        super().__init__(f"HTTP {status} reply breaks the contract: " + "; ".join(self.problems))


class BodySchemaError(ToolkitError, ValueError):
    """One way a body breaks its schema, as `spec.body_errors` words it."""


class WebhookRejected(ToolkitError, ValueError):
    """The body is not an event to act on; the message says why (never the challenge)."""


class MalformedEvent(WebhookRejected):
    """Not JSON, too large, or not a `collection_event` as the spec describes it."""


class ForgedEvent(WebhookRejected):
    """Well formed, but its challenge is not the receiver's."""


class Signal(ToolkitError):
    """Control flow within one module, caught there: never raised to a user."""


class BadBody(Signal):
    """The body cannot be used; `reply` says why, in a status the spec declares."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.body)
        self.reply = reply


class NotApplicable(Signal):
    """Raised by a rule when the reply lacks what it judges (an optional field left out)."""


def _short(text: str) -> str:
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "..."
