"""Contract-testing toolkit for KulmiPay's M-Pesa STK Push API.

Layers (see ARCHITECTURE.md): `spec` and `rules` at the bottom; the emulator, the guard and
the checks on top of them; the conformance runner and the CLI on top of everything.
"""

__version__ = "0.1.0"
