"""The spec's own examples, as replies to serve."""

from __future__ import annotations

import copy
from collections.abc import Callable

from kulmipay_toolkit import spec
from kulmipay_toolkit.spec import JSON


def pending_push(change: Callable[[JSON], object] = lambda body: None) -> JSON:
    """The spec's PendingPush example (a fresh copy), after `change`."""
    example = spec.resolve(spec.document()["components"]["examples"]["PendingPush"])["value"]
    body: JSON = copy.deepcopy(example)
    change(body)
    return body
