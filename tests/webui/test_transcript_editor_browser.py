"""The transcript editor and search in a real browser (headless Chromium at phone width): a segment is
edited and saved without a reload, find and replace saves one revision, an old revision is restored,
doubtful words are underlined, and a search result opens the job at that segment's time."""
import pytest
from django.core.files import File
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from appliance.jobs.models import Status, Transcription
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

TEXTS = ["Good morning to the whole team.", "The budget review is on Friday.", "Please send the meeting notes."]


@pytest.fixture
def job(staff_user, speech_wav):
    segments = []
    for index, text in enumerate(TEXTS):
        tokens = text.split()
        words = [{"start": index * 3 + n * 0.4, "end": index * 3 + n * 0.4 + 0.35, "word": f" {token}",
                  "probability": 0.2 if token == "budget" else 0.9} for n, token in enumerate(tokens)]  # fmt: skip
        segments.append({"id": index, "start": index * 3.0, "end": index * 3.0 + 2.9, "text": f" {text}", "words": words,
                         "avg_logprob": 0.0, "no_speech_prob": 0.0, "compression_ratio": 1.0, "tokens": [],
                         "temperature": 0.0, "seek": 0})  # fmt: skip
    job = Transcription(owner=staff_user, original_name="team.wav", model_name="tiny.en", status=Status.DONE, progress=1.0,
                        result={"segments": segments, "language": "en", "duration": 9.0}, detected_language="en")  # fmt: skip
    with open(speech_wav, "rb") as audio:
        job.audio.save("team.wav", File(audio), save=False)
    job.save()
    return job


def segment_texts(browser):
    # In one script: the list is re-rendered as saves land, so element handles could go stale between calls.
    return browser.execute_script("return Array.from(document.querySelectorAll('#segments .segment .text'), e => e.innerText)")


def test_a_segment_is_edited_replaced_and_restored_in_the_browser(logged_in, live_server, job):
    browser = logged_in
    wait = page_wait(browser, 30, 0.1)
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait.until(lambda b: b.find_element(By.ID, "transcript-editor").is_displayed())
    assert [span.text for span in browser.find_elements(By.CSS_SELECTOR, "#segments .doubtful")] == ["budget"]

    browser.find_element(By.CSS_SELECTOR, "[data-editor-edit]").click()  # edit mode opens the first segment
    editor = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".segment-editor textarea"))
    editor.clear()
    editor.send_keys("Good morning to the entire team.")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda b: "Saved as revision 2" in b.find_element(By.CSS_SELECTOR, "[data-editor-status]").text)
    assert segment_texts(browser)[0] == "Good morning to the entire team."
    job.refresh_from_db()
    assert job.result["segments"][0]["text"] == " Good morning to the entire team."

    browser.find_element(By.CSS_SELECTOR, ".find-replace summary").click()
    browser.find_element(By.CSS_SELECTOR, "[data-editor-find]").send_keys("friday")
    browser.find_element(By.CSS_SELECTOR, "[data-editor-replace]").send_keys("Monday")
    browser.find_element(By.CSS_SELECTOR, "[data-editor-replace-all]").click()
    wait.until(lambda b: "revision 3" in b.find_element(By.CSS_SELECTOR, "[data-editor-status]").text)
    assert segment_texts(browser)[1] == "The budget review is on Monday."

    browser.find_element(By.CSS_SELECTOR, "[data-editor-versions] summary").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, '[data-view="1"]')).pop().click()
    wait.until(lambda b: "Revision 1 (read only)" in b.find_element(By.CSS_SELECTOR, "[data-editor-revision-view]").text)
    assert "The budget review is on Friday." in browser.find_element(By.CSS_SELECTOR, "[data-editor-revision-view]").text
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, '[data-restore="1"]')).pop().click()
    wait.until(lambda b: segment_texts(b) == TEXTS)
    assert job.revisions.count() == 4
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_search_result_opens_the_job_at_that_segments_time(logged_in, live_server, job):
    browser = logged_in
    wait = page_wait(browser, 30, 0.1)
    browser.get(f"{live_server.url}/jobs/")
    search_box = browser.find_element(By.CSS_SELECTOR, "input[name=q]")
    search_box.send_keys('"meeting notes"', Keys.ENTER)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#search-results mark"))
    assert [mark.text for mark in browser.find_elements(By.CSS_SELECTOR, "#search-results mark")] == ["meeting notes"]

    browser.find_element(By.CSS_SELECTOR, "#search-results a.hit").click()
    wait.until(lambda b: b.execute_script("const p = document.getElementById('player'); return p && p.readyState >= 1"))
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#segments .segment.current"))
    assert browser.find_element(By.CSS_SELECTOR, "#segments .segment.current").get_attribute("data-id") == "2"
    assert browser.execute_script("return document.getElementById('player').currentTime") == pytest.approx(6.0, abs=0.3)


def test_a_save_after_someone_elses_shows_their_revision_and_keeps_the_typed_text(logged_in, live_server, job, admin_client):
    import json

    browser = logged_in
    wait = page_wait(browser, 30, 0.1)
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait.until(lambda b: b.find_element(By.ID, "transcript-editor").is_displayed())
    browser.find_element(By.CSS_SELECTOR, "[data-editor-edit]").click()
    editor = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, ".segment-editor textarea"))
    admin_client.patch(f"/api/jobs/{job.public_id}/transcript/", json.dumps({"revision": 1, "segments": [{"id": 2, "text": "Admin was here."}]}),
                       content_type="application/json")  # fmt: skip

    editor.clear()
    editor.send_keys("Good evening to the whole team.", Keys.CONTROL, Keys.ENTER)

    wait.until(lambda b: "changed meanwhile" in b.find_element(By.CSS_SELECTOR, "[data-editor-status]").text)
    assert "admin-alice" in browser.find_element(By.CSS_SELECTOR, "[data-editor-status]").text
    assert segment_texts(browser)[2] == "Admin was here."
    assert browser.find_element(By.CSS_SELECTOR, ".segment-editor textarea").get_attribute("value") == "Good evening to the whole team."
    browser.find_element(By.CSS_SELECTOR, ".segment-editor textarea").send_keys(Keys.CONTROL, Keys.ENTER)
    wait.until(lambda b: "Saved as revision 3" in b.find_element(By.CSS_SELECTOR, "[data-editor-status]").text)
    assert segment_texts(browser)[:3] == ["Good evening to the whole team.", TEXTS[1], "Admin was here."]
