"""The emulator's control plane, under `/_emulator/` (never under the API's base path), as
`spec/emulator-control.yaml` describes it: the runner's identity handshake, moving a manual
clock, settling an invoice now. Bodies are validated against that document; every refusal is a
clear 4xx `{"detail": ...}`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .. import identity, spec
from ..errors import BadBody
from .body import parse_object
from .clock import ManualClock
from .pipeline import Emulator
from .reply import Reply, error

PREFIX = "/_emulator"
MAX_NONCE = 128
MAX_CONTROL_BODY = 4096


async def _body(request: Request, schema_name: str) -> tuple[Any, Reply | None]:
    raw = await request.body()
    if len(raw) > MAX_CONTROL_BODY:
        return None, error(400, f"control bodies are at most {MAX_CONTROL_BODY} bytes")
    try:
        data = parse_object(raw)  # the API's own parser: no NaN, no lone surrogates, an object
    except BadBody:
        return None, error(400, "the body must be a JSON object, e.g. " + _example(schema_name))
    problems = spec.body_errors(spec.control_body_validator(schema_name), data)
    if problems:
        return None, error(400, f"{'; '.join(problems)[:300]} (expected e.g. {_example(schema_name)})")
    return data, None


def _example(schema_name: str) -> str:
    return {"ClockAdvance": '{"seconds": 5}', "Settlement": '{"state": "FAILED", "failed_code": "1032"}'}.get(
        schema_name, "{}"
    )


def routes(emulator: Emulator) -> list[Route]:
    async def identify(request: Request) -> Response:
        # The conformance runner's handshake (identity.py): only a proven emulator gets a full run.
        nonce = request.query_params.get("nonce", "")
        if not 0 < len(nonce) <= MAX_NONCE:
            return error(400, f"nonce must be 1 to {MAX_NONCE} characters").response()
        return Reply(200, identity.answer(nonce, manual_clock=emulator.clock.manual)).response()

    async def advance(request: Request) -> Response:
        clock = emulator.clock
        if not isinstance(clock, ManualClock):
            return error(409, "the clock is real time; start the emulator with --clock manual").response()
        data, refused = await _body(request, "ClockAdvance")
        if refused is not None:
            return refused.response()
        now = clock.advance(float(data["seconds"]))
        emulator.wake_deliveries()
        return Reply(200, {"seconds": now, "manual": True}).response()

    async def settle(request: Request) -> Response:
        data, refused = await _body(request, "Settlement")
        if refused is not None:
            return refused.response()
        invoice_id = request.path_params["invoice_id"]
        try:
            settled = emulator.book.settle(invoice_id, data["state"], data.get("failed_code"))
            emulator.wake_deliveries()
        except KeyError:
            return error(404, f"no invoice {invoice_id!r} (never issued, or evicted)").response()
        except ValueError as final:
            return error(409, f"{final}: only a pending invoice can be settled").response()
        return Reply(200, settled).response()

    async def replay(request: Request) -> Response:
        if emulator.deliveries is None:
            return error(409, "no webhook is configured (--webhook-url)").response()
        try:
            event = emulator.deliveries.replay(request.path_params["event_id"])
        except KeyError:
            return error(404, "no such event (never sent, or out of the bounded log)").response()
        except ValueError as problem:
            return error(409, str(problem)).response()
        emulator.wake_deliveries()
        return Reply(200, event.logged(emulator.deliveries.url)).response()

    async def document(request: Request) -> Response:
        return FileResponse(spec.CONTROL_SPEC_PATH, media_type="application/yaml")

    return [
        Route(identity.PATH, identify, methods=["GET"]),
        Route(f"{PREFIX}/clock/advance", advance, methods=["POST"]),
        Route(f"{PREFIX}/invoices/{{invoice_id}}/outcome", settle, methods=["POST"]),
        Route(f"{PREFIX}/webhooks/events/{{event_id}}/replay", replay, methods=["POST"]),
        Route(f"{PREFIX}/openapi.yaml", document, methods=["GET"]),
    ]
