"""Fault profiles: named, realistic ways a sandbox drifts from its contract. Each one is the
faithful `Emulator` with one step overridden, registered with what it breaks and the check that
must catch it. The conformance self-test runs every profile in `FAULTS`, so a new profile that
the suite does not detect fails `make test`."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

from .. import rules
from ..spec import JSON
from .delivery import Deliveries
from .lifecycle import Moment
from .pipeline import Emulator, Settings
from .reply import Reply


@dataclass(frozen=True)
class Fault:
    name: str
    breaks: str
    caught_by: str  # the schemathesis check (built-in or ours) that must report it
    emulator: type[Emulator]
    # The cheapest schemathesis phases that expose it: the self-test runs only these. A drift in
    # what every valid push gets is in the spec's own examples; others need generated cases; none
    # for what only the run's own lifecycle and webhook probes can see.
    phases: tuple[str, ...] = ("examples",)


FAULTS: dict[str, Fault] = {}


def fault(
    name: str, *, breaks: str, caught_by: str, phases: tuple[str, ...] = ("examples",)
) -> Callable[[type[Emulator]], type[Emulator]]:
    def register(cls: type[Emulator]) -> type[Emulator]:
        if name in FAULTS:
            raise ValueError(f"fault profile {name!r} is registered twice")
        FAULTS[name] = Fault(name, breaks, caught_by, cls, phases)
        return cls

    return register


def emulator_for(settings: Settings) -> Emulator:
    if settings.fault is None:
        return Emulator(settings)
    if settings.fault not in FAULTS:
        known = ", ".join(sorted(FAULTS))
        raise ValueError(f"unknown fault profile {settings.fault!r}; known profiles: {known}")
    return FAULTS[settings.fault].emulator(settings)


class AlteredSuccess(Emulator):
    """Sends a 200 that differs from the faithful one: in its body (`alter`), or in the reply as
    a whole (`alter_reply`: status, media type, raw bytes)."""

    def finish(self, reply: Reply, payload: JSON | None) -> Reply:
        if reply.status == 200 and payload is not None:
            self.alter_reply(reply, payload)
        return reply

    def alter_reply(self, reply: Reply, request: JSON) -> None:
        self.alter(reply.body, request)

    def alter(self, body: JSON, request: JSON) -> None:
        raise NotImplementedError


@fault(
    "missing-required-field",
    breaks="200 without the required `customer` object",
    caught_by="response_schema_conformance",
)
class MissingRequiredField(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        del body["customer"]


@fault(
    "wrong-type",
    breaks='`invoice.retry_count` sent as the string "0"',
    caught_by="response_schema_conformance",
)
class WrongType(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["retry_count"] = str(body["invoice"]["retry_count"])


@fault(
    "wrong-format",
    breaks="top-level `id` is not a uuid (`inv_` + hex)",
    caught_by="response_schema_conformance",
)
class WrongFormat(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["id"] = "inv_" + body["id"].replace("-", "")


@fault("null-not-allowed", breaks="`customer.customer_id` is null", caught_by="response_schema_conformance")
class NullNotAllowed(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["customer"]["customer_id"] = None


@fault(
    "pattern-violated",
    breaks="`customer_comment` has characters its pattern forbids",
    caught_by="response_schema_conformance",
)
class PatternViolated(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["customer_comment"] = "Paid via *334#"


@fault(
    "undocumented-status",
    breaks="success answered 201 Created, which the spec does not declare",
    caught_by="status_code_conformance",
)
class UndocumentedStatus(AlteredSuccess):
    def alter_reply(self, reply: Reply, request: JSON) -> None:
        reply.status = 201


@fault("wrong-content-type", breaks="success sent as `text/html`", caught_by="content_type_conformance")
class WrongContentType(AlteredSuccess):
    def alter_reply(self, reply: Reply, request: JSON) -> None:
        reply.media_type = "text/html"


@fault("empty-body", breaks="200 with an empty body", caught_by="response_schema_conformance")
class EmptyBody(AlteredSuccess):
    def alter_reply(self, reply: Reply, request: JSON) -> None:
        reply.body = b""


@fault(
    "accepts-invalid-input",
    breaks="no validation: schema-invalid pushes get a 200",
    caught_by="negative_data_rejection",
    phases=("examples", "coverage"),
)
class AcceptsInvalidInput(Emulator):
    def validate(self, payload: JSON) -> Reply | None:
        return None

    def accept(self, payload: JSON) -> Reply:
        # A lax server coerces what it can and fills in the rest.
        fallback = self.spec.request_fields()
        try:
            return super().accept(payload)
        except (KeyError, ValueError, TypeError, ArithmeticError):
            coerced = {
                "amount": "1",
                "phone_number": str(payload.get("phone_number", fallback["phone_number"]["examples"][0])),
            }
            return super().accept(coerced)


@fault(
    "ignores-auth", breaks="no authentication: requests without a valid key succeed", caught_by="ignored_auth"
)
class IgnoresAuth(Emulator):
    def authenticate(self, authorization: str | None) -> Reply | None:
        return None


@fault(
    "server-error-on-numbers",
    breaks="500 when `amount` is a JSON number, which the spec allows",
    caught_by="not_a_server_error",
)
class ServerErrorOnNumbers(Emulator):
    def accept(self, payload: JSON) -> Reply:
        if not isinstance(payload["amount"], str):
            return Reply(500, {"detail": "A server error occurred."})
        return super().accept(payload)


@fault(
    "rejects-valid-input",
    breaks="400 for an `api_ref` over 100 characters, though the spec allows 140 (a short column)",
    caught_by="positive_data_acceptance",
    phases=("examples", "coverage"),
)
class RejectsValidInput(Emulator):
    def validate(self, payload: JSON) -> Reply | None:
        api_ref = payload.get("api_ref")
        if isinstance(api_ref, str) and len(api_ref) > 100:
            return Reply(400, {"api_ref": ["Ensure this field has no more than 100 characters."]})
        return super().validate(payload)


@fault(
    "undeclared-error-shape",
    breaks='validation errors as `{"error": "..."}`, a shape the spec does not declare',
    caught_by="response_schema_conformance",
    phases=("examples", "coverage"),
)
class UndeclaredErrorShape(Emulator):
    def validate(self, payload: JSON) -> Reply | None:
        reply = super().validate(payload)
        if reply is not None:
            field = next(iter(reply.body))
            reply.body = {"error": f"{field} is invalid"}
        return reply


@fault(
    "api-ref-not-echoed",
    breaks="`invoice.api_ref` is always the default, whatever was sent",
    caught_by="api_ref_is_echoed",
)
class ApiRefNotEchoed(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["api_ref"] = rules.DEFAULT_API_REF


@fault(
    "account-masked",
    breaks="`invoice.account` masks the phone number (`2547****5678`)",
    caught_by="account_is_phone_number",
)
class AccountMasked(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        account = body["invoice"]["account"]
        body["invoice"]["account"] = account[:4] + "****" + account[-4:]


@fault(
    "rounds-down",
    breaks="`invoice.value` rounds fractions down instead of up",
    caught_by="invoice_amounts_follow_rules",
)
class RoundsDown(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        floor = math.floor(rules.to_decimal(request["amount"]))
        body["invoice"]["value"] = rules.money(rules.to_decimal(floor))


@fault(
    "tariff-ignored",
    breaks="`CUSTOMER-PAYS` settles like `BUSINESS-PAYS` (fee deducted)",
    caught_by="invoice_amounts_follow_rules",
)
class TariffIgnored(Emulator):
    def accept(self, payload: JSON) -> Reply:
        return super().accept({**payload, "mobile_tarrif": rules.DEFAULT_TARIFF})


@fault("wrong-currency", breaks="`invoice.currency` is `KSH`", caught_by="currency_is_kes")
class WrongCurrency(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["currency"] = "KSH"


@fault(
    "reused-invoice-id", breaks="every push gets the same `invoice_id`", caught_by="invoice_ids_are_unique"
)
class ReusedInvoiceId(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["invoice_id"] = "QZ7L0RK"


@fault(
    "new-invoice-processing",
    breaks="a new invoice is already `PROCESSING`, before the customer saw the prompt",
    caught_by="new_invoice_is_pending",
)
class NewInvoiceProcessing(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["state"] = "PROCESSING"


@fault(
    "retry-count-one", breaks="a new invoice says it was retried once", caught_by="retry_count_starts_at_zero"
)
class RetryCountOne(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["retry_count"] = rules.INITIAL_RETRY_COUNT + 1


@fault(
    "receipt-before-payment",
    breaks="a PENDING invoice already carries an M-Pesa receipt",
    caught_by="state_fields_match_state",
)
class ReceiptBeforePayment(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        body["invoice"]["mpesa_reference"] = "SJK7H2L9QX"


@fault(
    "another-customer",
    breaks="`customer` is the previous push's customer, not the prompted phone's",
    caught_by="customer_is_the_prompted_phone",
)
class AnotherCustomer(AlteredSuccess):
    def alter(self, body: JSON, request: JSON) -> None:
        phone = body["customer"]["phone_number"]
        body["customer"]["phone_number"] = phone[:-1] + str((int(phone[-1]) + 1) % 10)


# The lifecycle: what the status endpoint says after the push. The run's lifecycle probe reads
# every outcome over time, so the examples phase is enough for each.


class AlteredStatus(Emulator):
    """Sends a status 200 that differs from the faithful one (`alter_status`)."""

    def finish_status(self, reply: Reply, payload: JSON | None) -> Reply:
        if reply.status == 200 and payload is not None:
            self.alter_status(reply.body["invoice"], payload)
        return reply

    def alter_status(self, invoice: JSON, request: JSON) -> None:
        raise NotImplementedError


@fault(
    "status-disagrees-with-push",
    breaks="the status read shows a `value` one shilling above the push's",
    caught_by="status_agrees_with_push",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class StatusDisagreesWithPush(AlteredStatus):
    def alter_status(self, invoice: JSON, request: JSON) -> None:
        invoice["value"] = rules.money(rules.to_decimal(invoice["value"]) + 1)


@fault(
    "status-shows-another-invoice",
    breaks="the status read answers with the previous push's invoice",
    caught_by="status_agrees_with_push",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class StatusShowsAnotherInvoice(Emulator):
    def look_up(self, payload: JSON) -> Reply:
        others = [key for key in self.book.invoices if key != payload["invoice_id"]]
        if payload["invoice_id"] in self.book.invoices and others:
            return super().look_up({**payload, "invoice_id": others[-1]})
        return super().look_up(payload)


@fault(
    "complete-without-receipt",
    breaks="a COMPLETE invoice has no `mpesa_reference`",
    caught_by="state_fields_match_state",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class CompleteWithoutReceipt(AlteredStatus):
    def alter_status(self, invoice: JSON, request: JSON) -> None:
        if invoice["state"] == rules.COMPLETE_STATE:
            invoice["mpesa_reference"] = None


@fault(
    "failed-without-code",
    breaks="a FAILED invoice has no `failed_code`",
    caught_by="state_fields_match_state",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class FailedWithoutCode(AlteredStatus):
    def alter_status(self, invoice: JSON, request: JSON) -> None:
        if invoice["state"] == "FAILED":
            invoice["failed_code"] = None


class _Rereads(AlteredStatus):
    """Counts the reads of each invoice in its true state, for faults that change their answer
    on a later read."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.reads: dict[tuple[str, str], int] = {}

    def alter_status(self, invoice: JSON, request: JSON) -> None:
        key = (invoice["invoice_id"], invoice["state"])
        self.reads[key] = self.reads.get(key, 0) + 1
        self.reread(invoice, self.reads[key])

    def reread(self, invoice: JSON, count: int) -> None:
        """`count`: how many times this invoice has been read in its (true) current state."""
        raise NotImplementedError


@fault(
    "state-goes-backwards",
    breaks="every other read of a COMPLETE invoice shows it PROCESSING again",
    caught_by="transitions_are_legal",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class StateGoesBackwards(_Rereads):
    def reread(self, invoice: JSON, count: int) -> None:
        if invoice["state"] == rules.COMPLETE_STATE and count % 2 == 0:
            invoice.update(state="PROCESSING", mpesa_reference=None)


@fault(
    "final-state-changes",
    breaks="a FAILED invoice turns COMPLETE on a later read",
    caught_by="transitions_are_legal",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class FinalStateChanges(_Rereads):
    def reread(self, invoice: JSON, count: int) -> None:
        if invoice["state"] == "FAILED" and count > 1:
            invoice.update(
                state=rules.COMPLETE_STATE,
                mpesa_reference="SFAKE00001",
                failed_code=None,
                failed_reason=None,
                failed_code_link=None,
            )


@fault(
    "unknown-invoice-found",
    breaks="a status read for an invoice never pushed gets a made-up PENDING invoice",
    caught_by="unknown_invoice_is_not_found",
)
class UnknownInvoiceFound(Emulator):
    def look_up(self, payload: JSON) -> Reply:
        reply = super().look_up(payload)
        if reply.status != 404:
            return reply
        made_up = copy.deepcopy(self.spec.resolve({"$ref": "#/components/examples/StatusPending"})["value"])
        made_up["invoice"]["invoice_id"] = payload["invoice_id"]
        return Reply(200, made_up)


# Webhook delivery: what the emulator sends to the receiver. The conformance run points its own
# emulator's webhook at a sink it judges (`conformance/webhook_probe.py`).


class _NoChallenge(Deliveries):
    def event_body(self, invoice: JSON) -> JSON:
        body = super().event_body(invoice)
        del body["challenge"]
        return body


@fault(
    "event-without-challenge",
    breaks="webhook events carry no `challenge`",
    caught_by="events_carry_the_challenge",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class EventWithoutChallenge(Emulator):
    deliveries_class = _NoChallenge


class _StaleValue(Deliveries):
    def event_body(self, invoice: JSON) -> JSON:
        body = super().event_body(invoice)
        body["value"] = rules.money(rules.to_decimal(body["value"]) + 1)
        return body


@fault(
    "event-disagrees-with-status",
    breaks="webhook events say a `value` one shilling above the status endpoint's",
    caught_by="events_agree_with_status",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class EventDisagreesWithStatus(Emulator):
    deliveries_class = _StaleValue


class _NewestFirst(Deliveries):
    """Holds an invoice's events back until two states or a final one piled up, then sends them
    newest first (a creation event thus goes out after the state that followed it)."""

    def ready(self, new: list[Moment], final: bool) -> bool:
        return len(new) >= 2 or final

    def in_order(self, new: list[Moment]) -> list[Moment]:
        return new[::-1]


@fault(
    "events-out-of-order",
    breaks="an invoice's webhook events arrive newest state first",
    caught_by="events_follow_the_lifecycle",
    phases=(),  # caught by the run's own probes, no schemathesis needed
)
class EventsOutOfOrder(Emulator):
    deliveries_class = _NewestFirst
