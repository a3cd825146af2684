"""The panel's "LLM" page: the endpoint, its key and limits; "Test connection" lists its models
with what is typed in, without saving."""
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from appliance.accounts.permissions import admin_required
from appliance.llm import LLMError
from appliance.panel import llm_settings
from appliance.panel.models import LLMSettings
from appliance.panel.views import _render


@admin_required
@require_http_methods(["GET", "POST"])
def llm_page(request):
    row = LLMSettings.current()
    form = llm_settings.LLMSettingsForm(request.POST or None, instance=row)
    context = {"form": form, "row": row, "key_source": llm_settings.api_key_source()}
    if request.method == "POST" and form.is_valid():
        if "test" not in request.POST:
            llm_settings.save_llm_settings(request.user, form, request=request)
            messages.success(request, "LLM settings saved.")
            return redirect("panel:llm")
        try:
            context["models"] = llm_settings.test_connection(form.cleaned_data["base_url"],
                                                             form.cleaned_data["api_key"] or None)  # fmt: skip
        except LLMError as error:
            context["test_error"] = str(error)
    return _render(request, "llm.html", context, status=400 if form.errors else 200)
