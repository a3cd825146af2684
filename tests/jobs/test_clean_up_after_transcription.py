"""The upload option "clean up after transcription", with the real worker and the real LLM server."""
import pytest

from appliance.jobs.models import Transcription
from appliance.panel.models import LLMSettings

pytestmark = pytest.mark.django_db(transaction=True)


def _llm(llm_server, skip=""):
    LLMSettings.objects.create(pk=1, enabled=True, base_url=llm_server, model="gemma-3-270m", max_tokens=200,
                               skip_cleanup_models=skip)  # fmt: skip


def _uploaded(upload, speech_wav, wait_for, until):
    job = wait_for(Transcription.objects.get(public_id=upload(speech_wav, llm_cleanup="true").json()["jobs"][0]["id"]))
    assert job.status == "done" and job.llm_cleanup

    def cleaned_up():
        job.refresh_from_db()
        return job.llm_outputs.get("cleanup")

    until(cleaned_up, 120, what="the clean-up after transcription")
    return job


def test_a_job_asked_to_be_cleaned_up_gets_it_after_transcription(upload, speech_wav, celery_worker, wait_for, until,
                                                                   llm_server, staff_client):
    _llm(llm_server)

    job = _uploaded(upload, speech_wav, wait_for, until)

    outcome = job.llm_outputs["cleanup"]
    assert "skipped" not in outcome and "error" not in outcome, outcome
    assert outcome["revision"] == (2 if outcome["edits"] else None)
    assert staff_client.get(f"/api/jobs/{job.public_id}/").json()["llm_outputs"]["cleanup"]["model"] == "gemma-3-270m"


def test_models_on_the_skip_list_are_not_cleaned_up_and_the_page_says_why(upload, speech_wav, celery_worker, wait_for,
                                                                          until, llm_server, staff_client):
    _llm(llm_server, skip="tiny.en, large-v3")

    job = _uploaded(upload, speech_wav, wait_for, until)

    assert "tiny.en is accurate enough already" in job.llm_outputs["cleanup"]["skipped"]
    assert job.revisions.count() == 1
    page = staff_client.get(f"/jobs/{job.public_id}/").content.decode()
    assert "Automatic clean-up skipped: tiny.en is accurate enough already" in page
