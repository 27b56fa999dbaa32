"""The local KulmiPay sandbox emulator: a real HTTP server for STK push, driven by the spec."""

from .app import create_app
from .faults import FAULTS, Fault
from .pipeline import Sandbox, Settings
from .server import RunningEmulator, serve

__all__ = ["FAULTS", "Fault", "RunningEmulator", "Sandbox", "Settings", "create_app", "serve"]
