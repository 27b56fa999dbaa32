from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.collection_event_provider import CollectionEventProvider
from ..models.collection_event_state import CollectionEventState
from ..types import UNSET, Unset

T = TypeVar("T", bound="CollectionEvent")


@_attrs_define
class CollectionEvent:
    """A `collection_event` webhook's body. Receivers must accept fields not listed here.

    Attributes:
        invoice_id (str):
        state (CollectionEventState):
        challenge (str): The secret configured on the account's webhook; compare it in constant time.
        provider (CollectionEventProvider | Unset):
        charges (str | Unset):
        net_amount (str | Unset):
        currency (str | Unset):
        value (str | Unset):
        account (str | Unset):
        api_ref (str | Unset):
        clearing_status (str | Unset):
        mpesa_reference (None | str | Unset):
        host (None | str | Unset):
        retry_count (int | Unset):
        failed_reason (None | str | Unset):
        failed_code (None | str | Unset):
        failed_code_link (None | str | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    invoice_id: str
    state: CollectionEventState
    challenge: str
    provider: CollectionEventProvider | Unset = UNSET
    charges: str | Unset = UNSET
    net_amount: str | Unset = UNSET
    currency: str | Unset = UNSET
    value: str | Unset = UNSET
    account: str | Unset = UNSET
    api_ref: str | Unset = UNSET
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

        state = CollectionEventState(self.state).value

        challenge = self.challenge

        provider: str | Unset = UNSET
        if not isinstance(self.provider, Unset):
            provider = CollectionEventProvider(self.provider).value

        charges = self.charges

        net_amount = self.net_amount

        currency = self.currency

        value = self.value

        account = self.account

        api_ref = self.api_ref

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
                "state": state,
                "challenge": challenge,
            }
        )
        if provider is not UNSET:
            field_dict["provider"] = provider
        if charges is not UNSET:
            field_dict["charges"] = charges
        if net_amount is not UNSET:
            field_dict["net_amount"] = net_amount
        if currency is not UNSET:
            field_dict["currency"] = currency
        if value is not UNSET:
            field_dict["value"] = value
        if account is not UNSET:
            field_dict["account"] = account
        if api_ref is not UNSET:
            field_dict["api_ref"] = api_ref
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

        state = CollectionEventState(d.pop("state"))

        challenge = d.pop("challenge")

        _provider = d.pop("provider", UNSET)
        provider: CollectionEventProvider | Unset
        if isinstance(_provider, Unset):
            provider = UNSET
        else:
            provider = CollectionEventProvider(_provider)

        charges = d.pop("charges", UNSET)

        net_amount = d.pop("net_amount", UNSET)

        currency = d.pop("currency", UNSET)

        value = d.pop("value", UNSET)

        account = d.pop("account", UNSET)

        api_ref = d.pop("api_ref", UNSET)

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

        collection_event = cls(
            invoice_id=invoice_id,
            state=state,
            challenge=challenge,
            provider=provider,
            charges=charges,
            net_amount=net_amount,
            currency=currency,
            value=value,
            account=account,
            api_ref=api_ref,
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

        collection_event.additional_properties = d
        return collection_event

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
