"""A client library for accessing KulmiPay M-Pesa STK Push API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
