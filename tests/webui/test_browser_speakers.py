"""Speakers on the job page in a real browser: each segment shows its speaker in its colour, a
rename is saved for the job and shown at once, and the page still fits a phone screen."""
import pytest
from selenium.webdriver.common.by import By

from appliance.jobs.models import Transcription

from test_job_page_speakers import RESULT
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_speaker_renamed_on_the_job_page_is_saved_and_shown_in_its_colour(logged_in, live_server, staff_user, tmp_path):
    job = Transcription.objects.create(owner=staff_user, original_name="meeting.wav", model_name="tiny.en",
                                       status="done", duration_seconds=5.0, result=RESULT, diarize=True)
    browser = logged_in
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait = page_wait(browser, 20, 0.2)

    # The transcript editor refills the segments from the current revision once it has loaded it.
    wait.until(lambda b: b.find_element(By.ID, "transcript-editor").is_displayed())
    chips = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".segment .speaker-chip"))
    assert [chip.text for chip in chips] == ["Speaker 1", "Speaker 2"]
    assert chips[0].value_of_css_property("color") != chips[1].value_of_css_property("color")

    field = browser.find_element(By.CSS_SELECTOR, 'input[name="SPEAKER_1"]')
    field.send_keys("Dr. Weber")
    browser.find_element(By.CSS_SELECTOR, "#speaker-names button[type=submit]").click()

    wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".segment .speaker-chip").text == "Dr. Weber")
    assert "Saved" in browser.find_element(By.ID, "speaker-names-status").text
    job.refresh_from_db()
    assert job.speaker_names == {"SPEAKER_1": "Dr. Weber"}
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.save_screenshot(str(tmp_path / "job-page-speakers.png"))
