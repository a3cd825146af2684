"""The run form: suites from the registry, quick mode, and an optional recording of one's own."""
from django import forms
from django.conf import settings

from appliance.engine import AudioError


class RunForm(forms.Form):
    suites = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple,
                                       error_messages={"required": "Pick at least one suite."})
    quick = forms.BooleanField(required=False, initial=True, help_text=(
        "Seconds of work per suite: checks that everything runs; figures are indicative."))
    time_limit_minutes = forms.IntegerField(
        required=False, min_value=1, max_value=24 * 60, label="Time limit (minutes)",
        help_text="The run stops (and ends every process it started) when it takes longer. "
                  "Empty: 30 minutes in quick mode, 4 hours otherwise.")
    audio = forms.FileField(required=False, help_text="Your own recording for the suites that take one "
                                                      "(otherwise espeak-ng reference speech).")

    def __init__(self, *args, catalog=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        self.fields["suites"].choices = [(name, name) for name, _, _ in catalog]

    def clean_audio(self):
        audio = self.cleaned_data.get("audio")
        if audio is not None and audio.size > settings.MAX_UPLOAD_MB * 2**20:
            raise forms.ValidationError(f"The recording is larger than {settings.MAX_UPLOAD_MB} MB.")
        return audio

    def probe_kept_audio(self, path):
        """Checks the saved upload with the engine's probe; returns its label or adds a form error."""
        from appliance.engine import probe_audio

        try:
            info = probe_audio(path, max_duration_seconds=settings.MAX_AUDIO_SECONDS)
        except AudioError as error:
            self.add_error("audio", f"{self.cleaned_data['audio'].name}: {error}")
            return None
        return f"{self.cleaned_data['audio'].name} ({info.duration_seconds:.1f} s, {info.codec})"
