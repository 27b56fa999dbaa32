"""`collection_event` webhooks: the event as the spec defines it (`events.py`), a helper for the
user's own receiver (`receiver.py`), and the contract test of that receiver (`check.py`)."""
