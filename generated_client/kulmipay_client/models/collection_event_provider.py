from typing import Literal

CollectionEventProvider = Literal["M-PESA", "PESALINK"]

COLLECTION_EVENT_PROVIDER_VALUES: set[CollectionEventProvider] = {
    "M-PESA",
    "PESALINK",
}


def check_collection_event_provider(value: str) -> CollectionEventProvider:
    if value in COLLECTION_EVENT_PROVIDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COLLECTION_EVENT_PROVIDER_VALUES!r}")
