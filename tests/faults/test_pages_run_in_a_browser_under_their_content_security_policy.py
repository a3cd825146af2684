"""Item 2 of issue 19, the browser's side: with Django's Content-Security-Policy on every page,
headless Chromium loads each page of the appliance, runs its scripts (upload form, job page with
its audio player, panel), and reports no blocked script, style, connection or media."""
import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from upload_tree import serving, token_client
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PAGES = ("/", "/jobs/", "/live/", "/tokens/", "/panel/", "/panel/models/", "/panel/system/", "/panel/tls/",
         "/panel/users/", "/panel/audit/", "/panel/updates/", "/panel/benchmarks/")  # fmt: skip


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--autoplay-policy=no-user-gesture-required"):  # fmt: skip
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"))
    yield browser
    browser.quit()


def policy_violations(browser):
    return [entry["message"] for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]


def test_every_page_runs_without_a_policy_violation(tmp_path, browser, admin_user, user_password, speech_wav):
    with serving(tmp_path) as url:
        with token_client(url, admin_user) as client:
            job = client.post("/api/jobs/", files={"files": ("speech.wav", speech_wav.read_bytes())}).json()["jobs"][0]
        browser.get(url + "/accounts/login/")
        browser.find_element(By.NAME, "username").send_keys(admin_user.username)
        browser.find_element(By.NAME, "password").send_keys(user_password)
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait = page_wait(browser, 60, 0.25)
        wait.until(lambda b: "/accounts/login/" not in b.current_url)
        violations = {}
        for page in (*PAGES, f"/jobs/{job['id']}/"):
            browser.get(url + page)
            wait.until(lambda b: b.execute_script("return document.readyState") == "complete")
            violations[page] = policy_violations(browser)
        # The job page's player fetches the audio: it must be playable under the policy.
        duration = wait.until(lambda b: b.execute_script(
            "const a = document.querySelector('audio'); return a && a.readyState >= 1 && a.duration;"))

    assert {page: found for page, found in violations.items() if found} == {}
    assert duration > 5
