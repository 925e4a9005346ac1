"""Local emulator of the iDempiere REST plugin (bxservice/idempiere-rest); see docs/architecture.md."""
from .options import EmulatorOptions
from .server import EmulatorServer

__all__ = ["EmulatorServer", "EmulatorOptions"]
