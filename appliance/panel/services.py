"""Engine settings of the appliance: check them, save them, announce them to the workers.

Views and forms call these; the broadcast to workers happens only after the transaction
commits, so a worker never applies a revision the database rolled back.
"""
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db import transaction

from appliance.engine.config import resolve_compute_type
from appliance.engine.models.memory import default_budget_mb, estimate_model_mb
from appliance.engine.models.sources import list_models
from appliance.panel import audit, certificates
from appliance.runtime import follower
from appliance.panel.models import ApplianceSettings

logger = logging.getLogger(__name__)
MB = 2**20
MIN_BUDGET_MB = 64
MAX_IDLE_TTL_SECONDS = 7 * 24 * 3600
# CTranslate2 on a CPU computes in int8 or float32 only; the float16 family needs a GPU.
CPU_COMPUTE_TYPES = ("auto", "int8", "int8_float32", "float32")
GPU_COMPUTE_TYPES = ("auto", "int8", "int8_float16", "int8_float32", "int8_bfloat16", "float16", "bfloat16", "float32")


class SettingsError(ValueError):
    """Settings that cannot work; `errors` maps a field name ("" for all) to sentences."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))


@dataclass(frozen=True)
class PreloadEstimate:
    device: str
    compute_type: str
    per_model_mb: dict
    budget_mb: int | None  # None: no limit known (a GPU without NVML)

    @property
    def total_mb(self):
        return sum(self.per_model_mb.values())

    @property
    def fits(self):
        return self.budget_mb is None or self.total_mb <= self.budget_mb


def compute_types_for(device):
    return CPU_COMPUTE_TYPES if device == "cpu" else GPU_COMPUTE_TYPES


def model_statuses():
    return list_models(settings.DATA_DIR, allow_hub_download=settings.ALLOW_HUB_DOWNLOAD)


def target_device(device_choice, inventory):
    """The device key workers on this host use for a device choice ("auto" → a GPU if any)."""
    if device_choice == "auto":
        return "cuda:0" if inventory.gpu.gpus else "cpu"
    return device_choice


def estimate_preload(values, inventory, statuses=None):
    """How much the preload set needs on the device it will load on, against that budget."""
    device = target_device(values["device"], inventory)
    compute_type = resolve_compute_type(values["compute_types"].get(device, "auto"),
                                        "cpu" if device == "cpu" else "cuda")
    by_name = {status.name: status for status in (statuses if statuses is not None else model_statuses())}
    per_model = {}
    for name in values["preload"]:
        status = by_name.get(name)
        weights = status.size_bytes if status and status.size_bytes else 0
        per_model[name] = estimate_model_mb(weights, compute_type)
    budget = values["memory_budget_mb"].get(device)
    if budget is None:
        budget = default_budget_mb(device) if device == "cpu" else _gpu_default_budget(device, inventory)
    return PreloadEstimate(device, compute_type, per_model, budget)


def _gpu_default_budget(device, inventory):
    total = inventory.memory_limit_bytes(device)
    # Same rule as the engine (90 % of the GPU), computed from our own NVML reading.
    return None if total is None else int(total / MB * 0.9)


def check_engine_settings(values, inventory, statuses=None):
    """Refuse settings that could never work, with a sentence per field; returns the estimate."""
    statuses = statuses if statuses is not None else model_statuses()
    errors = {}
    devices = inventory.device_names
    if values["device"] not in ("auto", *devices):
        errors.setdefault("device", []).append(
            f"There is no device {values['device']!r} on this machine: choose one of auto, {', '.join(devices)}.")
    for device, compute_type in values["compute_types"].items():
        if compute_type not in compute_types_for(device):
            errors.setdefault("compute_types", []).append(
                f"{compute_type} does not run on {device}: choose one of {', '.join(compute_types_for(device))}.")
    for device, budget in values["memory_budget_mb"].items():
        limit = inventory.memory_limit_bytes(device)
        if limit is None:
            errors.setdefault("memory_budget_mb", []).append(f"There is no device {device!r} on this machine.")
        elif budget < MIN_BUDGET_MB:
            errors.setdefault("memory_budget_mb", []).append(
                f"The budget of {device} must be at least {MIN_BUDGET_MB} MB (tiny.en alone needs about 60 MB).")
        elif budget > limit // MB:
            errors.setdefault("memory_budget_mb", []).append(
                f"The budget of {device} ({budget} MB) is more than it has ({limit // MB} MB).")
    installed = {status.name for status in statuses if status.installed}
    missing = [name for name in values["preload"] if name not in installed]
    if missing:
        errors.setdefault("preload", []).append(
            f"Install {', '.join(missing)} before preloading {'it' if len(missing) == 1 else 'them'}.")
    if not 0 <= values["idle_ttl_seconds"] <= MAX_IDLE_TTL_SECONDS:
        errors.setdefault("idle_ttl_seconds", []).append("The idle time must be between 0 (never unload) and 7 days.")
    if errors:
        raise SettingsError(errors)
    estimate = estimate_preload(values, inventory, statuses)
    if not estimate.fits:
        parts = ", ".join(f"{name} ~{size} MB" for name, size in estimate.per_model_mb.items())
        raise SettingsError({"memory_budget_mb": [
            f"The preload set needs about {estimate.total_mb} MB on {estimate.device} ({parts}) but its memory "
            f"budget is {estimate.budget_mb} MB: raise the budget, preload fewer models or pick int8."]})
    return estimate


def save_engine_settings(actor, values, inventory, request=None):
    """Check, save as a new revision, write the audit entry, then announce after the commit."""
    check_engine_settings(values, inventory)
    with transaction.atomic():
        row = _locked_settings()
        before = row.snapshot()
        row.preload_models = list(values["preload"])
        row.device = values["device"]
        row.compute_types = dict(values["compute_types"])
        row.idle_ttl_seconds = values["idle_ttl_seconds"]
        row.memory_budget_mb = dict(values["memory_budget_mb"])
        return _save_revision(row, actor, "models.settings", before, request, "Engine settings changed")


def save_https_options(actor, https_redirect, hsts, request=None):
    """Store the toggles and rewrite nginx's snippets; a failed reload keeps both as they were
    (certificates.ReloadError propagates out of the transaction, which rolls the row back)."""
    with transaction.atomic():
        row = _locked_settings()
        before = row.snapshot()
        row.https_redirect, row.hsts = bool(https_redirect), bool(hsts)
        row = _save_revision(row, actor, "tls.options", before, request, "HTTPS redirect / HSTS changed")
        reloaded, message = certificates.write_and_reload(certificates.option_snippets(row.https_redirect, row.hsts))
    return row, reloaded, message


def _locked_settings():
    row = ApplianceSettings.objects.select_for_update().filter(pk=ApplianceSettings.SINGLETON_ID).first()
    return row if row is not None else ApplianceSettings.current()


def _save_revision(row, actor, action, before, request, summary):
    row.revision += 1
    row.updated_by = actor
    row.save()
    after = row.snapshot()
    changed = sorted(key for key in after if key != "revision" and after[key] != before.get(key))
    audit.record(actor, action, target=f"revision {row.revision}", before=before, after=after,
                 summary=f"{summary}: {', '.join(changed) or 'nothing'}", request=request)
    transaction.on_commit(lambda: publish_settings(row))
    return row


def publish_settings(row):
    """Announce saved settings; False (logged) when Redis cannot be reached right now."""
    try:
        follower.publish(settings.REDIS_URL, row.engine_settings())
    except redis.RedisError as error:
        logger.warning("revision %s saved but not announced (Redis: %s); the panel re-sends it", row.revision, error)
        return False
    return True


def republish_if_stale():
    """Re-send the saved revision when Redis lost it or missed it (restarted, or unreachable
    during a save); the panel pages call this, so looking at the panel repairs the broadcast."""
    row = ApplianceSettings.current()
    if row._state.adding:
        return True  # never saved: every follower falls back to the same defaults itself
    try:
        desired = follower.read_desired(settings.REDIS_URL)
    except redis.RedisError:
        return False
    if desired and desired.get("revision") == row.revision:
        return True
    return publish_settings(row)
