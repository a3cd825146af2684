"""The panel's "Job defaults" page."""
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from appliance.accounts.permissions import admin_required
from appliance.jobs.models import JobDefaults
from appliance.panel import job_defaults
from appliance.panel.views import _render


@admin_required
@require_http_methods(["GET", "POST"])
def job_defaults_page(request):
    row = JobDefaults.current()
    if request.method == "POST":
        form = job_defaults.JobDefaultsForm(request.POST)
        if form.is_valid():
            job_defaults.save_job_defaults(request.user, form.cleaned_data, request=request)
            messages.success(request, "Job defaults saved: new uploads get them.")
            return redirect("panel:job-defaults")
    else:
        form = job_defaults.JobDefaultsForm(initial=job_defaults.initial_values(row))
    return _render(request, "job_defaults.html", {"form": form, "row": row},
                   status=400 if form.errors else 200)
