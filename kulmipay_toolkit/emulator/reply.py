"""What a pipeline step answers: a status, a JSON body (or raw bytes) and headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

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

    def response(self) -> Response:
        """As the ASGI app sends it."""
        return Response(self.encoded(), self.status, self.headers, media_type=self.media_type)


def error(status: int, detail: str, **headers: str) -> Reply:
    """A general error, `{"detail": "..."}`, the shape the spec's Error schema declares."""
    return Reply(status, {"detail": detail}, headers)
