"""Git-based self-updater of Whisper Appliance. Imports no Django, so it can roll back a broken release."""

from .config import UpdaterConfig
from .errors import ConfigError, LockHeld, Refused, UpdaterError
from .service import Updater

__all__ = ["ConfigError", "LockHeld", "Refused", "Updater", "UpdaterConfig", "UpdaterError"]
