"""Maintenance window ``HH:MM-HH:MM`` in local time; a window may wrap midnight (``22:00-02:00``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from .errors import ConfigError

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class MaintenanceWindow:
    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> MaintenanceWindow | None:
        """None for an empty text (no window configured)."""
        if not text.strip():
            return None
        match = _WINDOW.match(text)
        if not match:
            raise ConfigError(f"maintenance window {text!r} is not of the form HH:MM-HH:MM (e.g. 02:00-04:30)")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ConfigError(f"maintenance window {text!r} names a time that does not exist")
        if (h1, m1) == (h2, m2):
            raise ConfigError(f"maintenance window {text!r} starts and ends at the same time")
        return cls(time(h1, m1), time(h2, m2))

    def contains(self, moment: datetime) -> bool:
        now = moment.time().replace(second=0, microsecond=0)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"
