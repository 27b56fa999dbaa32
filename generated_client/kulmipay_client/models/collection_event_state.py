from typing import Literal

CollectionEventState = Literal["COMPLETE", "FAILED", "PENDING", "PROCESSING"]

COLLECTION_EVENT_STATE_VALUES: set[CollectionEventState] = {
    "COMPLETE",
    "FAILED",
    "PENDING",
    "PROCESSING",
}


def check_collection_event_state(value: str) -> CollectionEventState:
    if value in COLLECTION_EVENT_STATE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COLLECTION_EVENT_STATE_VALUES!r}")
