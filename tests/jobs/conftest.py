
import pytest
from waiting import wait_until


def wait_for_job(job, statuses=("done", "failed", "cancelled"), timeout_seconds=180):
    """Poll the row (as the pages do) until it reaches one of `statuses`."""

    def finished():
        job.refresh_from_db()
        return job.status in statuses

    wait_until(finished, timeout_seconds, what=f"job {job.pk} finishing (it is {job.status})")
    return job


@pytest.fixture
def wait_for():
    return wait_for_job


@pytest.fixture
def upload(staff_client):
    """POST files to the upload API as staff_user: upload(path, ..., client=..., **options) → response."""

    def post(*paths, client=None, **options):
        handles = [open(path, "rb") for path in paths]
        try:
            return (client or staff_client).post(
                "/api/jobs/", {"files": handles, **options}, HTTP_ACCEPT="application/json"
            )
        finally:
            for handle in handles:
                handle.close()

    return post


@pytest.fixture
def until():
    """until(condition, timeout_seconds=120, what="...") polls condition() until it is truthy."""
    return wait_until


@pytest.fixture
def finished_job(staff_user):
    """finished_job(texts, owner=staff_user, name="talk.wav", words=True) → a done Transcription whose
    result has one segment per text, 3 s each (with word times and probabilities when words). For the
    tests of what happens to a transcript after it exists; the worker tests make real ones."""
    from appliance.jobs.models import Status, Transcription

    def make(texts, owner=None, name="talk.wav", words=True, language="en"):
        segments = []
        for index, text in enumerate(texts):
            start = index * 3.0
            tokens = text.split()
            timed = [
                {"start": round(start + 2.5 * n / len(tokens), 3), "end": round(start + 2.5 * (n + 1) / len(tokens), 3),
                 "word": f" {token}", "probability": 0.3 if token.endswith("?") else 0.95}
                for n, token in enumerate(tokens)
            ] if words else []  # fmt: skip
            segments.append({"id": index, "start": start, "end": start + 2.5, "text": f" {text}", "words": timed,
                             "avg_logprob": -0.2, "no_speech_prob": 0.01, "compression_ratio": 1.2, "tokens": [1, 2],
                             "temperature": 0.0, "seek": 0})  # fmt: skip
        result = {"text": "".join(segment["text"] for segment in segments).strip(), "segments": segments,
                  "language": language, "language_probability": 0.99, "duration": 3.0 * len(texts),
                  "timings": {}, "model": "tiny.en", "device": "cpu", "compute_type": "int8", "task": "transcribe"}  # fmt: skip
        return Transcription.objects.create(
            owner=owner or staff_user, original_name=name, audio=f"transcriptions/{name}", model_name="tiny.en",
            status=Status.DONE, progress=1.0, result=result, detected_language=language,
        )

    return make
