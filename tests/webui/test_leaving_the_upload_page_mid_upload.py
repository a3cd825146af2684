"""Leaving the upload page while a file is still uploading: the page asks first (beforeunload), and a
person who leaves anyway is told on the next page which file did not arrive (no job was made)."""
import subprocess

import pytest
from browsers import headless_chromium, log_in, page_wait
from selenium.webdriver.common.by import By

from appliance.jobs.models import Transcription

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ASKS_BEFORE_LEAVING = """
const event = new Event("beforeunload", {cancelable: true});
window.dispatchEvent(event);
return event.defaultPrevented;
"""


@pytest.fixture
def big_recording(speech_wav, tmp_path):
    """About 6 MB of WAV: long enough to be caught mid-upload on a throttled connection."""
    target = tmp_path / "board-meeting.wav"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-stream_loop", "15", "-i", str(speech_wav),
                    "-ar", "44100", str(target)], check=True)
    return target


def test_leaving_mid_upload_asks_first_and_the_next_page_names_the_lost_file(
    live_server, client, staff_user, big_recording
):
    with headless_chromium(390, 844, accept_prompts=True) as browser:
        log_in(browser, live_server, client, staff_user)
        browser.get(live_server.url + "/")
        assert not browser.execute_script(ASKS_BEFORE_LEAVING)  # nothing on its way: leave freely
        # A slow uplink (64 KiB/s), so the upload is still running when the person leaves.
        browser.set_network_conditions(offline=False, latency=5, download_throughput=10 * 2**20,
                                       upload_throughput=64 * 2**10)
        file_input = browser.find_element(By.ID, "file-input")
        browser.execute_script("arguments[0].hidden = false", file_input)
        file_input.send_keys(str(big_recording))
        wait = page_wait(browser, 30, 0.2)
        wait.until(lambda b: "Uploading" in b.find_element(By.ID, "uploads").text)

        assert browser.execute_script(ASKS_BEFORE_LEAVING)
        browser.find_element(By.TAG_NAME, "h1").click()  # a gesture, so Chromium really asks on leaving
        browser.get(live_server.url + "/jobs/")  # the question is answered "leave"

        notice = wait.until(lambda b: b.find_elements(By.ID, "uploads-not-arrived"))[0]
        assert "did not arrive" in notice.text and "board-meeting.wav" in notice.text
        assert not Transcription.objects.filter(original_name="board-meeting.wav").exists()
        browser.refresh()
        assert not browser.find_elements(By.ID, "uploads-not-arrived")  # said once, not on every page
