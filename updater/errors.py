"""Errors of the updater core; every message is meant for the admin reading the panel or a terminal."""


class UpdaterError(Exception):
    """Base class: str(error) is a complete sentence an admin can act on."""


class ConfigError(UpdaterError):
    """The updater configuration is missing or invalid."""


class Refused(UpdaterError):
    """The update was not started because a rule forbids it; nothing was changed.

    ``reason`` is a stable keyword (``downgrade``, ``history-rewrite``, ``unsigned``, ...) for
    programs; the message is for people.
    """

    def __init__(self, reason: str, message: str, forceable: bool = False):
        super().__init__(message)
        self.reason = reason
        self.forceable = forceable  # whether --force overrides it


class LockHeld(Refused):
    """Another updater run holds the lock."""

    def __init__(self, message: str):
        super().__init__("locked", message)


class StepFailed(UpdaterError):
    """A step of an update failed after changes had started."""

    def __init__(self, step: str, message: str):
        super().__init__(f"{step} failed: {message}")
        self.step = step


class CommandFailed(UpdaterError):
    """A configured command (install, migrate, restart, ...) exited with an error."""

    def __init__(self, argv: list[str], returncode: int, tail: str):
        shown = " ".join(argv)
        detail = f"\n{tail}" if tail else ""
        super().__init__(f"command `{shown}` exited with status {returncode}{detail}")
        self.returncode = returncode
