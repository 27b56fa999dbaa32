from enum import StrEnum


class CollectionEventProvider(StrEnum):
    M_PESA = "M-PESA"
    PESALINK = "PESALINK"

    def __str__(self) -> str:
        return str(self.value)
