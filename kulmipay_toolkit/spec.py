"""The only place `spec/openapi.yaml` is read. Everything else asks this module."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jsonschema_rs
import yaml

if TYPE_CHECKING:
    from jsonschema_path import SchemaPath
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
    """openapi-core, for what only it judges: path, method, security, parameters, status, media
    type, headers, and whether the body parses. A body's schema is left to jsonschema-rs
    (`body_errors`), so that one validator answers everywhere. Imported on first use: it costs
    most of a second, which the emulator and the `st` hooks never need to pay."""
    from openapi_core import Config, OpenAPI
    from openapi_core.validation.request.validators import V31RequestValidator
    from openapi_core.validation.response.validators import V31ResponseValidator
    from openapi_core.validation.validators import BaseValidator

    class ParsesBodies(BaseValidator):
        # openapi-core's one step that applies a body schema (after finding the media type and
        # parsing); parameters and headers go another way, so they are still checked.
        def _get_content_and_schema(
            self, raw: bytes, content: SchemaPath, mimetype: str | None = None
        ) -> tuple[Any, SchemaPath | None]:
            return self._get_content_schema_value_and_schema(raw, content, mimetype)

    class RequestValidator(ParsesBodies, V31RequestValidator):
        pass

    class ResponseValidator(ParsesBodies, V31ResponseValidator):
        pass

    config = Config(request_validator_cls=RequestValidator, response_validator_cls=ResponseValidator)
    return OpenAPI.from_dict(document(), config=config)


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
    schema: JSON = resolve(_request_media()["schema"])
    return schema


def response_schema(status: int) -> JSON:
    schema: JSON = resolve(_response_media(status)["schema"])
    return schema


def _request_media() -> JSON:
    media: JSON = resolve(stk_push_operation()[2]["requestBody"])["content"]["application/json"]
    return media


def _response_media(status: int) -> JSON:
    media: JSON = _response(status)["content"]["application/json"]
    return media


def _response(status: int) -> JSON:
    response: JSON = resolve(stk_push_operation()[2]["responses"][str(status)])
    return response


@functools.cache
def request_body_validator() -> jsonschema_rs.Validator:
    """The request body's one judge: the emulator, the checks and `request_errors` all ask it."""
    return _body_validator(_request_media()["schema"])


@functools.cache
def response_body_validator(status: int) -> jsonschema_rs.Validator:
    """The one judge of a `status` reply's body: `response_errors` and so the strict helper."""
    return _body_validator(_response_media(status)["schema"])


def _body_validator(schema: JSON) -> jsonschema_rs.Validator:
    """`schema` as written in the spec (usually a `$ref`), compiled as JSON Schema 2020-12, the
    dialect of OpenAPI 3.1. The components ride along at the root, so `#/components/...` refs
    resolve against the spec itself. Formats are assertions here (2020-12 leaves them annotations
    by default); unknown ones, such as the spec's `decimal`, stay annotations."""
    return jsonschema_rs.Draft202012Validator(
        {**schema, "components": document()["components"]},
        validate_formats=True,
        ignore_unknown_formats=True,
        offline=True,
    )


def body_errors(validator: jsonschema_rs.Validator, data: Any) -> list[str]:
    """One line per schema violation: `$.invoice.created_at: "x" is not a "date-time"`."""
    return [f"{_json_path(error.instance_path)}: {error.message}" for error in validator.iter_errors(data)]


def _json_path(parts: list[str | int]) -> str:
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            path += f"[{json.dumps(part)}]"
    return path


class BodySchemaError(ValueError):
    """One way a body breaks its schema, as `body_errors` words it."""


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
    from openapi_core.templating.paths.exceptions import PathError
    from openapi_core.testing import MockRequest
    from openapi_core.validation.request.exceptions import (
        RequestBodyValidationError,
        SecurityValidationError,
    )

    host_url, full_path = _spec_url(stk_push_path() if path is None else path)
    request = MockRequest(
        host_url, method, full_path, headers=dict(headers), data=body, content_type=content_type
    )
    errors: list[Exception] = list(openapi().iter_request_errors(request))
    # Where openapi-core stops short of the body (or cannot read it), so does the schema check.
    if any(
        isinstance(error, PathError | SecurityValidationError | RequestBodyValidationError)
        for error in errors
    ):
        return errors
    return errors + _schema_errors(request_body_validator(), body)


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
    from openapi_core.templating.paths.exceptions import PathError
    from openapi_core.templating.responses.exceptions import ResponseFinderError
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_core.validation.response.exceptions import DataValidationError

    host_url, full_path = _spec_url(stk_push_path() if path is None else path)
    request = MockRequest(host_url, method, full_path)
    response = MockResponse(body, status, headers=dict(headers or {}), content_type=content_type)
    errors: list[Exception] = list(openapi().iter_response_errors(request, response))
    # Undeclared status, unknown media type, empty or unparsable body: nothing for a schema to judge.
    if any(isinstance(error, PathError | ResponseFinderError | DataValidationError) for error in errors):
        return errors
    if "content" not in _response(status):  # a reply declared bodiless: openapi-core ignores its body
        return errors
    return errors + _schema_errors(response_body_validator(status), body)


def _schema_errors(validator: jsonschema_rs.Validator, body: bytes) -> list[Exception]:
    if not body:  # an optional request body left out (a required one is openapi-core's error)
        return []
    # openapi-core has parsed this very body as JSON (json.loads) already: it parses here too.
    return [BodySchemaError(line) for line in body_errors(validator, json.loads(body))]
