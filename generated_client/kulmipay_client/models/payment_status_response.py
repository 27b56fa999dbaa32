from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.payment_status_meta import PaymentStatusMeta


T = TypeVar("T", bound="PaymentStatusResponse")


@_attrs_define
class PaymentStatusResponse:
    """The invoice as it stands, and what it was created with.

    Attributes:
        invoice (Invoice): The collection's invoice. The API reference page lists its fields but not which are
            required; the five required here are what every push must answer with (inferred), and
            fields that stay empty until the payment settles or fails are nullable (inferred from
            IntaSend-compatible payloads). Real responses carry more fields (e.g. `provider`).
        meta (PaymentStatusMeta): The push's own record around the invoice (the STK push answer's other fields).
    """

    invoice: Invoice
    meta: PaymentStatusMeta
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        invoice = self.invoice.to_dict()

        meta = self.meta.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "invoice": invoice,
                "meta": meta,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.invoice import Invoice  # noqa: PLC0415
        from ..models.payment_status_meta import PaymentStatusMeta  # noqa: PLC0415

        d = dict(src_dict)
        invoice = Invoice.from_dict(d.pop("invoice"))

        meta = PaymentStatusMeta.from_dict(d.pop("meta"))

        payment_status_response = cls(
            invoice=invoice,
            meta=meta,
        )

        payment_status_response.additional_properties = d
        return payment_status_response

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
