"""Helpers the tests import (fixtures live in the conftest.py files, which import from here).

This module holds what nearly every test uses: the made-up key, a push the emulator accepts, the
spec's judgement of a reply, the repository root. The others are by topic: `environment`
(the environment a subprocess gets), `calls` (the client's two operations, each an `Operation`),
`captured`, `examples`, `round_trip` and `strategies` (the generated client against respx, and the
spec's bodies, for either operation), `reports` (the conformance reports agree), `recorder` (a
server that records what reached it), `cli` (the conformance command in a subprocess), `driving`
(a running emulator driven from outside: pushes, status reads, its manual clock), `webhooks`
(receivers and the emulator's webhook terms)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from kulmipay_toolkit import spec

# Made up for the tests; every leak test greps output for it.
TEST_KEY = "ISSecretKey_test_contracttests9f3a7c"
AUTH = {"Authorization": f"Bearer {TEST_KEY}"}
# A sandbox key spoilt by whitespace, or with nothing after its prefix: no key at all.
MALFORMED_TEST_KEYS = (
    f"{TEST_KEY}\t",
    f"{TEST_KEY} ",
    f"{TEST_KEY}\n",
    f"\t{TEST_KEY}",
    "ISSecretKey_test_\u00a0x",
    "ISSecretKey_test_",
)
# Malformed, yet live keys all the same (what to refuse).
MALFORMED_LIVE_KEYS = (
    "ISSecretKey_live_",
    "ISSecretKey_live_a b",
    "ISSecretKey_live_x\t",
    " ISSecretKey_live_x",
)


def minimal_request(operation_id: str) -> spec.JSON:
    """The operation's request example with the required fields only (a fresh copy): for the push,
    one the emulator accepts."""
    required = set(spec.request_schema(operation_id)["required"])
    return next(example for example in spec.request_examples(operation_id) if set(example) == required)


# Read-only by convention: tests spread it into a new dict (`{**VALID_PUSH, "amount": "5"}`).
VALID_PUSH: spec.JSON = minimal_request(spec.STK_PUSH_OPERATION_ID)


def assert_hidden(*things: object) -> None:
    """TEST_KEY is in none of `things`, printed either way (`str` and `repr`)."""
    for thing in things:
        assert TEST_KEY not in str(thing) and TEST_KEY not in repr(thing), type(thing)


def push_url() -> str:
    """The STK push path, relative to the API's base URL."""
    return spec.stk_push_path().lstrip("/")


def assert_conforms(response: httpx.Response) -> None:
    """The response is one the spec declares, body and all (`spec.response_errors`: the body by
    the one jsonschema-rs validator, formats included, that the strict helper and checks share)."""
    errors = spec.response_errors(
        response.status_code,
        response.content,
        content_type=response.headers.get("content-type", ""),
        headers=dict(response.headers),
    )
    assert errors == [], f"{response.status_code} {response.text[:300]}: {errors}"


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def edited_spec(directory: Path, edit: Callable[[dict[str, Any]], object]) -> spec.Spec:
    """A `Spec` loaded from a copy of the contract, in `directory`, after `edit`; the default
    contract (shared and read-only) is not touched."""
    document = copy.deepcopy(spec.document())
    edit(document)
    edited = directory / "openapi.yaml"
    edited.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return spec.Spec(edited)
