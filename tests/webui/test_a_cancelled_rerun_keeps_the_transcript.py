"""A rerun in a real browser: the transcript stays downloadable while the rerun waits, Cancel asks
first, and after the cancel the page shows the previous transcript again, done."""
import pytest
from browsers import log_in, page_wait
from django.core.files import File
from selenium.webdriver.common.by import By

from appliance.jobs.models import Transcription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

RESULT = {"text": " Keep this transcript.", "language": "en", "duration": 2.0, "segments": [
    {"id": 0, "start": 0.0, "end": 2.0, "text": " Keep this transcript.", "words": []}]}


@pytest.fixture
def done_job(staff_user, speech_wav):
    job = Transcription(owner=staff_user, original_name="standup.wav", model_name="tiny.en", status="done",
                        progress=1.0, result=RESULT, duration_seconds=2.0)
    with open(speech_wav, "rb") as audio:
        job.audio.save("standup.wav", File(audio), save=False)
    job.save()
    yield job
    from appliance.celery import app

    app.control.purge()  # the rerun's message: no worker ran in this test


def test_a_rerun_cancelled_from_the_page_brings_the_transcript_back(phone_browser, live_server, client, staff_user,
                                                                     done_job):
    browser = log_in(phone_browser, live_server, client, staff_user)
    browser.get(f"{live_server.url}/jobs/{done_job.public_id}/")
    wait = page_wait(browser, 30, 0.2)
    browser.find_element(By.CSS_SELECTOR, "details.rerun summary").click()
    run_again = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, "details.rerun button.primary"))
    wait.until(lambda b: run_again.is_displayed())
    browser.execute_script("arguments[0].scrollIntoView()", run_again)
    run_again.click()
    kept = wait.until(lambda b: b.find_elements(By.ID, "kept-transcript"))[0]
    assert "previous transcript stays" in kept.text
    download = kept.find_element(By.LINK_TEXT, "TXT").get_attribute("href")
    assert client.get(download).content.decode() == "Keep this transcript.\n"

    browser.find_element(By.CSS_SELECTOR, 'form[action$="/cancel"] button').click()
    alert = wait.until(lambda b: b.switch_to.alert)
    assert "Cancel this job?" in alert.text
    alert.accept()

    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, '[data-field="status"]').text == "Done")
    assert "previous transcript is kept" in browser.find_element(By.CSS_SELECTOR, "p.error").text
    assert "Keep this transcript." in browser.find_element(By.ID, "segments").text
    assert browser.find_elements(By.LINK_TEXT, "TXT")
    done_job.refresh_from_db()
    assert done_job.status == "done" and done_job.result == RESULT and done_job.previous_run is None
