"""Contains all the data models used in inputs/outputs"""

from .collection_event import CollectionEvent
from .collection_event_provider import CollectionEventProvider
from .collection_event_state import CollectionEventState
from .customer import Customer
from .error import Error
from .invoice import Invoice
from .invoice_state import InvoiceState
from .payment_link import PaymentLink
from .payment_status_meta import PaymentStatusMeta
from .payment_status_request import PaymentStatusRequest
from .payment_status_response import PaymentStatusResponse
from .stk_push_request import StkPushRequest
from .stk_push_request_mobile_tarrif import StkPushRequestMobileTarrif
from .stk_push_response import StkPushResponse
from .validation_error import ValidationError
from .webhook_event import WebhookEvent
from .webhook_event_status import WebhookEventStatus

__all__ = (
    "CollectionEvent",
    "CollectionEventProvider",
    "CollectionEventState",
    "Customer",
    "Error",
    "Invoice",
    "InvoiceState",
    "PaymentLink",
    "PaymentStatusMeta",
    "PaymentStatusRequest",
    "PaymentStatusResponse",
    "StkPushRequest",
    "StkPushRequestMobileTarrif",
    "StkPushResponse",
    "ValidationError",
    "WebhookEvent",
    "WebhookEventStatus",
)
