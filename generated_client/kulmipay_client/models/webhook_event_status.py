from typing import Literal

WebhookEventStatus = Literal["DELIVERED", "FAILED", "PENDING", "PROCESSING"]

WEBHOOK_EVENT_STATUS_VALUES: set[WebhookEventStatus] = {
    "DELIVERED",
    "FAILED",
    "PENDING",
    "PROCESSING",
}


def check_webhook_event_status(value: str) -> WebhookEventStatus:
    if value in WEBHOOK_EVENT_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {WEBHOOK_EVENT_STATUS_VALUES!r}")
