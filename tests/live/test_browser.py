"""The live page in a real browser: headless Chromium with a fake microphone that plays espeak-ng
speech logs in, presses Start, and the words appear; Stop saves them as a job."""
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from appliance.engine.accuracy import normalize_text
from appliance.jobs.models import Transcription
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def microphone_browser(short_speech):
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1000",
        "--disable-background-networking", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={short_speech.wav}", "--autoplay-policy=no-user-gesture-required",
    ):  # fmt: skip
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    yield browser
    browser.quit()


def test_the_words_spoken_into_the_microphone_appear_on_the_live_page_and_are_saved(
    microphone_browser, live_server_url, live_engine, staff_user, user_password
):
    browser = microphone_browser
    browser.get(live_server_url + "/live/")
    browser.find_element(By.NAME, "username").send_keys(staff_user.username)
    browser.find_element(By.NAME, "password").send_keys(user_password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait = page_wait(browser, 90, 0.25)
    wait.until(lambda b: b.current_url.endswith("/live/"))

    browser.find_element(By.ID, "live-start").click()
    wait.until(lambda b: b.find_element(By.ID, "live-connection").get_attribute("data-state") == "connected")
    heard = wait.until(
        lambda b: {"lazy", "team"} & set(normalize_text(b.find_element(By.ID, "live-committed").text).split())
    )
    assert heard
    assert browser.find_element(By.CSS_SELECTOR, "#live-committed .live-line time").text.startswith("00:")
    assert float(browser.find_element(By.ID, "live-level").get_attribute("value")) >= 0

    browser.find_element(By.ID, "live-stop").click()
    saved_link = wait.until(lambda b: b.find_element(By.ID, "live-saved").is_displayed() and b.find_element(By.ID, "live-saved"))
    job = Transcription.objects.get(owner=staff_user)
    assert str(job.public_id) in saved_link.get_attribute("href")
    assert job.duration_seconds > 3 and job.result["text"]
