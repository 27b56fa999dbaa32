"""`kulmipay_toolkit.spec`, the module that reads the contract: its error lines, and `Spec` objects
for edited copies that leave the default contract alone. (The contract itself, spec/openapi.yaml,
is tested under spec/.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract_tests.support import edited_spec
from contract_tests.support.examples import pending_push
from kulmipay_toolkit import spec


def test_body_errors_are_one_line_each_with_their_json_path() -> None:
    body = pending_push()
    body["invoice"]["created_at"] = "2023-11-07T05:31:56Z\n"
    body["customer"]["email"] = "user@"
    errors = spec.body_errors(spec.response_body_validator(200), body)
    assert sorted(errors) == [
        '$.customer.email: "user@" is not a "email"',
        '$.invoice.created_at: "2023-11-07T05:31:56Z\\n" is not a "date-time"',
    ]


def test_an_edited_copy_leaves_the_default_contract_alone(tmp_path: Path) -> None:
    def add_msisdn(document: dict[str, Any]) -> None:
        document["components"]["schemas"]["StkPushRequest"]["properties"]["msisdn"] = {"type": "string"}

    edited = edited_spec(tmp_path, add_msisdn)
    assert "msisdn" in edited.request_fields() and "msisdn" not in spec.request_fields()
    assert edited is not spec.default() and spec.default() is spec.load()
