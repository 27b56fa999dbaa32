"""A small `collection_event` receiver built on `kulmipay_toolkit.webhooks.receiver`: what a
payment integration's webhook endpoint should do, and one that passes `make webhook-check`.

    KULMIPAY_WEBHOOK_CHALLENGE=... python examples/receiver.py 8080
    make webhook-check WEBHOOK_URL=http://127.0.0.1:8080/kulmipay/events WEBHOOK_CHALLENGE=...

It refuses forged (403) and malformed (400) events, acknowledges the rest at once (200), and is
idempotent: the same event twice, or a final state before PENDING, changes nothing it should not.
Real work (marking an order paid) belongs after the answer, in your queue."""

from __future__ import annotations

import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kulmipay_toolkit.webhooks.receiver import MAX_EVENT_BYTES, ForgedEvent, WebhookRejected, verify_event

FINAL = {"COMPLETE", "FAILED"}


class Payments:
    """What the shop knows: each invoice's latest state. A final state is never overwritten."""

    def __init__(self) -> None:
        self.states: dict[str, str] = {}
        self.lock = threading.Lock()

    def record(self, invoice_id: str, state: str) -> None:
        with self.lock:
            if self.states.get(invoice_id) not in FINAL:  # late PENDING after COMPLETE: ignored
                self.states[invoice_id] = state


class Receiver(BaseHTTPRequestHandler):
    challenge = ""
    payments = Payments()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_EVENT_BYTES:
            self.answer(413)
            return
        try:
            event = verify_event(self.rfile.read(length), challenge=self.challenge)
        except ForgedEvent:
            self.answer(403)
            return
        except WebhookRejected:
            self.answer(400)
            return
        self.payments.record(event.invoice_id, str(event.state))
        self.answer(200)

    def answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # an event log line could carry the challenge-bearing body: keep it quiet


def serve(port: int, challenge: str, handler: type[Receiver] = Receiver) -> ThreadingHTTPServer:
    bound = type("BoundReceiver", (handler,), {"challenge": challenge, "payments": Payments()})
    return ThreadingHTTPServer(("127.0.0.1", port), bound)


if __name__ == "__main__":
    server = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8080, os.environ["KULMIPAY_WEBHOOK_CHALLENGE"])
    print(f"collection_event receiver on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()
