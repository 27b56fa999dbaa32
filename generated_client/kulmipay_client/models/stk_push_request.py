from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.stk_push_request_mobile_tarrif import StkPushRequestMobileTarrif
from ..types import UNSET, Unset

T = TypeVar("T", bound="StkPushRequest")


@_attrs_define
class StkPushRequest:
    """What the merchant sends. Unknown fields are ignored by the server.

    Attributes:
        amount (float | str): Amount in KES, from 1 to 250000. The API reference page declares a decimal string;
            the guide also admits a JSON number, so both are accepted (decision recorded in the
            README). Strings carry at most two decimals. Fractions are rounded up to a whole
            shilling before the prompt is sent. The range is M-Pesa's per-transaction limit.
        phone_number (str): The Safaricom M-Pesa line to prompt, in international form `254XXXXXXXXX`
            (mobile prefixes 7 and 1). Against the real sandbox this is a real phone.
        api_ref (None | str | Unset): Your reference for this payment, echoed on the invoice and in webhooks. Up to 140
            characters. When absent or null, KulmiPay uses `MPesa Express`.
        wallet_id (None | str | Unset): Alias of the KES wallet to settle into; absent or null means the default
            settlement
            wallet. On a real account only your own wallet ids are valid.
        mobile_tarrif (StkPushRequestMobileTarrif | Unset): Who pays the M-Pesa fee (spelled so by KulmiPay): `BUSINESS-
            PAYS` deducts it from the
            settlement, `CUSTOMER-PAYS` adds it on top. The account's default applies when absent.
    """

    amount: float | str
    phone_number: str
    api_ref: None | str | Unset = UNSET
    wallet_id: None | str | Unset = UNSET
    mobile_tarrif: StkPushRequestMobileTarrif | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount: float | str
        amount = self.amount

        phone_number = self.phone_number

        api_ref: None | str | Unset
        if isinstance(self.api_ref, Unset):
            api_ref = UNSET
        else:
            api_ref = self.api_ref

        wallet_id: None | str | Unset
        if isinstance(self.wallet_id, Unset):
            wallet_id = UNSET
        else:
            wallet_id = self.wallet_id

        mobile_tarrif: str | Unset = UNSET
        if not isinstance(self.mobile_tarrif, Unset):
            mobile_tarrif = StkPushRequestMobileTarrif(self.mobile_tarrif).value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "phone_number": phone_number,
            }
        )
        if api_ref is not UNSET:
            field_dict["api_ref"] = api_ref
        if wallet_id is not UNSET:
            field_dict["wallet_id"] = wallet_id
        if mobile_tarrif is not UNSET:
            field_dict["mobile_tarrif"] = mobile_tarrif

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_amount(data: object) -> float | str:
            return cast(float | str, data)

        amount = _parse_amount(d.pop("amount"))

        phone_number = d.pop("phone_number")

        def _parse_api_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_ref = _parse_api_ref(d.pop("api_ref", UNSET))

        def _parse_wallet_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        wallet_id = _parse_wallet_id(d.pop("wallet_id", UNSET))

        _mobile_tarrif = d.pop("mobile_tarrif", UNSET)
        mobile_tarrif: StkPushRequestMobileTarrif | Unset
        if isinstance(_mobile_tarrif, Unset):
            mobile_tarrif = UNSET
        else:
            mobile_tarrif = StkPushRequestMobileTarrif(_mobile_tarrif)

        stk_push_request = cls(
            amount=amount,
            phone_number=phone_number,
            api_ref=api_ref,
            wallet_id=wallet_id,
            mobile_tarrif=mobile_tarrif,
        )

        stk_push_request.additional_properties = d
        return stk_push_request

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
