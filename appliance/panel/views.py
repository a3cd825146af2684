"""Panel pages. Each view: check the form, call a service, render or redirect. Admins only."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appliance.accounts.middleware import wants_json
from appliance.accounts.permissions import admin_required
from appliance.engine.errors import EngineError
from appliance.panel import (
    certificates, devices, forms, model_operations, services, system_status, tls, users,
)
from appliance.panel.context_processors import tls_expiry_warning
from appliance.panel.models import ApplianceSettings, AuditLogEntry, ModelOperation
from appliance.runtime import presence


SECTIONS = (("panel:models", "Models & memory"), ("panel:job-defaults", "Job defaults"), ("panel:llm", "LLM"),
            ("panel:devices", "Devices"), ("panel:tls", "TLS"),
            ("panel:users", "Users"), ("panel:tokens", "API tokens"), ("panel:system", "System"),
            ("panel:audit", "Audit log"))


def _sections():
    from appliance.panel import urls as panel_urls  # here: urls imports this module

    names = {f"panel:{pattern.name}" for pattern in panel_urls.urlpatterns}
    return [(url_name, label) for url_name, label in SECTIONS if url_name in names]


def _render(request, template, context, status=200):
    banner = tls_expiry_warning(request).get("tls_expiry_warning", "")
    return render(request, f"panel/{template}", {"sections": _sections(), "panel_tls_warning": banner, **context},
                  status=status)


@admin_required
@require_GET
def index(request):
    info, problem = certificates.installed_certificate()
    return _render(request, "index.html", {
        "settings_row": ApplianceSettings.current(),
        "reports": presence.present(),
        "certificate": info, "certificate_problem": problem,
    })


# --- models & memory -----------------------------------------------------------------------------

def _engine_form(request, data=None):
    return forms.EngineSettingsForm(data, inventory=devices.read_inventory(), statuses=services.model_statuses(),
                                    current=ApplianceSettings.current())


@admin_required
@require_http_methods(["GET", "POST"])
def models_page(request):
    form = _engine_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        row = services.save_engine_settings(request.user, form.values(), form.inventory, request=request)
        messages.success(request, f"Saved as revision {row.revision}; the workers apply it within seconds.")
        return redirect("panel:models")
    if not services.republish_if_stale():
        messages.warning(request, "Redis cannot be reached: the workers get the saved settings once it is back.")
    reports = presence.present()
    row = ApplianceSettings.current()
    return _render(request, "models.html", {
        "form": form,
        "settings_row": row,
        "estimate": services.estimate_preload(row.engine_settings(), form.inventory, form.statuses),
        "rows": model_operations.catalog_rows(reports, form.statuses),
        "reports": reports,
        "operations": model_operations.recent_operations(statuses=form.statuses),
        "import_form": forms.ModelImportForm(),
        "max_upload_mb": settings.MAX_UPLOAD_MB,
        "models_dir": settings.MODELS_DIR,
        "hub_allowed": settings.ALLOW_HUB_DOWNLOAD,
    }, status=400 if form.errors else 200)


@admin_required
@require_GET
def model_state(request):
    """What the page polls: the workers' reports and the operations, as data and as the same
    HTML fragments the page was rendered with (one template, no second renderer in JS)."""
    services.republish_if_stale()
    row = ApplianceSettings.current()
    reports = presence.present()
    statuses = services.model_statuses()
    operations = model_operations.recent_operations(statuses=statuses)
    return JsonResponse({
        "revision": row.revision,
        "workers": reports,
        "operations": [operation.to_dict() for operation in operations],
        "workers_html": render_to_string("panel/_worker_state.html", {"reports": reports, "settings_row": row}),
        "operations_html": render_to_string("panel/_operations.html", {"operations": operations}),
        # After an import, delete or unload the catalog changes too: the page swaps it in.
        "catalog_html": render_to_string("panel/_catalog.html", {
            "rows": model_operations.catalog_rows(reports, statuses), "hub_allowed": settings.ALLOW_HUB_DOWNLOAD,
        }, request=request),
    })


def _operation_answer(request, action):
    try:
        operation = action()
    except (model_operations.ModelOperationError, EngineError) as error:
        if wants_json(request):
            return JsonResponse({"error": str(error)}, status=400)
        messages.error(request, str(error))
        return redirect("panel:models")
    if wants_json(request):
        return JsonResponse({"operation": operation.to_dict()}, status=202)
    messages.success(request, f"{operation.get_kind_display()} of {operation.model_name} started.")
    return redirect("panel:models")


@admin_required
@require_POST
def model_install(request, name):
    return _operation_answer(request, lambda: model_operations.install_from_pack(request.user, name, request))


@admin_required
@require_POST
def model_download(request, name):
    return _operation_answer(request, lambda: model_operations.download_from_hub(request.user, name, request))


@admin_required
@require_POST
def model_import(request):
    form = forms.ModelImportForm(request.POST, request.FILES)
    if getattr(request, "oversized_uploads", None):
        error = f"The archive is larger than the upload limit of {settings.MAX_UPLOAD_MB} MB."
    elif getattr(request, "upload_refusal", ""):
        error = request.upload_refusal
    elif not form.is_valid():
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    else:
        return _operation_answer(request, lambda: model_operations.import_uploaded_archive(
            request.user, form.cleaned_data["name"], form.cleaned_data["archive"], request))
    if wants_json(request):
        return JsonResponse({"error": error}, status=400)
    messages.error(request, error)
    return redirect("panel:models")


@admin_required
@require_GET
def model_operation(request, pk):
    model_operations.mark_interrupted_operations()
    return JsonResponse({"operation": get_object_or_404(ModelOperation, pk=pk).to_dict()})


@admin_required
@require_POST
def model_delete(request, name):
    try:
        model_operations.delete_model(request.user, name, request)
    except (model_operations.ModelOperationError, EngineError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Model {name} deleted.")
    return redirect("panel:models")


# --- devices, system, audit ----------------------------------------------------------------------

@admin_required
@require_GET
def devices_page(request):
    return _render(request, "devices.html", {"inventory": devices.read_inventory()})


@admin_required
@require_GET
def system_page(request):
    return _render(request, "system.html", {"status": system_status.system_status()})


@admin_required
@require_GET
def audit_page(request):
    entries = AuditLogEntry.objects.select_related("actor")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    areas = ["models", "tls", "user", "token"]
    return _render(request, "audit.html", {"page": page, "action": action, "areas": areas})


# --- TLS -----------------------------------------------------------------------------------------

def _tls_page(request, generate_form=None, upload_form=None, options_form=None, status=200):
    info, problem = certificates.installed_certificate()
    row = ApplianceSettings.current()
    names = tls.default_subject_alternative_names()
    return _render(request, "tls.html", {
        "certificate": info,
        "certificate_problem": problem,
        "days_left": tls.days_to_expiry_now(info) if info else None,
        "warning_days": tls.EXPIRY_WARNING_DAYS,
        "tls_dir": certificates.tls_dir(),
        "reload_command": certificates.reload_command(),
        "not_reloaded_text": certificates.NOT_RELOADED,
        "generate_form": generate_form or forms.GenerateCertificateForm(
            initial={"common_name": names[0], "subject_alternative_names": " ".join(names)}),
        "upload_form": upload_form or forms.UploadCertificateForm(),
        "options_form": options_form or forms.HttpsOptionsForm(
            initial={"https_redirect": row.https_redirect, "hsts": row.hsts}),
    }, status=status)


def _report_install(request, result):
    messages.success(request, f"Certificate installed: {result.info.subject}. {result.message}")
    for warning in result.warnings:
        messages.warning(request, warning)


@admin_required
@require_GET
def tls_page(request):
    return _tls_page(request)


@admin_required
@require_POST
def tls_generate(request):
    form = forms.GenerateCertificateForm(request.POST)
    if form.is_valid():
        try:
            result = certificates.generate(request.user, form.cleaned_data["common_name"],
                                           form.cleaned_data["subject_alternative_names"],
                                           form.cleaned_data["key_type"], request=request)
        except (tls.TLSError, certificates.ReloadError) as error:
            form.add_error(None, str(error))
        else:
            _report_install(request, result)
            return redirect("panel:tls")
    return _tls_page(request, generate_form=form, status=400)


@admin_required
@require_POST
def tls_upload(request):
    form = forms.UploadCertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = certificates.upload(request.user, form.cleaned_data["chain_pem"], form.cleaned_data["key_pem"],
                                         form.cleaned_data.get("passphrase"), request=request)
        except (tls.TLSError, certificates.ReloadError) as error:
            form.add_error(None, str(error))
        else:
            _report_install(request, result)
            return redirect("panel:tls")
    return _tls_page(request, upload_form=form, status=400)


@admin_required
@require_POST
def tls_options(request):
    form = forms.HttpsOptionsForm(request.POST)
    if form.is_valid():
        try:
            _, _, message = services.save_https_options(request.user, form.cleaned_data["https_redirect"],
                                                        form.cleaned_data["hsts"], request=request)
        except certificates.ReloadError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"HTTPS options saved. {message}")
            return redirect("panel:tls")
    return _tls_page(request, options_form=form, status=400)


# --- users ---------------------------------------------------------------------------------------

def _users_page(request, create_form=None, status=200):
    accounts = get_user_model().objects.order_by("username")
    return _render(request, "users.html", {
        "accounts": accounts, "create_form": create_form or forms.CreateUserForm(),
        "role_choices": forms.RoleForm.base_fields["role"].choices,
    }, status=status)


def _show_password_once(request, username, password):
    # Shown on the next page only (the session message is consumed on display), never logged.
    messages.warning(request, f"New password for {username}: {password} — copy it now, it is not shown again.")


@admin_required
@require_http_methods(["GET", "POST"])
def users_page(request):
    if request.method == "GET":
        return _users_page(request)
    form = forms.CreateUserForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user, password = users.create_user(request.user, data["username"], data["email"], data["role"],
                                               data["password"] or None, request=request)
        except users.UserChangeError as error:
            form.add_error("password" if "password" in str(error).lower() else None, str(error))
        else:
            messages.success(request, f"User {user.username} created.")
            if not data["password"]:
                _show_password_once(request, user.username, password)
            return redirect("panel:users")
    return _users_page(request, create_form=form, status=400)


def _user_change(request, pk, form_class, change):
    account = get_object_or_404(get_user_model(), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("panel:users")
    try:
        change(account, form.cleaned_data)
    except users.UserChangeError as error:
        messages.error(request, str(error))
    return redirect("panel:users")


@admin_required
@require_POST
def user_active(request, pk):
    def change(account, data):
        users.set_active(request.user, account, data["active"], request=request)
        messages.success(request, f"{account.username} is {'enabled' if data['active'] else 'disabled'}.")
    return _user_change(request, pk, forms.ActiveForm, change)


@admin_required
@require_POST
def user_role(request, pk):
    def change(account, data):
        users.set_role(request.user, account, data["role"], request=request)
        messages.success(request, f"{account.username} is now {account.get_role_display()}.")
    return _user_change(request, pk, forms.RoleForm, change)


@admin_required
@require_POST
def user_password(request, pk):
    def change(account, data):
        password = users.reset_password(request.user, account, data["password"] or None, request=request)
        messages.success(request, f"Password of {account.username} changed.")
        if not data["password"]:
            _show_password_once(request, account.username, password)
    return _user_change(request, pk, forms.PasswordResetForm, change)


# --- API tokens ----------------------------------------------------------------------------------

@admin_required
@require_GET
def tokens_page(request):
    from appliance.tokens import services as token_services

    return _render(request, "tokens.html", {"tokens": token_services.all_tokens()})


@admin_required
@require_POST
def token_revoke(request, pk):
    from appliance.tokens import services as token_services

    token = get_object_or_404(token_services.all_tokens(), pk=pk)
    users.revoke_token(request.user, token, request=request)
    messages.success(request, f"The token {token.name} ({token.display_prefix}) of {token.owner} was revoked.")
    return redirect("panel:tokens")
