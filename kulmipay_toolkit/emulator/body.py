"""Reading and decoding the request body: every way it can be bad becomes a clear 4xx."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

from ..errors import BadBody
from .reply import JSON_MEDIA_TYPE, error

MAX_BODY_BYTES = 64 * 1024


def check_media_type(content_type: str | None) -> None:
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JSON_MEDIA_TYPE:
        shown = media_type or "none"
        raise BadBody(error(415, f'Unsupported media type "{shown}" in request.'))


async def read_limited(
    declared_length: str | None, chunks: AsyncIterator[bytes], limit: int = MAX_BODY_BYTES
) -> bytes:
    """The whole body, refusing (413) as soon as it is known to be over `limit`: from
    Content-Length before reading anything, or while reading a chunked body."""
    too_large = BadBody(error(413, f"Request body exceeds {limit} bytes."))
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        raise too_large
    received = bytearray()
    async for chunk in chunks:
        received += chunk
        if len(received) > limit:
            raise too_large
    return bytes(received)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    # 1e400 is valid JSON but no finite float: it would reach the validator as infinity.
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number {text[:40]} is out of range")
    return number


def parse_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object, or BadBody(400) saying what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        raise BadBody(error(400, f"Body is not valid UTF-8 (byte {problem.start}).")) from None
    try:
        # NaN and Infinity are Python's extensions, not JSON.
        parsed = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise BadBody(error(400, "JSON parse error - nested too deeply.")) from None
    except ValueError as problem:
        raise BadBody(error(400, f"JSON parse error - {problem}")) from None
    if "\\u" in text:
        try:  # `"\ud800"` decodes to a lone surrogate, which no UTF-8 text (or reply) can hold
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise BadBody(error(400, "JSON parse error - unpaired surrogate escape in a string.")) from None
    if not isinstance(parsed, dict):
        kind = type(parsed).__name__ if parsed is not None else "null"
        raise BadBody(error(400, f"Invalid data. Expected a JSON object, but got {kind}."))
    return parsed
