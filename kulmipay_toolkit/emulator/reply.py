"""What a pipeline step answers: a status, a JSON body (or raw bytes) and headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

JSON_MEDIA_TYPE = "application/json"


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-serialisable, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = JSON_MEDIA_TYPE

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode()


def error(status: int, detail: str, **headers: str) -> Reply:
    """A general error, `{"detail": "..."}`, the shape the spec's Error schema declares."""
    return Reply(status, {"detail": detail}, headers)
