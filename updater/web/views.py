"""The Updates page: status, check / apply / rollback buttons, live log, history, settings. Admins only."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from appliance.accounts.permissions import admin_required
from updater import ConfigError, LockHeld
from updater.web import services
from updater.web.forms import UpdaterSettingsForm


def _updater_or_none(request):
    try:
        return services.load_updater(), None
    except ConfigError as error:
        return None, str(error)


@admin_required
@require_GET
def index(request):
    updater, problem = _updater_or_none(request)
    if updater is None:
        return render(request, "updater/index.html", {"problem": problem})
    status = updater.status()
    return render(request, "updater/index.html", {
        "status": status, "check": status["last_check"], "history": updater.history(30),
        "form": UpdaterSettingsForm.from_config(updater.config),
        "rollback_targets": [r for r in status["releases"] if not r["current"]],
    })


@admin_required
@require_GET
def progress(request):
    updater, problem = _updater_or_none(request)
    if updater is None:
        return JsonResponse({"error": problem}, status=409)
    try:
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return JsonResponse({"error": "offset must be a whole number"}, status=400)
    return JsonResponse(services.poll(updater, request.GET.get("run"), offset))


def _start(request, summary, *arguments):
    updater, problem = _updater_or_none(request)
    if updater is None:
        messages.error(request, problem)
        return redirect("updater:index")
    try:
        services.launch(updater, *arguments)
    except LockHeld as error:
        messages.error(request, str(error))
    else:
        services.audit(request.user, f"updater.{arguments[0]}", summary=summary, request=request)
        messages.success(request, f"{summary}: started; the log below follows it.")
    return redirect("updater:index")


@admin_required
@require_POST
def check(request):
    return _start(request, "Update check", "check")


@admin_required
@require_POST
def apply(request):
    arguments = ["apply"]
    version = request.POST.get("version", "").strip()
    if version:
        arguments += ["--version", version]
    if request.POST.get("force") == "on":
        arguments.append("--force")
    return _start(request, f"Update to {version or 'the newest release'}" + (" (forced)" if "--force" in arguments
                                                                              else ""), *arguments)


@admin_required
@require_POST
def rollback(request):
    version = request.POST.get("version", "").strip()
    if not version:
        messages.error(request, "Choose the release to roll back to.")
        return redirect("updater:index")
    arguments = ["rollback", version]
    if request.POST.get("restore_data") == "on":
        arguments.append("--restore-data")
    return _start(request, f"Rollback to {version}", *arguments)


@admin_required
@require_POST
def bundle(request):
    upload = request.FILES.get("bundle")
    if upload is None:
        messages.error(request, "Choose a bundle file to upload.")
        return redirect("updater:index")
    try:
        path = services.save_bundle(upload)
    except ConfigError as error:
        messages.error(request, str(error))
        return redirect("updater:index")
    if request.POST.get("action") == "check":
        return _start(request, f"Check of {upload.name}", "check", "--bundle", str(path))
    return _start(request, f"Update from {upload.name}", "apply", "--bundle", str(path))


@admin_required
@require_POST
def save_settings(request):
    updater, problem = _updater_or_none(request)
    if updater is None:
        messages.error(request, problem)
        return redirect("updater:index")
    form = UpdaterSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.save_settings(updater, form.changes(), request.user, request)
        except ConfigError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Updater settings saved.")
            return redirect("updater:index")
    status = updater.status()
    return render(request, "updater/index.html", {
        "status": status, "check": status["last_check"], "history": updater.history(30), "form": form,
        "rollback_targets": [r for r in status["releases"] if not r["current"]],
    }, status=400)
