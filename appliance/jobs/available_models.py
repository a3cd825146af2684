"""Which models a job may ask for, as the web process sees them (uploads, the OpenAI /v1/models).

Listing checks every pack's files (a tenth of a second), so uploads reuse a recent answer; the
panel forgets it after importing or deleting a model, so the next upload sees the change.
"""
import time

from django.conf import settings

AVAILABLE_MODELS_TTL_SECONDS = 30
_available = {"at": None, "models": None}


def available_models():
    """Models installed offline, or downloadable when the hub is allowed."""
    from appliance.engine import list_models

    now = time.monotonic()
    if _available["at"] is None or now - _available["at"] > AVAILABLE_MODELS_TTL_SECONDS:
        _available["models"] = [
            status
            for status in list_models(settings.DATA_DIR, allow_hub_download=settings.ALLOW_HUB_DOWNLOAD)
            if status.installed or status.source == "hub"
        ]
        _available["at"] = now
    return _available["models"]


def forget_available_models():
    _available["at"] = None


def available_model_names():
    return [status.name for status in available_models()]
