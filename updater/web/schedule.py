"""When the periodic check is due: once a day (or week) at a time chosen at random per appliance,
so a fleet does not hit the remote at the same minute."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta

PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def appliance_slot(seed: str | None = None) -> tuple[int, int]:
    """(weekday, minute of the day): random across appliances, stable for one."""
    digest = hashlib.sha256((seed or f"{uuid.getnode():012x}").encode()).digest()
    return digest[0] % 7, int.from_bytes(digest[1:3], "big") % (24 * 60)


def last_slot_before(moment: datetime, schedule: str, seed: str | None = None) -> datetime | None:
    """The most recent scheduled check time at or before ``moment``; None when checks are off."""
    if schedule not in PERIODS:
        return None
    weekday, minute = appliance_slot(seed)
    slot = moment.replace(hour=minute // 60, minute=minute % 60, second=0, microsecond=0)
    if schedule == "weekly":
        slot -= timedelta(days=(moment.weekday() - weekday) % 7)
    if slot > moment:
        slot -= PERIODS[schedule]
    return slot


def check_is_due(moment: datetime, schedule: str, last_check: datetime | None, seed: str | None = None) -> bool:
    slot = last_slot_before(moment, schedule, seed)
    return slot is not None and (last_check is None or last_check < slot)
