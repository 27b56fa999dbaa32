"""The contract (`spec/openapi.yaml`) as a `Spec`: loaded once from a path, then handed to what
needs it (the emulator takes one in its `Settings`; tests build one from an edited copy) or asked
for through the module-level functions below, which answer for `default()`, the contract this
package ships. Nothing else reads the file."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar, cast
from urllib.parse import urlsplit

import jsonschema_rs
import yaml

from .errors import BodySchemaError

if TYPE_CHECKING:
    from jsonschema_path import SchemaPath
    from openapi_core import OpenAPI

# The contract, shipped inside the package (in the repository, `contract/` links to `spec/`, where
# it is maintained).
DEFAULT_SPEC_PATH = Path(__file__).parent / "contract" / "openapi.yaml"
STK_PUSH_OPERATION_ID = "start_mpesa_stk_push"
STATUS_OPERATION_ID = "get_payment_status"

JSON = dict[str, Any]
P = ParamSpec("P")
R = TypeVar("R")


def _memo(method: Callable[Concatenate[Spec, P], R]) -> Callable[Concatenate[Spec, P], R]:
    """Caches a Spec method's answer on the instance, per arguments: a validator is compiled
    once per spec, and a spec's cache goes with it."""

    def cached(self: Spec, /, *args: P.args, **kwargs: P.kwargs) -> R:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        if key not in self._memo:
            self._memo[key] = method(self, *args, **kwargs)
        return cast(R, self._memo[key])

    cached.__doc__, cached.__name__ = method.__doc__, method.__name__
    return cached


class Spec:
    """One contract document and everything derived from it (operations, validators, the state
    machine). Treat `document` as read-only: it is shared."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with path.open(encoding="utf-8") as handle:
            self.document: JSON = yaml.safe_load(handle)
        self._memo: dict[tuple[Any, ...], Any] = {}

    @_memo
    def openapi(self) -> OpenAPI:
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
        return OpenAPI.from_dict(self.document, config=config)

    def resolve(self, node: Any) -> Any:
        """Follows a local `$ref` (one level, repeatedly) to the node it names."""
        while isinstance(node, Mapping) and "$ref" in node:
            target: Any = self.document
            for part in str(node["$ref"]).removeprefix("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def component_schema(self, name: str) -> JSON:
        schema: JSON = self.document["components"]["schemas"][name]
        return schema

    @_memo
    def operation(self, operation_id: str = STK_PUSH_OPERATION_ID) -> tuple[str, str, JSON]:
        """(path, method, operation) of the operation with this operationId."""
        for path, item in self.document["paths"].items():
            for method, found in item.items():
                if isinstance(found, dict) and found.get("operationId") == operation_id:
                    return path, method, found
        raise LookupError(f"operationId {operation_id!r} is not in {spec_path()}")

    def operation_at(self, path: str) -> str:
        """The operationId served at `path` (below the base path)."""
        for method_item in (self.document["paths"].get(path) or {}).values():
            if isinstance(method_item, dict) and "operationId" in method_item:
                return str(method_item["operationId"])
        return STK_PUSH_OPERATION_ID

    def stk_push_operation(self) -> tuple[str, str, JSON]:
        return self.operation(STK_PUSH_OPERATION_ID)

    def stk_push_path(self) -> str:
        return self.stk_push_operation()[0]

    def status_path(self) -> str:
        return self.operation(STATUS_OPERATION_ID)[0]

    def base_path(self) -> str:
        """The servers' common path prefix, `/api/v1`."""
        return urlsplit(self.server_urls()[0]).path.rstrip("/")

    def server_urls(self) -> list[str]:
        return [str(server["url"]) for server in self.document["servers"]]

    def server_hosts(self, environment: str) -> set[str]:
        """Hosts of the servers marked `x-environment: <environment>` (`sandbox` or `live`)."""
        return {
            (urlsplit(server["url"]).hostname or "").lower()
            for server in self.document["servers"]
            if server.get("x-environment") == environment
        }

    def declared_statuses(self, operation_id: str = STK_PUSH_OPERATION_ID) -> set[int]:
        return {int(code) for code in self.operation(operation_id)[2]["responses"]}

    def request_schema(self, operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
        schema: JSON = self.resolve(self._request_media(operation_id)["schema"])
        return schema

    def response_schema(self, status: int, operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
        schema: JSON = self.resolve(self._response_media(status, operation_id)["schema"])
        return schema

    def _request_media(self, operation_id: str) -> JSON:
        media: JSON = self.resolve(self.operation(operation_id)[2]["requestBody"])["content"][
            "application/json"
        ]
        return media

    def _response_media(self, status: int, operation_id: str) -> JSON:
        media: JSON = self._response(status, operation_id)["content"]["application/json"]
        return media

    def _response(self, status: int, operation_id: str) -> JSON:
        response: JSON = self.resolve(self.operation(operation_id)[2]["responses"][str(status)])
        return response

    @_memo
    def request_body_validator(self, operation_id: str = STK_PUSH_OPERATION_ID) -> jsonschema_rs.Validator:
        """The request body's one judge: the emulator, the checks and `request_errors` all ask it."""
        return self._body_validator(self._request_media(operation_id)["schema"])

    @_memo
    def response_body_validator(
        self, status: int, operation_id: str = STK_PUSH_OPERATION_ID
    ) -> jsonschema_rs.Validator:
        """The one judge of a `status` reply's body: `response_errors` and so the strict helper."""
        return self._body_validator(self._response_media(status, operation_id)["schema"])

    def _body_validator(self, schema: JSON) -> jsonschema_rs.Validator:
        """`schema` as written in the spec (usually a `$ref`), compiled as JSON Schema 2020-12, the
        dialect of OpenAPI 3.1. The components ride along at the root, so `#/components/...` refs
        resolve against the spec itself. Formats are assertions here (2020-12 leaves them annotations
        by default); unknown ones, such as the spec's `decimal`, stay annotations."""
        return jsonschema_rs.Draft202012Validator(
            {**schema, "components": self.document["components"]},
            validate_formats=True,
            ignore_unknown_formats=True,
            offline=True,
        )

    def request_examples(self, operation_id: str = STK_PUSH_OPERATION_ID) -> list[JSON]:
        """The request body examples the spec gives, in order (fresh copies)."""
        examples = self._request_media(operation_id).get("examples", {})
        return [json.loads(json.dumps(self.resolve(example)["value"])) for example in examples.values()]

    def request_fields(self, operation_id: str = STK_PUSH_OPERATION_ID) -> dict[str, JSON]:
        """The request's properties, by name."""
        properties: dict[str, JSON] = self.request_schema(operation_id)["properties"]
        return properties

    @_memo
    def state_machine(self) -> StateMachine:
        machine = self.component_schema("Invoice")["properties"]["state"]["x-state-machine"]
        return StateMachine(
            initial=machine["initial"],
            transitions={state: tuple(nexts) for state, nexts in machine["transitions"].items()},
            set_exactly_when={name: tuple(states) for name, states in machine["set-exactly-when"].items()},
            prompt_expires_after=float(machine["prompt-expires-after-seconds"]),
            unchanged_after_push=tuple(machine["unchanged-after-push"]),
        )

    def enum_of(self, schema_name: str, field: str) -> list[str]:
        values: list[str] = self.component_schema(schema_name)["properties"][field]["enum"]
        return values

    def _spec_url(self, path_under_base: str) -> tuple[str, str]:
        """Maps a path below the base path onto the spec's first server, so that openapi-core
        matches requests and responses whatever host they really went to."""
        server = urlsplit(self.server_urls()[0])
        return f"{server.scheme}://{server.netloc}", self.base_path() + path_under_base

    def request_errors(
        self,
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

        host_url, full_path = self._spec_url(self.stk_push_path() if path is None else path)
        request = MockRequest(
            host_url, method, full_path, headers=dict(headers), data=body, content_type=content_type
        )
        errors: list[Exception] = list(self.openapi().iter_request_errors(request))
        # Where openapi-core stops short of the body (or cannot read it), so does the schema check.
        if any(
            isinstance(error, PathError | SecurityValidationError | RequestBodyValidationError)
            for error in errors
        ):
            return errors
        return errors + _schema_errors(
            self.request_body_validator(self.operation_at(path or self.stk_push_path())), body
        )

    def response_errors(
        self,
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

        host_url, full_path = self._spec_url(self.stk_push_path() if path is None else path)
        request = MockRequest(host_url, method, full_path)
        response = MockResponse(body, status, headers=dict(headers or {}), content_type=content_type)
        errors: list[Exception] = list(self.openapi().iter_response_errors(request, response))
        # Undeclared status, unknown media type, empty or unparsable body: nothing for a schema to judge.
        if any(isinstance(error, PathError | ResponseFinderError | DataValidationError) for error in errors):
            return errors
        operation_id = self.operation_at(path or self.stk_push_path())
        if "content" not in self._response(
            status, operation_id
        ):  # declared bodiless: openapi-core ignores its body
            return errors
        return errors + _schema_errors(self.response_body_validator(status, operation_id), body)

    @_memo
    def component_validator(self, schema_name: str) -> jsonschema_rs.Validator:
        """The one body validator (see `_body_validator`) for a named component schema."""
        return self._body_validator({"$ref": f"#/components/schemas/{schema_name}"})


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


def _schema_errors(validator: jsonschema_rs.Validator, body: bytes) -> list[Exception]:
    if not body:  # an optional request body left out (a required one is openapi-core's error)
        return []
    # openapi-core has parsed this very body as JSON (json.loads) already: it parses here too.
    return [BodySchemaError(line) for line in body_errors(validator, json.loads(body))]


def load(path: Path = DEFAULT_SPEC_PATH) -> Spec:
    """The contract at `path`, loaded once (however the path is spelled)."""
    return _loaded(Path(path).absolute())


@functools.cache
def _loaded(path: Path) -> Spec:
    return Spec(path)


def default() -> Spec:
    """The contract this package ships."""
    return load(DEFAULT_SPEC_PATH)


# The default contract's answers, for the many places that need no other.


def spec_path() -> Path:
    return default().path


def document() -> JSON:
    return default().document


def openapi() -> OpenAPI:
    return default().openapi()


def resolve(node: Any) -> Any:
    return default().resolve(node)


def component_schema(name: str) -> JSON:
    return default().component_schema(name)


def operation(operation_id: str = STK_PUSH_OPERATION_ID) -> tuple[str, str, JSON]:
    return default().operation(operation_id)


def operation_at(path: str) -> str:
    return default().operation_at(path)


def stk_push_operation() -> tuple[str, str, JSON]:
    return default().stk_push_operation()


def stk_push_path() -> str:
    return default().stk_push_path()


def status_path() -> str:
    return default().status_path()


def base_path() -> str:
    return default().base_path()


def server_urls() -> list[str]:
    return default().server_urls()


def server_hosts(environment: str) -> set[str]:
    return default().server_hosts(environment)


def declared_statuses(operation_id: str = STK_PUSH_OPERATION_ID) -> set[int]:
    return default().declared_statuses(operation_id)


def request_schema(operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
    return default().request_schema(operation_id)


def response_schema(status: int, operation_id: str = STK_PUSH_OPERATION_ID) -> JSON:
    return default().response_schema(status, operation_id)


def request_body_validator(operation_id: str = STK_PUSH_OPERATION_ID) -> jsonschema_rs.Validator:
    return default().request_body_validator(operation_id)


def response_body_validator(
    status: int, operation_id: str = STK_PUSH_OPERATION_ID
) -> jsonschema_rs.Validator:
    return default().response_body_validator(status, operation_id)


def component_validator(schema_name: str) -> jsonschema_rs.Validator:
    return default().component_validator(schema_name)


def request_examples(operation_id: str = STK_PUSH_OPERATION_ID) -> list[JSON]:
    return default().request_examples(operation_id)


def request_fields(operation_id: str = STK_PUSH_OPERATION_ID) -> dict[str, JSON]:
    return default().request_fields(operation_id)


def state_machine() -> StateMachine:
    return default().state_machine()


def enum_of(schema_name: str, field: str) -> list[str]:
    return default().enum_of(schema_name, field)


def request_errors(
    body: bytes,
    *,
    headers: Mapping[str, str],
    method: str = "post",
    path: str | None = None,
    content_type: str = "application/json",
) -> list[Exception]:
    return default().request_errors(
        body, headers=headers, method=method, path=path, content_type=content_type
    )


def response_errors(
    status: int,
    body: bytes,
    *,
    content_type: str = "application/json",
    headers: Mapping[str, str] | None = None,
    method: str = "post",
    path: str | None = None,
) -> list[Exception]:
    return default().response_errors(
        status, body, content_type=content_type, headers=headers, method=method, path=path
    )


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
