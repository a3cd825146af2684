"""Engine settings reach running workers and live engines without a restart; they report back.

Web side (the panel): `publish(engine_settings)` stores the settings under DESIRED_KEY and
announces them on CHANNEL. Engine side: a `ConfigFollower` thread in every process that owns a
ModelManager applies the latest settings; what the process really has loaded is its `state()`,
which the process's presence record carries (appliance.runtime.presence).

Pub/sub is fire-and-forget (a process that was starting or reconnecting misses the message),
so it only wakes the follower early: every REPORT_INTERVAL_SECONDS the follower compares the
stored revision with the one it applied anyway, which is what makes a missed message harmless.
"""
import json
import logging
import os
import re
import socket
import threading
import time

import psutil
import redis

from appliance.engine.config import device_key, resolve_device
from appliance.engine.errors import EngineError
from appliance.plumbing.redis_client import get_redis
from appliance.runtime.manager import loaded_speaker_model_rows, unload_speaker_model
from appliance.runtime.unload_requests import request_unload, take_unload_requests

CHANNEL = "appliance:panel:engine-settings"
DESIRED_KEY = "appliance:panel:engine-settings:desired"
REPORT_INTERVAL_SECONDS = 5
RECONNECT_DELAY_SECONDS = 2
MB = 2**20
DEVICE_KEY = re.compile(r"^(cpu|cuda:\d+)$")

logger = logging.getLogger(__name__)


def publish(redis_url, engine_settings):
    """Store and announce new settings; returns how many processes were listening right now."""
    client = get_redis(redis_url)
    payload = json.dumps(engine_settings, sort_keys=True)
    client.set(DESIRED_KEY, payload)
    return client.publish(CHANNEL, payload)


def read_desired(redis_url):
    payload = get_redis(redis_url).get(DESIRED_KEY)
    return json.loads(payload) if payload else None


def wake_channel(identity):
    return f"{CHANNEL}:wake:{identity}"


def ask_to_unload(redis_url, identity, model_name):
    """Ask one process (by its presence identity) to unload a model now ("Unload now")."""
    request_unload(get_redis(redis_url), identity, wake_channel(identity), model_name)


def engine_config_for(base_config, engine_settings):
    """The EngineConfig a process runs with once `engine_settings` (the panel's) apply.

    Keeps what the panel does not decide (data dir, threads, hub permission) from `base_config`.
    """
    device_choice = engine_settings.get("device", "auto")
    device, _, index = device_choice.partition(":")
    device_index = int(index) if index else 0
    resolved = device_key(resolve_device(device), device_index)
    compute_types = engine_settings.get("compute_types") or {}
    return base_config.with_changes(
        device=device,
        device_index=device_index,
        compute_type=compute_types.get(resolved) or compute_types.get("*") or "auto",
        preload=tuple(engine_settings.get("preload", ())),
        idle_ttl_seconds=engine_settings.get("idle_ttl_seconds", base_config.idle_ttl_seconds),
        memory_budget_mb={key: int(value) for key, value in (engine_settings.get("memory_budget_mb") or {}).items()},
    )


class ConfigFollower:
    """Keeps one process's ModelManager on the panel's settings and reports its state.

    `desired_fallback` answers the settings when Redis holds none (a flushed or fresh Redis):
    the process's entry point passes a function reading the panel's saved settings, and the
    answer is stored for the others. `presence` (optional) is told at once when the state
    changes, so the panel shows "applying" and the outcome without waiting for the next beat.
    """

    def __init__(self, manager, redis_url, role="worker", desired_fallback=None, identity=None, presence=None):
        self.manager = manager
        self.redis_url = redis_url
        self.role = role
        self.desired_fallback = desired_fallback
        self.presence = presence
        self.identity = identity or f"{socket.gethostname()}:{os.getpid()}"
        self.applied_revision = None
        self.applied_at = None
        self.error = ""
        self.applying_revision = None
        self._stop = threading.Event()
        self._thread = None
        self._wake_channel = wake_channel(self.identity)

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self):
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"panel-config-follower-{self.role}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout=10):
        self._stop.set()
        try:
            client = get_redis(self.redis_url)
            # Wakes our own get_message() at once instead of after the report interval.
            client.publish(self._wake_channel, "stop")
            if self._thread is not None:
                self._thread.join(timeout)
        except redis.RedisError:
            if self._thread is not None:
                self._thread.join(timeout)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def _run(self):
        while not self._stop.is_set():
            try:
                self._follow()
            except (redis.RedisError, OSError) as error:
                logger.warning("engine settings follower lost Redis (%s); retrying", error)
                self._stop.wait(RECONNECT_DELAY_SECONDS)
            except Exception:  # noqa: BLE001 - a bug here must not end the thread: settings would freeze
                logger.exception("engine settings follower failed; retrying")
                self._stop.wait(RECONNECT_DELAY_SECONDS)

    def _follow(self):
        client = get_redis(self.redis_url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(CHANNEL, self._wake_channel)
            while not self._stop.is_set():
                self.reconcile(client)
                self.unload_requested(client)
                # Returns at the first announcement, or after the interval for the periodic check.
                pubsub.get_message(timeout=REPORT_INTERVAL_SECONDS)
        finally:
            try:
                pubsub.close()
            except (redis.RedisError, OSError):
                pass

    # --- one round -------------------------------------------------------------------------------

    def desired(self, client):
        payload = client.get(DESIRED_KEY)
        if payload:
            return json.loads(payload)
        if self.desired_fallback is None:
            return None
        engine_settings = self.desired_fallback()
        if engine_settings is not None:
            client.set(DESIRED_KEY, json.dumps(engine_settings, sort_keys=True), nx=True)
        return engine_settings

    def reconcile(self, client):
        desired = self.desired(client)
        if desired is None or desired.get("revision") == self.applied_revision:
            return False
        # Preloading a big model takes a while: say so first, so the page shows "applying".
        self.applying_revision = desired.get("revision")
        self.report()
        try:
            self.apply(desired)
        finally:
            self.applying_revision = None
        self.report()
        return True

    def apply(self, engine_settings):
        """Apply once per revision: a refused load is reported, not retried every few seconds."""
        manager = self.manager
        old_preload = set(manager.config.preload)
        try:
            new_config = engine_config_for(manager.config, engine_settings)
            # Models taken out of the preload set are unloaded now (a running job keeps its copy
            # until it ends): that is what an admin unticking a model expects to see.
            for name in old_preload - set(new_config.preload):
                manager.unload(name)
            manager.apply_config(new_config)
            self.error = ""
        except EngineError as error:
            self.error = str(error)
            logger.error("engine settings revision %s: %s", engine_settings.get("revision"), error)
        self.applied_revision = engine_settings.get("revision")
        self.applied_at = time.time()
        logger.info("engine settings revision %s applied", self.applied_revision)

    def unload_requested(self, client):
        """Unload what the panel's "Unload now" asked for; preloaded models stay (the panel
        refuses those: the preload set would load them again)."""
        preload = set(self.manager.config.preload)
        unloaded = [name for name in take_unload_requests(client, self.identity)
                    if name not in preload and (self.manager.unload(name) or unload_speaker_model(name))]
        if unloaded:
            logger.info("unloaded %s as the panel asked", ", ".join(unloaded))
            self.report()

    def state(self):
        manager = self.manager
        config = manager.config
        loaded = [info.to_dict() for info in manager.loaded_models()] + loaded_speaker_model_rows()
        try:
            device = device_key(resolve_device(config.device), config.device_index)
        except EngineError as error:
            device = f"{config.device} (unusable: {error})"
        devices = sorted({device, *(model["device"] for model in loaded)} - {""})
        return {
            "applied_revision": self.applied_revision,
            "applied_at": self.applied_at,
            "applying_revision": self.applying_revision,
            "error": self.error,
            "device": device,
            "compute_type": config.compute_type,
            "preload": list(config.preload),
            "loaded": loaded,
            "busy": any(model["in_use"] for model in loaded),
            "rss_mb": round(psutil.Process().memory_info().rss / MB),
            "budget_mb": {key: manager.budget_mb(key) for key in devices if DEVICE_KEY.match(key)},
            "statistics": manager.statistics(),
        }

    def report(self):
        if self.presence is not None:
            try:
                self.presence.beat()
            except Exception:  # noqa: BLE001 - the next beat of the presence thread reports it
                logger.warning("could not report the engine state now", exc_info=True)
