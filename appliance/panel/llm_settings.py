"""The panel's LLM settings: the endpoint transcript clean-up and summaries go to, checked like any
form, saved with an audit entry. The API key is kept like the appliance's other secrets: the
environment (APPLIANCE_LLM_API_KEY or APPLIANCE_LLM_API_KEY_FILE) wins; otherwise the panel keeps it in
a 0600 file in the data dir, never in the database, and never shows it again."""
import os

from django import forms
from django.conf import settings
from django.db import transaction

from appliance.llm import ChatEndpoint, LLMError
from appliance.panel import audit
from appliance.panel.models import LLMSettings

FIELDS = ("enabled", "base_url", "model", "timeout_seconds", "max_tokens", "context_tokens", "skip_cleanup_models",
          "custom_prompt_name", "custom_prompt")  # fmt: skip


class LLMDisabled(Exception):
    """No LLM endpoint is set up; the message says what an admin must do."""


class LLMSettingsForm(forms.ModelForm):
    api_key = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                              label="API key", help_text="empty: keep the current key")  # fmt: skip
    clear_api_key = forms.BooleanField(required=False, label="Remove the stored API key")

    class Meta:
        model = LLMSettings
        fields = FIELDS

    def clean(self):
        data = super().clean()
        if data.get("enabled") and not (data.get("base_url") and data.get("model")):
            raise forms.ValidationError("Give the base URL and the model before turning the LLM on.")
        if data.get("base_url"):
            try:
                ChatEndpoint(data["base_url"])
            except LLMError as error:
                self.add_error("base_url", str(error))
        return data


def _key_file():
    return settings.DATA_DIR / "llm-api-key"


def api_key():
    if settings.LLM_API_KEY:
        return settings.LLM_API_KEY
    try:
        return _key_file().read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def api_key_source():
    """Where the key comes from, for the page: "environment", "panel" or "" (none)."""
    return "environment" if settings.LLM_API_KEY else "panel" if _key_file().is_file() else ""


def _store_api_key(value):
    path = _key_file()
    if not value:
        path.unlink(missing_ok=True)
        return
    descriptor = os.open(path.with_suffix(".new"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value)
    os.replace(path.with_suffix(".new"), path)


def save_llm_settings(actor, form, request=None):
    row = LLMSettings.current()
    before = None if row._state.adding else describe(row)
    row = form.save(commit=False)
    row.pk, row.updated_by = LLMSettings.SINGLETON_ID, actor
    key = form.cleaned_data.get("api_key", "")
    with transaction.atomic():
        row.save()
        if form.cleaned_data.get("clear_api_key") or key:
            _store_api_key("" if form.cleaned_data.get("clear_api_key") else key)
        audit.record(actor, "llm.settings", target="LLM", before=before, after=describe(row),
                     summary=f"LLM {'on' if row.enabled else 'off'}: {row.model or '-'} at {row.base_url or '-'}",
                     request=request)  # fmt: skip
    return row


def describe(row):
    return {field: getattr(row, field) for field in FIELDS if field != "custom_prompt"}


def endpoint(row=None):
    """(ChatEndpoint, LLMSettings) of the configured endpoint; LLMDisabled when there is none."""
    row = row or LLMSettings.current()
    if not row.enabled:
        raise LLMDisabled("No LLM is set up: an admin turns it on under Panel → LLM.")
    return ChatEndpoint(row.base_url, api_key(), row.timeout_seconds), row


def test_connection(base_url, key=None, timeout_seconds=10):
    """The model ids the endpoint offers; LLMError says why there are none."""
    return ChatEndpoint(base_url, api_key() if key is None else key, timeout_seconds).list_models()
