"""The benchmark page in a real browser: an admin starts a quick jobs run, watches the bar move with
the suite's own steps (not sitting at 0 % until the suite ends), cancels it after a confirmation,
and the run ends "Cancelled" with every process of its appliance under test gone."""
import pytest
from browsers import headless_chromium, log_in, page_wait
from selenium.webdriver.common.by import By
from waiting import wait_until

from benchmarks.process import marked_processes
from benchmarks.web.models import BenchmarkRun

from .conftest import suite_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def admin_browser(live_server, client, admin_user):
    with headless_chromium(1280, 900) as browser:
        yield log_in(browser, live_server, client, admin_user)


def test_an_admin_follows_a_run_step_by_step_and_cancels_it(admin_browser, live_server, celery_worker):
    browser = admin_browser
    browser.get(live_server.url + "/panel/benchmarks/")
    browser.find_element(By.CSS_SELECTOR, 'input[name="suites"][value="jobs"]').click()
    quick = browser.find_element(By.CSS_SELECTOR, 'input[name="quick"]')
    if not quick.is_selected():
        quick.click()
    browser.find_element(By.CSS_SELECTOR, "form button.primary").click()

    wait = page_wait(browser, 120, 0.3)
    wait.until(lambda b: "/panel/benchmarks/runs/" in b.current_url)
    run = BenchmarkRun.objects.get()
    # The bar moves before the suite ends ("reference speech ready" is step 1 of the jobs suite's 7).
    wait.until(lambda b: float(b.find_element(By.CSS_SELECTOR, "#run-progress progress").get_attribute("value")) > 0)
    assert "running jobs: " in browser.find_element(By.CSS_SELECTOR, '[data-field="current"]').text
    servers = wait_until(lambda: suite_servers(run), 90, "the jobs suite starting its appliance")

    browser.find_element(By.CSS_SELECTOR, "#run-cancel button").click()
    alert = wait.until(lambda b: b.switch_to.alert)
    assert "Cancel this benchmark run?" in alert.text
    alert.accept()

    wait.until(lambda b: "Cancelled" in b.find_element(By.CSS_SELECTOR, '[data-field="status"]').text)
    assert not browser.find_elements(By.CSS_SELECTOR, "#run-cancel")
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at
    assert not any(server.is_running() and server.status() != "zombie" for server in servers)
    assert marked_processes(run.process_marker) == []
