"""Names people give the speakers of a job ("SPEAKER_1" -> "Dr. Weber"), stored on the job.

The result keeps its neutral labels; the job page, the player and every export read the names.
"""
import json

from django.db import transaction

from appliance.jobs.models import Transcription
from appliance.jobs.progress import publish_job

MAX_NAME_LENGTH = 80


class InvalidSpeakerNames(ValueError):
    """The message says what is wrong (shown as is)."""


def names_from_request(request):
    """The {label: name} of a JSON body, or of form fields named after the labels."""
    if request.content_type == "application/json":
        try:
            names = json.loads(request.body or b"{}")
        except ValueError:
            raise InvalidSpeakerNames("The body is not valid JSON: send an object such as {\"SPEAKER_1\": \"Ada\"}.") from None
        if not isinstance(names, dict):
            raise InvalidSpeakerNames("Send an object such as {\"SPEAKER_1\": \"Ada\"}.")
        return names
    return {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}


def job_speaker_labels(job):
    labels = []
    for segment in (job.transcript or {}).get("segments") or []:
        label = segment.get("speaker")
        if label and label not in labels:
            labels.append(label)
    return labels


def rename(job, names):
    """Merge `names` into the job's speaker names; returns all of them."""
    labels = job_speaker_labels(job)
    if not labels:
        raise InvalidSpeakerNames("This transcript has no speakers to rename: run the job again with speaker detection.")
    cleaned = {}
    for label, name in names.items():
        if label not in labels:
            raise InvalidSpeakerNames(f"There is no speaker {label!r} in this transcript: it has {', '.join(labels)}.")
        if not isinstance(name, str):
            raise InvalidSpeakerNames(f"The name of {label} must be text.")
        name = " ".join(name.split())
        if len(name) > MAX_NAME_LENGTH:
            raise InvalidSpeakerNames(f"The name of {label} is longer than {MAX_NAME_LENGTH} characters.")
        cleaned[label] = name
    with transaction.atomic():
        current = Transcription.objects.select_for_update().get(pk=job.pk)
        merged = {**(current.speaker_names or {}), **cleaned}
        merged = {label: name for label, name in merged.items() if name}
        Transcription.objects.filter(pk=job.pk).update(speaker_names=merged)
    job.speaker_names = merged
    transaction.on_commit(lambda: publish_job(job))
    return merged
