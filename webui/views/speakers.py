"""What the job page shows about speakers (webui/templates/webui/_speakers.html)."""
from appliance.jobs.speaker_names import job_speaker_labels


def speaker_context(job):
    names = job.speaker_names or {}
    diarization = (job.transcript or {}).get("diarization") or {}
    return {
        "speaker_fields": [(label, names.get(label, "")) for label in job_speaker_labels(job)],
        "speaker_names": names,
        "speaker_warning": diarization.get("warning", ""),
    }
