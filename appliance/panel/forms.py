from django import forms
from django.contrib.auth import get_user_model

from appliance.accounts.models import Role
from appliance.engine.models.catalog import MODEL_NAME_PATTERN
from appliance.panel import services, tls

DEVICE_LABELS = {"auto": "auto (a GPU when there is one, else the CPU)", "cpu": "CPU"}


def _field_suffix(device):
    return device.replace(":", "_")


class EngineSettingsForm(forms.Form):
    """Preload set, device, compute type and budget per device, idle time: one revision.

    Fields per device are built from the inventory, so a GPU appears here when it appears in
    the machine; `clean()` hands the result to services.check_engine_settings.
    """

    preload = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                        label="Keep loaded (preload)")
    device = forms.ChoiceField(label="Device")
    idle_ttl_minutes = forms.IntegerField(min_value=0, max_value=services.MAX_IDLE_TTL_SECONDS // 60,
                                          label="Unload other models after idle minutes (0 = never)")

    def __init__(self, *args, inventory, statuses, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.inventory, self.statuses = inventory, statuses
        installed = [status.name for status in statuses if status.installed]
        preload_now = list(current.preload_models) if current else []
        # A preloaded model deleted by hand stays visible, so unticking it is possible.
        self.fields["preload"].choices = [(name, name) for name in dict.fromkeys(installed + preload_now)]
        self.fields["device"].choices = [(name, DEVICE_LABELS.get(name, name))
                                         for name in ("auto", *inventory.device_names)]
        for device in inventory.device_names:
            suffix = _field_suffix(device)
            compute_label = f"Compute type on {device}"
            self.fields[f"compute_type_{suffix}"] = forms.ChoiceField(
                choices=[(value, value) for value in services.compute_types_for(device)], label=compute_label,
                widget=forms.Select(attrs={"aria-label": compute_label}))
            limit_mb = inventory.memory_limit_bytes(device) // services.MB
            budget_label = f"Memory budget on {device} in MB (at most {limit_mb}; empty = automatic)"
            self.fields[f"budget_{suffix}"] = forms.IntegerField(
                required=False, min_value=services.MIN_BUDGET_MB, max_value=limit_mb, label=budget_label,
                widget=forms.NumberInput(attrs={"aria-label": budget_label}))
        if current is not None and not self.is_bound:
            self.initial.update(self._initial_from(current))

    def _initial_from(self, current):
        initial = {"preload": list(current.preload_models), "device": current.device,
                   "idle_ttl_minutes": current.idle_ttl_seconds // 60}
        for device in self.inventory.device_names:
            suffix = _field_suffix(device)
            initial[f"compute_type_{suffix}"] = current.compute_types.get(
                device, current.compute_types.get("*", "auto"))
            initial[f"budget_{suffix}"] = current.memory_budget_mb.get(device)
        return initial

    def device_rows(self):
        """(device, its memory in MB, compute type field, budget field) for the per-device table."""
        return [(device, self.inventory.memory_limit_bytes(device) // services.MB,
                 self[f"compute_type_{_field_suffix(device)}"], self[f"budget_{_field_suffix(device)}"])
                for device in self.inventory.device_names]

    def values(self):
        data = self.cleaned_data
        devices = self.inventory.device_names
        return {
            "preload": list(data.get("preload") or []),
            "device": data.get("device", "auto"),
            # "auto" is what a device without an entry gets anyway; storing it would only add noise.
            "compute_types": {device: data[f"compute_type_{_field_suffix(device)}"] for device in devices
                              if data.get(f"compute_type_{_field_suffix(device)}") not in (None, "", "auto")},
            "memory_budget_mb": {device: data[f"budget_{_field_suffix(device)}"] for device in devices
                                 if data.get(f"budget_{_field_suffix(device)}") is not None},
            "idle_ttl_seconds": (data.get("idle_ttl_minutes") or 0) * 60,
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.estimate = services.check_engine_settings(self.values(), self.inventory, self.statuses)
        except services.SettingsError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class ModelImportForm(forms.Form):
    name = forms.RegexField(regex=MODEL_NAME_PATTERN, max_length=64, label="Model name",
                            error_messages={"invalid": "Use letters, digits, '.', '-' and '_' (like my-model.v2)."})
    archive = forms.FileField(label="Archive (.tar, .tar.gz or .zip of a CTranslate2 model directory)")


class HttpsOptionsForm(forms.Form):
    https_redirect = forms.BooleanField(required=False, label="Redirect HTTP to HTTPS")
    hsts = forms.BooleanField(required=False, label="Send HSTS (browsers then refuse plain HTTP for a year)")


class GenerateCertificateForm(forms.Form):
    common_name = forms.CharField(max_length=64, label="Common name (the main host name)")
    subject_alternative_names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Host names and IP addresses (space or comma separated)")
    key_type = forms.ChoiceField(choices=[("ecdsa-p256", "ECDSA P-256 (fast, modern)"),
                                          ("rsa-3072", "RSA 3072 (for old clients)")])

    def clean_subject_alternative_names(self):
        value = self.cleaned_data["subject_alternative_names"]
        try:
            tls.parse_subject_alternative_names(value)
        except tls.TLSError as error:
            raise forms.ValidationError(str(error)) from None
        return value


class UploadCertificateForm(forms.Form):
    """The chain and the key, each as a file or pasted; the passphrase only for an encrypted key."""

    chain_file = forms.FileField(required=False, label="Certificate chain file (PEM, server certificate first)")
    chain_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), label="…or paste it",
                                 max_length=tls.MAX_PEM_BYTES)
    key_file = forms.FileField(required=False, label="Private key file (PEM)")
    key_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), label="…or paste it",
                               max_length=tls.MAX_PEM_BYTES)
    passphrase = forms.CharField(required=False, widget=forms.PasswordInput, strip=False,
                                 label="Passphrase of the key (only if it is encrypted)")

    def _pem(self, file_field, text_field, what):
        uploaded, text = self.cleaned_data.get(file_field), self.cleaned_data.get(text_field) or ""
        if uploaded:
            if uploaded.size > tls.MAX_PEM_BYTES:
                raise forms.ValidationError(f"The {what} file is {uploaded.size} bytes; a PEM file is far smaller.")
            return uploaded.read()
        if text.strip():
            return text.encode("utf-8")
        raise forms.ValidationError(f"Give the {what} as a file or paste it.")

    def clean(self):
        cleaned = super().clean()
        for file_field, text_field, what, target in (("chain_file", "chain_text", "certificate chain", "chain_pem"),
                                                     ("key_file", "key_text", "private key", "key_pem")):
            try:
                cleaned[target] = self._pem(file_field, text_field, what)
            except forms.ValidationError as error:
                self.add_error(file_field, error)
        return cleaned


class CreateUserForm(forms.Form):
    username = forms.RegexField(regex=r"^[\w.@+-]{1,150}$", label="User name",
                                error_messages={"invalid": "Letters, digits and @ . + - _ only."})
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.STAFF)
    password = forms.CharField(required=False, widget=forms.PasswordInput, strip=False,
                               label="Password (empty = generate one and show it once)")

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"A user named {username} already exists.")
        return username


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ActiveForm(forms.Form):
    active = forms.BooleanField(required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(required=False, widget=forms.PasswordInput, strip=False,
                               label="New password (empty = generate one and show it once)")
