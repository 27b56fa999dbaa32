from typing import Literal

StkPushRequestMobileTarrif = Literal["BUSINESS-PAYS", "CUSTOMER-PAYS"]

STK_PUSH_REQUEST_MOBILE_TARRIF_VALUES: set[StkPushRequestMobileTarrif] = {
    "BUSINESS-PAYS",
    "CUSTOMER-PAYS",
}


def check_stk_push_request_mobile_tarrif(value: str) -> StkPushRequestMobileTarrif:
    if value in STK_PUSH_REQUEST_MOBILE_TARRIF_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STK_PUSH_REQUEST_MOBILE_TARRIF_VALUES!r}")
