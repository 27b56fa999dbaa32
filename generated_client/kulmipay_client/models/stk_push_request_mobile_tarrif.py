from enum import StrEnum


class StkPushRequestMobileTarrif(StrEnum):
    BUSINESS_PAYS = "BUSINESS-PAYS"
    CUSTOMER_PAYS = "CUSTOMER-PAYS"

    def __str__(self) -> str:
        return str(self.value)
