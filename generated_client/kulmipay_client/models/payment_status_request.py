from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PaymentStatusRequest")


@_attrs_define
class PaymentStatusRequest:
    """Which invoice to read. Unknown fields are ignored by the server.

    Attributes:
        invoice_id (str): The `invoice.invoice_id` of the push's answer.
        checkout_id (str | Unset): With `signature`, for polling a hosted checkout; validates that the invoice belongs
            to it.
        signature (str | Unset): The hosted checkout's signature; sent together with `checkout_id`.
    """

    invoice_id: str
    checkout_id: str | Unset = UNSET
    signature: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice_id = self.invoice_id

        checkout_id = self.checkout_id

        signature = self.signature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice_id": invoice_id,
            }
        )
        if checkout_id is not UNSET:
            field_dict["checkout_id"] = checkout_id
        if signature is not UNSET:
            field_dict["signature"] = signature

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        invoice_id = d.pop("invoice_id")

        checkout_id = d.pop("checkout_id", UNSET)

        signature = d.pop("signature", UNSET)

        payment_status_request = cls(
            invoice_id=invoice_id,
            checkout_id=checkout_id,
            signature=signature,
        )

        payment_status_request.additional_properties = d
        return payment_status_request

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
