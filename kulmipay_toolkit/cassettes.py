"""Recorded traffic: a VCR cassette as schemathesis writes it (`st run ... --report vcr`), read back
as typed interactions, so that tests and users can replay it (through respx, for instance)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import yaml

Headers = tuple[tuple[str, str], ...]

# The cassette stores the body as decoded text, so replaying these would misframe or re-decode it.
_FRAMING_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding"})


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    uri: str
    # In recorded order, a name repeated once per value.
    headers: Headers
    body: bytes


@dataclass(frozen=True)
class RecordedResponse:
    status: int
    headers: Headers
    body: bytes
    # Schemathesis keeps only a prefix of a very large body, and says so.
    truncated: bool

    def to_httpx(self) -> httpx.Response:
        """The reply as httpx would have received it, ready for respx's `return_value`."""
        headers = [(name, value) for name, value in self.headers if name.lower() not in _FRAMING_HEADERS]
        return httpx.Response(self.status, headers=headers, content=self.body)


@dataclass(frozen=True)
class CheckResult:
    """One check's verdict on one interaction, as schemathesis recorded it."""

    name: str
    passed: bool
    message: str


@dataclass(frozen=True)
class Interaction:
    id: str
    request: RecordedRequest
    # None when the request got no reply (a network error).
    response: RecordedResponse | None
    phase: str | None = None
    checks: tuple[CheckResult, ...] = ()
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class Cassette:
    recorded_with: str
    seed: int | None
    interactions: tuple[Interaction, ...]


def load(path: Path) -> Cassette:
    with path.open(encoding="utf-8") as handle:
        # The C loader is ~6x faster on a cassette of a few hundred interactions.
        document: Any = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(document, dict) or "http_interactions" not in document:
        raise ValueError(f"{path} is not a schemathesis VCR cassette (no `http_interactions`)")
    return Cassette(
        recorded_with=str(document.get("recorded_with", "")),
        seed=document.get("seed"),
        interactions=tuple(_interaction(item) for item in document["http_interactions"] or ()),
    )


def _interaction(item: dict[str, Any]) -> Interaction:
    request, response = item["request"], item.get("response")
    return Interaction(
        id=str(item["id"]),
        request=RecordedRequest(
            method=str(request["method"]),
            uri=str(request["uri"]),
            headers=_headers(request.get("headers")),
            body=_body(request.get("body")),
        ),
        response=None
        if response is None
        else RecordedResponse(
            status=int(response["status"]["code"]),
            headers=_headers(response.get("headers")),
            body=_body(response.get("body")),
            truncated="truncated_from" in response,
        ),
        phase=(item.get("phase") or {}).get("name"),
        checks=tuple(
            CheckResult(str(check["name"]), check["status"] != "FAILURE", str(check.get("message") or ""))
            for check in item.get("checks") or ()
        ),
        recorded_at=_moment(item.get("recorded_at")),
    )


def _moment(recorded: object) -> datetime | None:
    """The cassette's ISO 8601 time (YAML may already have read it as a datetime)."""
    if isinstance(recorded, datetime):
        return recorded
    try:
        return datetime.fromisoformat(str(recorded)) if recorded else None
    except ValueError:
        return None


def _headers(recorded: dict[str, list[str]] | None) -> Headers:
    return tuple((str(name), str(value)) for name, values in (recorded or {}).items() for value in values)


def _body(recorded: dict[str, str] | None) -> bytes:
    """`string` (with its `encoding`) or, with `--report-preserve-bytes`, `base64_string`."""
    if not recorded:
        return b""
    if "base64_string" in recorded:
        return base64.b64decode(recorded["base64_string"])
    return str(recorded.get("string") or "").encode(recorded.get("encoding") or "utf-8")
