from django import forms

from updater.config import CHANNELS, SCHEDULES


class UpdaterSettingsForm(forms.Form):
    """The settings an admin may change; the updater core validates them again before writing."""

    remote = forms.CharField(required=False, max_length=500, help_text="git URL or path; empty for bundle files only")
    channel = forms.ChoiceField(choices=[(c, c) for c in CHANNELS])
    branch = forms.CharField(required=False, max_length=200, help_text="followed when the channel is “branch”")
    require_signatures = forms.BooleanField(required=False)
    allowed_signers = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="GPG key fingerprints, one per line")
    schedule = forms.ChoiceField(choices=[(s, s) for s in SCHEDULES], help_text="how often to check")
    auto_apply = forms.BooleanField(required=False, label="Install updates automatically")
    maintenance_window = forms.CharField(required=False, max_length=20,
                                         help_text="HH:MM-HH:MM; inside it, an update does not wait for idle")

    @classmethod
    def from_config(cls, config):
        initial = config.panel_settings()
        initial["allowed_signers"] = "\n".join(initial["allowed_signers"])
        return cls(initial=initial)

    def changes(self) -> dict:
        values = dict(self.cleaned_data)
        values["allowed_signers"] = [line.strip() for line in values["allowed_signers"].splitlines() if line.strip()]
        values["branch"] = values["branch"] or "main"
        return values
