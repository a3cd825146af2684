"""An LLM summary asked for on the job page in a real browser, answered by the real llama.cpp server.
(The test server is WSGI, which hands the stream over in one piece; token-by-token timing through
daphne is measured by the llm-stream benchmark.)"""
import pytest
from selenium.webdriver.common.by import By

from appliance.jobs.models import Transcription
from appliance.panel.models import LLMSettings

from test_job_page_speakers import RESULT
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _meeting(owner):
    return Transcription.objects.create(owner=owner, original_name="meeting.wav", model_name="tiny.en", status="done",
                                        duration_seconds=5.0, result=RESULT)  # fmt: skip


def test_a_summary_asked_for_on_the_job_page_is_shown_and_kept(logged_in, live_server, llm_server, staff_user):
    LLMSettings.objects.create(pk=1, enabled=True, base_url=llm_server, model="gemma-3-270m", max_tokens=80)
    job = _meeting(staff_user)
    browser = logged_in
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait = page_wait(browser, 60, 0.2)

    browser.find_element(By.CSS_SELECTOR, '[data-llm-action="summary"]').click()

    wait.until(lambda b: b.find_element(By.ID, "llm-status").text.startswith("Done"))
    shown = browser.find_element(By.CSS_SELECTOR, "#llm-output .llm-answer").text.strip()
    job.refresh_from_db()
    assert shown and shown == job.llm_outputs["summary"]["text"].strip()
