"""Job defaults as an admin sets them: the model, language and engine knobs a job gets when its
request does not say (staff never see the engine knobs). Checked like a job's own options."""
from django import forms
from django.db import transaction

from appliance.engine import language_choices
from appliance.jobs.available_models import available_models
from appliance.jobs.models import JobDefaults
from appliance.jobs.request_options import InvalidJobOptions, parse_job_options
from appliance.panel import audit

FIELDS = ("model_name", "language", "batch_size", "vad", "word_timestamps", "cache_for_everyone")


class JobDefaultsForm(forms.Form):
    model = forms.ChoiceField(label="Model")
    language = forms.ChoiceField(label="Language", required=False)
    batch_size = forms.IntegerField(min_value=1, max_value=64, label="Batch size (audio chunks decoded together)")
    vad = forms.BooleanField(required=False, label="Skip silence (VAD)")
    word_timestamps = forms.BooleanField(required=False, label="Word timestamps")
    cache_for_everyone = forms.BooleanField(
        required=False, label="Answer identical audio from anyone's finished job",
        help_text="Off: an upload is answered from the cache only with the same user's earlier transcript. "
        "On: from anyone's (the machine transcript only, never their edits).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            (status.name, status.name + ("" if status.multilingual else " (English only)"))
            for status in available_models()
        ]
        self.fields["language"].choices = [("", "Detect automatically"), *language_choices()]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            # The same checks a job's options get: an English-only model with German is refused.
            parse_job_options({
                "model": data["model"], "language": data.get("language", ""), "task": "transcribe",
                "batch_size": str(data["batch_size"]), "vad": str(data["vad"]),
                "word_timestamps": str(data["word_timestamps"]),
            })
        except InvalidJobOptions as error:
            raise forms.ValidationError(str(error)) from None
        return data


def initial_values(row):
    return {"model": row.effective_model_name, "language": row.language, "batch_size": row.batch_size,
            "vad": row.vad, "word_timestamps": row.word_timestamps, "cache_for_everyone": row.cache_for_everyone}


def describe(row):
    return {field: getattr(row, field) for field in FIELDS}


def save_job_defaults(actor, values, request=None):
    row = JobDefaults.current()
    before = None if row._state.adding else describe(row)
    row.model_name, row.language, row.batch_size = values["model"], values.get("language", ""), values["batch_size"]
    row.vad, row.word_timestamps, row.updated_by = values["vad"], values["word_timestamps"], actor
    row.cache_for_everyone = values.get("cache_for_everyone", False)
    with transaction.atomic():
        row.save()
        audit.record(actor, "jobs.defaults", target="job defaults", before=before, after=describe(row),
                     summary=f"Job defaults: {row.model_name}, language {row.language or 'detect'}, "
                             f"batch size {row.batch_size}", request=request)
    return row
