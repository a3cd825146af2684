"""The one registry of running model-owning processes: each refreshes a Redis key with a TTL.

A key per process (hostname:pid), so two workers on one host, a pool child restarted after a
crash, or live engines on two machines sharing Redis never hide each other; the TTL makes a
killed process disappear on its own within TTL_SECONDS. The record carries the role ("worker"
or "live"), what the process has loaded and its memory (from its settings follower), and for a
live engine its open sessions. /healthz, /metrics, the panel, the live consumer and the
updater's idle check all read `present()`.
"""
import json
import logging
import os
import socket
import threading
import time

from appliance.plumbing.redis_client import get_redis

KEY_PREFIX = "appliance:presence:"
BEAT_SECONDS = 3
# Three missed beats: long enough for a busy GIL or a Redis restart, short enough that a dead
# worker's job is taken over and the live consumer stops offering a dead engine quickly.
TTL_SECONDS = 10
ROLES = ("worker", "live")

logger = logging.getLogger(__name__)


def process_identity():
    return f"{socket.gethostname()}:{os.getpid()}"


class Presence:
    """One process's record. `describe()` (optional) returns the fields that change (loaded
    models, memory, settings revision: the follower's state); `update()` sets others (live
    sessions). Beats now, then every BEAT_SECONDS from a daemon thread until stop()."""

    def __init__(self, role, describe=None, identity=None):
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.role = role
        self.describe = describe
        self.identity = identity or process_identity()
        self.fields = {}
        self._stopped = threading.Event()
        self._thread = None

    def record(self):
        record = dict(self.describe() if self.describe else {})
        record.update(self.fields)
        record.update(identity=self.identity, role=self.role, hostname=socket.gethostname(), pid=os.getpid(),
                      at=time.time())  # fmt: skip
        return record

    def update(self, **fields):
        self.fields.update(fields)

    def beat(self):
        get_redis().set(KEY_PREFIX + self.identity, json.dumps(self.record(), sort_keys=True), ex=TTL_SECONDS)

    def start(self):
        try:
            self.beat()
        except Exception:  # Redis still starting: the thread beats again shortly.
            logger.warning("first presence beat failed", exc_info=True)
        self._stopped.clear()
        self._thread = threading.Thread(target=self._loop, name=f"presence-{self.role}", daemon=True)
        self._thread.start()
        return self

    def _loop(self):
        while not self._stopped.wait(BEAT_SECONDS):
            try:
                self.beat()
            except Exception:  # Redis restarting must not end the process; the TTL tells the rest.
                logger.warning("presence beat failed", exc_info=True)

    def stop(self):
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(BEAT_SECONDS + 1)
        try:
            get_redis().delete(KEY_PREFIX + self.identity)
        except Exception:
            logger.warning("could not remove this process's presence", exc_info=True)


def present(role=None, redis_url=None):
    """Every process with a fresh record (of `role`, when given), sorted by role and identity."""
    client = get_redis(redis_url)
    records = []
    for key in client.scan_iter(match=KEY_PREFIX + "*", count=100):
        value = client.get(key)
        if not value:
            continue
        try:
            record = json.loads(value)
        except json.JSONDecodeError:
            continue
        if role is None or record.get("role") == role:
            records.append(record)
    return sorted(records, key=lambda record: (record.get("role", ""), record.get("identity", "")))


def is_present(identity):
    """True while the process `identity` (hostname:pid) keeps beating."""
    return bool(get_redis().exists(KEY_PREFIX + identity))


def loaded_model_names(records):
    return sorted({model["name"] for record in records for model in record.get("loaded", ())})


def live_session_count():
    """Live sessions open now on every live engine (the metrics gauge, the updater's idle check)."""
    return sum(record.get("sessions", 0) for record in present("live"))


def live_engine_running():
    return bool(present("live"))
