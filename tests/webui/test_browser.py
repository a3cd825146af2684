"""The pages in a real browser at phone width: the upload script uploads, shows its progress
bar, and follows the job to "Done" by polling (this test server has no WebSocket); the
transcript page jumps the player to a clicked segment; nothing is wider than the screen."""
import pytest
from selenium.webdriver.common.by import By

from appliance.jobs.models import Transcription
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def fits_the_screen(browser):
    return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_a_file_uploads_from_the_phone_page_and_its_job_is_followed_to_done(
    logged_in, live_server, celery_worker, speech_wav, tmp_path
):
    browser = logged_in
    browser.get(live_server.url + "/")
    assert fits_the_screen(browser)
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")

    file_input = browser.find_element(By.ID, "file-input")
    browser.execute_script("arguments[0].hidden = false", file_input)
    file_input.send_keys(f"{speech_wav}\n{empty}")

    wait = page_wait(browser, 120, 0.2)
    wait.until(lambda b: "empty.mp3 is empty" in b.find_element(By.ID, "uploads").text)
    done = wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".upload.done"))
    assert "Done" in done[0].text
    assert done[0].find_element(By.TAG_NAME, "progress").get_attribute("value") == "1"
    assert Transcription.objects.get().status == "done"
    assert fits_the_screen(browser)

    done[0].find_element(By.TAG_NAME, "a").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".segment"))
    assert fits_the_screen(browser)
    segments = browser.find_elements(By.CSS_SELECTOR, ".segment")
    target = segments[-1]
    wait.until(lambda b: b.execute_script("return document.getElementById('player').readyState >= 1"))
    target.click()
    position = wait.until(lambda b: b.execute_script("return document.getElementById('player').currentTime"))
    assert position == pytest.approx(float(target.get_attribute("data-start")), abs=0.6)

    browser.get(live_server.url + "/jobs/")
    assert "speech.wav" in browser.page_source and fits_the_screen(browser)
