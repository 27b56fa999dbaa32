"""The local KulmiPay sandbox emulator: a real HTTP server for STK push, driven by the spec."""

from .app import create_app
from .faults import FAULTS, Fault
from .pipeline import Emulator, Settings
from .server import RunningEmulator, serve

__all__ = ["FAULTS", "Emulator", "Fault", "RunningEmulator", "Settings", "create_app", "serve"]
