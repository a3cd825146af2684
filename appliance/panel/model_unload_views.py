"""The catalog's "Unload now" button."""
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from appliance.accounts.permissions import admin_required
from appliance.panel.model_operations import ModelOperationError
from appliance.panel.model_unload import unload_everywhere


@admin_required
@require_POST
def model_unload(request, name):
    try:
        holders = unload_everywhere(request.user, name, request=request)
    except ModelOperationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Asked {', '.join(holders)} to unload {name}; it is gone within seconds "
                                  "(a job running on it keeps it until that job ends).")
    return redirect("panel:models")
