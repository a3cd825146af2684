"""Workers prove they are alive by refreshing a Redis key with a TTL; /healthz reads them.

A key per worker process (hostname:pid) so two workers on one host, or a pool child restarted
after a crash, never hide each other; the TTL makes a killed worker disappear on its own.
"""
import json
import logging
import os
import socket
import threading
import time

from appliance.plumbing.redis_client import get_redis

KEY_PREFIX = "appliance:worker-heartbeat:"
INTERVAL_SECONDS = 10
TTL_SECONDS = 3 * INTERVAL_SECONDS

logger = logging.getLogger(__name__)


def worker_identity():
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """Beats now, then every INTERVAL_SECONDS from a daemon thread until stop()."""

    def __init__(self, models_callback=None):
        self.models_callback = models_callback
        self.stopped = threading.Event()
        self.thread = None

    def beat(self):
        models = self.models_callback() if self.models_callback else []
        payload = {"worker": worker_identity(), "pid": os.getpid(), "models": models, "at": time.time()}
        get_redis().set(KEY_PREFIX + worker_identity(), json.dumps(payload), ex=TTL_SECONDS)

    def start(self):
        self.beat()
        self.thread = threading.Thread(target=self._loop, name="worker-heartbeat", daemon=True)
        self.thread.start()
        return self

    def _loop(self):
        while not self.stopped.wait(INTERVAL_SECONDS):
            try:
                self.beat()
            except Exception:  # Redis restarting must not kill the worker; the TTL tells health.
                logger.warning("worker heartbeat failed", exc_info=True)

    def stop(self):
        self.stopped.set()
        try:
            get_redis().delete(KEY_PREFIX + worker_identity())
        except Exception:
            logger.warning("could not remove the worker heartbeat", exc_info=True)


def live_workers():
    client = get_redis()
    workers = []
    for key in client.scan_iter(match=KEY_PREFIX + "*", count=100):
        value = client.get(key)
        if value:
            workers.append(json.loads(value))
    return sorted(workers, key=lambda worker: worker["worker"])
