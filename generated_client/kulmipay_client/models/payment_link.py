from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentLink")


@_attrs_define
class PaymentLink:
    """A hosted payment link, when the collection came through one.

    Attributes:
        title (str | Unset):
        id (UUID | Unset):
        is_active (bool | Unset):
        redirect_url (str | Unset):
        amount (float | Unset):
        usage_limit (int | Unset):
        qrcode_file (str | Unset):
        url (str | Unset):
        created_at (datetime.datetime | Unset):
        updated_at (datetime.datetime | Unset):
    """

    title: str | Unset = UNSET
    id: UUID | Unset = UNSET
    is_active: bool | Unset = UNSET
    redirect_url: str | Unset = UNSET
    amount: float | Unset = UNSET
    usage_limit: int | Unset = UNSET
    qrcode_file: str | Unset = UNSET
    url: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        is_active = self.is_active

        redirect_url = self.redirect_url

        amount = self.amount

        usage_limit = self.usage_limit

        qrcode_file = self.qrcode_file

        url = self.url

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if title is not UNSET:
            field_dict["title"] = title
        if id is not UNSET:
            field_dict["id"] = id
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if redirect_url is not UNSET:
            field_dict["redirect_url"] = redirect_url
        if amount is not UNSET:
            field_dict["amount"] = amount
        if usage_limit is not UNSET:
            field_dict["usage_limit"] = usage_limit
        if qrcode_file is not UNSET:
            field_dict["qrcode_file"] = qrcode_file
        if url is not UNSET:
            field_dict["url"] = url
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title", UNSET)

        _id = d.pop("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        is_active = d.pop("is_active", UNSET)

        redirect_url = d.pop("redirect_url", UNSET)

        amount = d.pop("amount", UNSET)

        usage_limit = d.pop("usage_limit", UNSET)

        qrcode_file = d.pop("qrcode_file", UNSET)

        url = d.pop("url", UNSET)

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

        payment_link = cls(
            title=title,
            id=id,
            is_active=is_active,
            redirect_url=redirect_url,
            amount=amount,
            usage_limit=usage_limit,
            qrcode_file=qrcode_file,
            url=url,
            created_at=created_at,
            updated_at=updated_at,
        )

        payment_link.additional_properties = d
        return payment_link

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
