"""The only place `spec/openapi.yaml` is read. Everything else asks this module."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jsonschema_rs
import yaml

if TYPE_CHECKING:
    from jsonschema_path import SchemaPath
    from openapi_core import OpenAPI

# The contract, shipped inside the package (in the repository, `contract/` links to `spec/`, where
# it is maintained); KULMIPAY_SPEC points elsewhere (tests use it to load edited copies).
DEFAULT_SPEC_PATH = Path(__file__).parent / "contract" / "openapi.yaml"
STK_PUSH_OPERATION_ID = "start_mpesa_stk_push"
STATUS_OPERATION_ID = "get_payment_status"

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
def operation(operation_id: str = STK_PUSH_OPERATION_ID) -> tuple[str, str, JSON]:
    """(path, method, operation) of the operation with this operationId."""
    for path, item in document()["paths"].items():
        for method, found in item.items():
            if isinstance(found, dict) and found.get("operationId") == operation_id:
                return path, method, found
    raise LookupError(f"operationId {operation_id!r} is not in {spec_path()}")


def operation_at(path: str) -> str:
    """The operationId served at `path` (below the base path)."""
    for method_item in (document()["paths"].get(path) or {}).values():
        if isinstance(method_item, dict) and "operationId" in method_item:
            return str(method_item["operationId"])
    return STK_PUSH_OPERATION_ID


def stk_push_operation() -> tuple[str, str, JSON]:
    return operation(STK_PUSH_OPERATION_ID)


def stk_push_path() -> str:
    return stk_push_operation()[0]


def status_path() -> str:
    return operation(STATUS_OPERATION_ID)[0]


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


def declared_statuses(operation_id: str = STK_PUSH_OPERATION_ID) -> set[int]:
    return {int(code) for code in operation(operation_id)[2]["responses"]}


def request_schema(operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
    schema: JSON = resolve(_request_media(operation_id)["schema"])
    return schema


def response_schema(status: int, operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
    schema: JSON = resolve(_response_media(status, operation_id)["schema"])
    return schema


def _request_media(operation_id: str) -> JSON:
    media: JSON = resolve(operation(operation_id)[2]["requestBody"])["content"]["application/json"]
    return media


def _response_media(status: int, operation_id: str) -> JSON:
    media: JSON = _response(status, operation_id)["content"]["application/json"]
    return media


def _response(status: int, operation_id: str) -> JSON:
    response: JSON = resolve(operation(operation_id)[2]["responses"][str(status)])
    return response


@functools.cache
def request_body_validator(operation_id: str = STK_PUSH_OPERATION_ID) -> jsonschema_rs.Validator:
    """The request body's one judge: the emulator, the checks and `request_errors` all ask it."""
    return _body_validator(_request_media(operation_id)["schema"])


@functools.cache
def response_body_validator(
    status: int, operation_id: str = STK_PUSH_OPERATION_ID
) -> jsonschema_rs.Validator:
    """The one judge of a `status` reply's body: `response_errors` and so the strict helper."""
    return _body_validator(_response_media(status, operation_id)["schema"])


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


def request_examples(operation_id: str = STK_PUSH_OPERATION_ID) -> list[JSON]:
    """The request body examples the spec gives, in order (fresh copies)."""
    examples = _request_media(operation_id).get("examples", {})
    return [json.loads(json.dumps(resolve(example)["value"])) for example in examples.values()]


def request_fields(operation_id: str = STK_PUSH_OPERATION_ID) -> dict[str, JSON]:
    """The request's properties, by name."""
    properties: dict[str, JSON] = request_schema(operation_id)["properties"]
    return properties


@dataclass(frozen=True)
class StateMachine:
    """`Invoice.state`'s `x-state-machine`: the lifecycle the emulator follows and the checks hold
    servers to."""

    initial: str
    transitions: dict[str, tuple[str, ...]]
    set_exactly_when: dict[str, tuple[str, ...]]  # field -> the states in which it is non-null
    prompt_expires_after: float
    unchanged_after_push: tuple[str, ...]

    @property
    def terminal(self) -> frozenset[str]:
        return frozenset(state for state, nexts in self.transitions.items() if not nexts)

    def reachable(self, state: str) -> frozenset[str]:
        """Every state a later read may show after `state` (itself included)."""
        seen, todo = {state}, [state]
        while todo:
            for following in self.transitions.get(todo.pop(), ()):
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return frozenset(seen)


@functools.cache
def state_machine() -> StateMachine:
    machine = component_schema("Invoice")["properties"]["state"]["x-state-machine"]
    return StateMachine(
        initial=machine["initial"],
        transitions={state: tuple(nexts) for state, nexts in machine["transitions"].items()},
        set_exactly_when={name: tuple(states) for name, states in machine["set-exactly-when"].items()},
        prompt_expires_after=float(machine["prompt-expires-after-seconds"]),
        unchanged_after_push=tuple(machine["unchanged-after-push"]),
    )


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
    return errors + _schema_errors(request_body_validator(operation_at(path or stk_push_path())), body)


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
    operation_id = operation_at(path or stk_push_path())
    if "content" not in _response(status, operation_id):  # declared bodiless: openapi-core ignores its body
        return errors
    return errors + _schema_errors(response_body_validator(status, operation_id), body)


def _schema_errors(validator: jsonschema_rs.Validator, body: bytes) -> list[Exception]:
    if not body:  # an optional request body left out (a required one is openapi-core's error)
        return []
    # openapi-core has parsed this very body as JSON (json.loads) already: it parses here too.
    return [BodySchemaError(line) for line in body_errors(validator, json.loads(body))]


# The emulator's control plane (tests drive its clock and outcomes): its own small document,
# beside the contract, read here too so that its requests are validated from it.
CONTROL_SPEC_PATH = DEFAULT_SPEC_PATH.with_name("emulator-control.yaml")


@functools.cache
def control_document() -> JSON:
    with CONTROL_SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: JSON = yaml.safe_load(handle)
    return loaded


@functools.cache
def control_body_validator(schema_name: str) -> jsonschema_rs.Validator:
    components = control_document()["components"]
    return jsonschema_rs.Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema_name}", "components": components}, offline=True
    )


@functools.cache
def component_validator(schema_name: str) -> jsonschema_rs.Validator:
    """The one body validator (see `_body_validator`) for a named component schema."""
    return _body_validator({"$ref": f"#/components/schemas/{schema_name}"})
