"""The panel's "Unload now": free a model's memory in every worker and live engine at once,
instead of waiting for the idle time (for example before deleting it)."""
from django.conf import settings

from appliance.panel import audit
from appliance.panel.model_operations import ModelOperationError
from appliance.panel.models import ApplianceSettings
from appliance.runtime import follower, presence


def unload_everywhere(actor, name, request=None):
    """Returns the identities of the processes asked; a job running on the model keeps its copy
    until it ends."""
    if name in ApplianceSettings.current().preload_models:
        raise ModelOperationError(f"{name} is in the preload set: take it out and save, which unloads it.")
    holders = [report["identity"] for report in presence.present()
               if any(model["name"] == name for model in report.get("loaded", ()))]
    if not holders:
        raise ModelOperationError(f"No worker has {name} loaded.")
    for identity in holders:
        follower.ask_to_unload(settings.REDIS_URL, identity, name)
    audit.record(actor, "models.unload", target=name, after={"processes": holders},
                 summary=f"Unload of {name} asked of {', '.join(holders)}", request=request)
    return holders
