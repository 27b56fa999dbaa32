"""The only place `spec/openapi.yaml` is read. Everything else asks this module."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jsonschema_rs
import yaml

if TYPE_CHECKING:
    from openapi_core import OpenAPI

# The repository's spec; KULMIPAY_SPEC points elsewhere (tests use it to load edited copies).
DEFAULT_SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"
STK_PUSH_OPERATION_ID = "start_mpesa_stk_push"

JSON = dict[str, Any]


def spec_path() -> Path:
    return Path(os.environ.get("KULMIPAY_SPEC", DEFAULT_SPEC_PATH))


@functools.cache
def document() -> JSON:
    """The spec as plain data. Treat it as read-only: it is shared."""
    with spec_path().open(encoding="utf-8") as handle:
        loaded: JSON = yaml.safe_load(handle)
    return loaded


@functools.cache
def openapi() -> OpenAPI:
    """The spec-driven validator (openapi-core) for requests and responses. Imported on first
    use: it costs most of a second, which the emulator and the `st` hooks never need to pay."""
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(document())


def resolve(node: Any) -> Any:
    """Follows a local `$ref` (one level, repeatedly) to the node it names."""
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document()
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def component_schema(name: str) -> JSON:
    schema: JSON = document()["components"]["schemas"][name]
    return schema


@functools.cache
def stk_push_operation() -> tuple[str, str, JSON]:
    """(path, method, operation) of the STK push, found by its operationId."""
    for path, item in document()["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == STK_PUSH_OPERATION_ID:
                return path, method, operation
    raise LookupError(f"operationId {STK_PUSH_OPERATION_ID!r} is not in {spec_path()}")


def stk_push_path() -> str:
    return stk_push_operation()[0]


def base_path() -> str:
    """The servers' common path prefix, `/api/v1`."""
    return urlsplit(server_urls()[0]).path.rstrip("/")


def server_urls() -> list[str]:
    return [str(server["url"]) for server in document()["servers"]]


def server_hosts(environment: str) -> set[str]:
    """Hosts of the servers marked `x-environment: <environment>` (`sandbox` or `live`)."""
    return {
        (urlsplit(server["url"]).hostname or "").lower()
        for server in document()["servers"]
        if server.get("x-environment") == environment
    }


def declared_statuses() -> set[int]:
    return {int(code) for code in stk_push_operation()[2]["responses"]}


def request_schema() -> JSON:
    content = resolve(stk_push_operation()[2]["requestBody"])["content"]
    schema: JSON = resolve(content["application/json"]["schema"])
    return schema


def response_schema(status: int) -> JSON:
    response = resolve(stk_push_operation()[2]["responses"][str(status)])
    schema: JSON = resolve(response["content"]["application/json"]["schema"])
    return schema


@functools.cache
def request_body_validator() -> jsonschema_rs.Validator:
    """The request schema compiled once (JSON Schema 2020-12, OpenAPI 3.1's dialect): the fast
    path for the emulator and the checks; openapi-core stays the full request/response judge."""
    return jsonschema_rs.Draft202012Validator(request_schema())


def request_fields() -> dict[str, JSON]:
    """The request's properties, by name."""
    properties: dict[str, JSON] = request_schema()["properties"]
    return properties


def enum_of(schema_name: str, field: str) -> list[str]:
    values: list[str] = component_schema(schema_name)["properties"][field]["enum"]
    return values


def _spec_url(path_under_base: str) -> tuple[str, str]:
    """Maps a path below the base path onto the spec's first server, so that openapi-core
    matches requests and responses whatever host they really went to."""
    server = urlsplit(server_urls()[0])
    return f"{server.scheme}://{server.netloc}", base_path() + path_under_base


def request_errors(
    body: bytes,
    *,
    headers: Mapping[str, str],
    method: str = "post",
    path: str | None = None,
    content_type: str = "application/json",
) -> list[Exception]:
    """Every way this request breaks the spec (empty when it conforms)."""
    from openapi_core.testing import MockRequest

    host_url, full_path = _spec_url(stk_push_path() if path is None else path)
    request = MockRequest(
        host_url, method, full_path, headers=dict(headers), data=body, content_type=content_type
    )
    return list(openapi().iter_request_errors(request))


def response_errors(
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
    method: str = "post",
    path: str | None = None,
) -> list[Exception]:
    """Every way this response breaks the spec (empty when it conforms)."""
    from openapi_core.testing import MockRequest, MockResponse

    host_url, full_path = _spec_url(stk_push_path() if path is None else path)
    request = MockRequest(host_url, method, full_path)
    response = MockResponse(body, status, headers=dict(headers or {}), content_type=content_type)
    return list(openapi().iter_response_errors(request, response))
