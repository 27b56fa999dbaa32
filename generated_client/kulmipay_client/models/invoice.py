from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_state import InvoiceState
from ..types import UNSET, Unset

T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """The collection's invoice. The API reference page lists its fields but not which are
    required; the five required here are what every push must answer with (inferred), and
    fields that stay empty until the payment settles or fails are nullable (inferred from
    IntaSend-compatible payloads). Real responses carry more fields (e.g. `provider`).

        Attributes:
            invoice_id (str): Identifies the push; the status endpoint takes it.
            value (str): The amount asked of the customer, rounded up to a whole shilling.
            currency (str): Always KES for M-Pesa.
            account (str): The phone number that was prompted.
            api_ref (str): The request's api_ref, or KulmiPay's default `MPesa Express`.
            state (InvoiceState | Unset): Where the collection is. A new push is PENDING (logged); PROCESSING while the
                customer is paying; then COMPLETE or FAILED, both final. A push the customer never
                answers fails when the prompt expires (about 60 s). `mpesa_reference` is set exactly
                when COMPLETE; `failed_code` and `failed_reason` exactly when FAILED. The money fields,
                `account`, `api_ref` and `invoice_id` never change after the push. The status
                endpoint's reference schema omits this field; the narrative pages show it.
            charges (str | Unset): The M-Pesa fee for this amount.
            net_amount (str | Unset): What settles to the wallet after charges.
            clearing_status (str | Unset):
            mpesa_reference (None | str | Unset): The M-Pesa receipt; null until the payment completes.
            host (None | str | Unset):
            retry_count (int | Unset):
            failed_reason (None | str | Unset):
            failed_code (None | str | Unset): Why the payment failed, as a code; null unless FAILED. Appears to pass
                Safaricom's STK
                result codes through (unconfirmed): 1032 cancelled by the customer, 1037 no answer
                (prompt expired), 1 insufficient balance, 2001 wrong PIN.
            failed_code_link (None | str | Unset):
            created_at (datetime.datetime | Unset):
            updated_at (datetime.datetime | Unset):
    """

    invoice_id: str
    value: str
    currency: str
    account: str
    api_ref: str
    state: InvoiceState | Unset = UNSET
    charges: str | Unset = UNSET
    net_amount: str | Unset = UNSET
    clearing_status: str | Unset = UNSET
    mpesa_reference: None | str | Unset = UNSET
    host: None | str | Unset = UNSET
    retry_count: int | Unset = UNSET
    failed_reason: None | str | Unset = UNSET
    failed_code: None | str | Unset = UNSET
    failed_code_link: None | str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice_id = self.invoice_id

        value = self.value

        currency = self.currency

        account = self.account

        api_ref = self.api_ref

        state: str | Unset = UNSET
        if not isinstance(self.state, Unset):
            state = InvoiceState(self.state).value

        charges = self.charges

        net_amount = self.net_amount

        clearing_status = self.clearing_status

        mpesa_reference: None | str | Unset
        if isinstance(self.mpesa_reference, Unset):
            mpesa_reference = UNSET
        else:
            mpesa_reference = self.mpesa_reference

        host: None | str | Unset
        if isinstance(self.host, Unset):
            host = UNSET
        else:
            host = self.host

        retry_count = self.retry_count

        failed_reason: None | str | Unset
        if isinstance(self.failed_reason, Unset):
            failed_reason = UNSET
        else:
            failed_reason = self.failed_reason

        failed_code: None | str | Unset
        if isinstance(self.failed_code, Unset):
            failed_code = UNSET
        else:
            failed_code = self.failed_code

        failed_code_link: None | str | Unset
        if isinstance(self.failed_code_link, Unset):
            failed_code_link = UNSET
        else:
            failed_code_link = self.failed_code_link

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_id": invoice_id,
                "value": value,
                "currency": currency,
                "account": account,
                "api_ref": api_ref,
            }
        )
        if state is not UNSET:
            field_dict["state"] = state
        if charges is not UNSET:
            field_dict["charges"] = charges
        if net_amount is not UNSET:
            field_dict["net_amount"] = net_amount
        if clearing_status is not UNSET:
            field_dict["clearing_status"] = clearing_status
        if mpesa_reference is not UNSET:
            field_dict["mpesa_reference"] = mpesa_reference
        if host is not UNSET:
            field_dict["host"] = host
        if retry_count is not UNSET:
            field_dict["retry_count"] = retry_count
        if failed_reason is not UNSET:
            field_dict["failed_reason"] = failed_reason
        if failed_code is not UNSET:
            field_dict["failed_code"] = failed_code
        if failed_code_link is not UNSET:
            field_dict["failed_code_link"] = failed_code_link
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        invoice_id = d.pop("invoice_id")

        value = d.pop("value")

        currency = d.pop("currency")

        account = d.pop("account")

        api_ref = d.pop("api_ref")

        _state = d.pop("state", UNSET)
        state: InvoiceState | Unset
        if isinstance(_state, Unset):
            state = UNSET
        else:
            state = InvoiceState(_state)

        charges = d.pop("charges", UNSET)

        net_amount = d.pop("net_amount", UNSET)

        clearing_status = d.pop("clearing_status", UNSET)

        def _parse_mpesa_reference(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mpesa_reference = _parse_mpesa_reference(d.pop("mpesa_reference", UNSET))

        def _parse_host(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        host = _parse_host(d.pop("host", UNSET))

        retry_count = d.pop("retry_count", UNSET)

        def _parse_failed_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failed_reason = _parse_failed_reason(d.pop("failed_reason", UNSET))

        def _parse_failed_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failed_code = _parse_failed_code(d.pop("failed_code", UNSET))

        def _parse_failed_code_link(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failed_code_link = _parse_failed_code_link(d.pop("failed_code_link", UNSET))

        _created_at = d.pop("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _updated_at = d.pop("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        invoice = cls(
            invoice_id=invoice_id,
            value=value,
            currency=currency,
            account=account,
            api_ref=api_ref,
            state=state,
            charges=charges,
            net_amount=net_amount,
            clearing_status=clearing_status,
            mpesa_reference=mpesa_reference,
            host=host,
            retry_count=retry_count,
            failed_reason=failed_reason,
            failed_code=failed_code,
            failed_code_link=failed_code_link,
            created_at=created_at,
            updated_at=updated_at,
        )

        invoice.additional_properties = d
        return invoice

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
