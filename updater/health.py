"""HTTP health probe of the running release: only a 200 counts."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request

log = logging.getLogger("updater")


def probe(url: str, timeout: float = 5.0) -> tuple[bool, str]:
    """(healthy, what was seen) for one GET of ``url``."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return False, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return False, f"no answer ({reason})"


def wait_healthy(url: str, deadline_seconds: float, poll_seconds: float = 0.25) -> str | None:
    """None once ``url`` answers 200; otherwise, at the deadline, what the last probe saw."""
    deadline = time.monotonic() + deadline_seconds
    while True:
        healthy, seen = probe(url, timeout=min(5.0, max(0.5, deadline_seconds)))
        if healthy:
            log.info("GET %s -> %s", url, seen)
            return None
        if time.monotonic() >= deadline:
            log.warning("GET %s -> %s; giving up after %.0f s", url, seen, deadline_seconds)
            return seen
        time.sleep(poll_seconds)
