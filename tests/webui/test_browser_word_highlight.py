"""In a real browser, a transcript made with word timestamps highlights the word being heard as
the player moves, and a click on a word plays from that word."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from appliance.jobs.models import Transcription
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def current_word(browser):
    found = browser.find_elements(By.CSS_SELECTOR, "#segments .word.current")
    return found[0].text if found else None


def test_the_heard_word_is_highlighted_and_a_clicked_word_plays(log_in_as, live_server, staff_user, staff_client,
                                                                 speech_wav, celery_worker):
    with open(speech_wav, "rb") as handle:
        answer = staff_client.post("/api/jobs/", {"files": handle, "word_timestamps": "true"},
                                   HTTP_ACCEPT="application/json")
    job = Transcription.objects.get(public_id=answer.json()["jobs"][0]["id"])
    WebDriverWait(job, 180, poll_frequency=0.2).until(lambda row: (row.refresh_from_db(), row.status)[1] == "done")
    words = [word for segment in job.segments for word in segment["words"]]
    assert len(words) > 10

    browser = log_in_as(staff_user)
    browser.get(f"{live_server.url}/jobs/{job.public_id}/")
    wait = page_wait(browser, 30, 0.1)
    wait.until(lambda b: b.execute_script("return document.getElementById('player').readyState >= 1"))
    # The transcript editor refills the segments from the current revision once it has loaded it.
    wait.until(lambda b: b.find_element(By.ID, "transcript-editor").is_displayed())
    assert len(browser.find_elements(By.CSS_SELECTOR, "#segments .word")) == len(words)
    assert current_word(browser) is None

    for word in (words[3], words[-2]):
        middle = (word["start"] + word["end"]) / 2
        browser.execute_script("document.getElementById('player').currentTime = arguments[0]", middle)
        assert wait.until(lambda b: current_word(b) == word["word"].strip())

    target = browser.find_elements(By.CSS_SELECTOR, "#segments .word")[5]
    target.click()
    wait.until(lambda b: b.execute_script("return !document.getElementById('player').paused"))
    position = browser.execute_script("return document.getElementById('player').currentTime")
    assert position == pytest.approx(words[5]["start"], abs=0.6)
