"""The emulator as an ASGI app: routes, JSON errors for unknown paths and methods, and one
log line per request (method, path, status, latency; never headers, so never the key)."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import control
from .faults import emulator_for
from .pipeline import Emulator, Settings
from .reply import error

log = logging.getLogger("kulmipay_toolkit.emulator")

SPEC_ROUTE = "/openapi.yaml"
EVENTS_OPERATION_ID = "list_webhook_events"


def create_app(settings: Settings | None = None, *, emulator: Emulator | None = None) -> ASGIApp:
    """The ASGI app; pass `emulator` to keep a handle on its state (tests, benchmarks)."""
    emulator = emulator or emulator_for(settings or Settings())

    async def stk_push(request: Request) -> Response:
        return (await emulator.handle(request.headers, request.stream())).response()

    async def openapi_document(request: Request) -> Response:
        return FileResponse(contract.path, media_type="application/yaml")

    async def status(request: Request) -> Response:
        emulator.wake_deliveries()  # a read may be the first to see a state change: send its event
        return (await emulator.handle_status(request.headers, request.stream())).response()

    async def webhook_events(request: Request) -> Response:
        return (await emulator.event_log(request.headers)).response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        detail = "Not found." if exc.status_code == 404 else exc.detail
        if exc.status_code == 404 and request.url.path + "/" == push_path:
            # The API reference page spells the path without the slash; say what works.
            detail = f"Not found. The STK push path ends with a slash: {push_path}"
        if exc.status_code == 405:
            detail = f'Method "{request.method}" not allowed.'
        return error(exc.status_code, detail, **(exc.headers or {})).response()

    contract = emulator.spec
    push_path = contract.base_path() + contract.stk_push_path()
    app = Starlette(
        routes=[
            Route(push_path, stk_push, methods=["POST"]),
            Route(contract.base_path() + contract.status_path(), status, methods=["POST"]),
            Route(
                contract.base_path() + contract.operation(EVENTS_OPERATION_ID)[0],
                webhook_events,
                methods=["GET"],
            ),
            Route(contract.base_path() + SPEC_ROUTE, openapi_document, methods=["GET"]),
            *control.routes(emulator),
        ],
        exception_handlers={HTTPException: http_error},
    )
    # A redirect (307) is not in the contract, and a client that follows it with a GET (as
    # many do for 301/302) would lose the push: answer 404 with the right path instead.
    app.router.redirect_slashes = False
    # The log sees the rewritten path: an absolute-form target could carry `user:key@host`.
    return AbsoluteForm(AccessLog(app))


class AbsoluteForm:
    """Accepts absolute-form request targets (`POST http://host/api/v1/... HTTP/1.1`), as
    RFC 9112 3.2.2 says a server must: clients talking through a forward proxy send them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and path.startswith(("http://", "https://")):
            scope = dict(scope, path=urlsplit(path).path or "/", raw_path=None)
        await self.app(scope, receive, send)


class AccessLog:
    """Pure ASGI middleware: timing the whole exchange costs one wrapper, no body buffering."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, elapsed_ms)
