"""In a real browser: the personal API-token page is in the navigation, the user name in the top
bar leads to changing one's own password (which then is the one that logs in), and an admin
unlocks a locked-out user from the Users page."""
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from selenium.webdriver.common.by import By

from appliance.accounts.services import is_locked_out
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
NEW_PASSWORD = "a much longer new passphrase 77"


@pytest.fixture(autouse=True)
def forget_failed_logins(redis_url):
    cache.clear()


def log_in_with_the_form(browser, base_url, username, password):
    browser.get(base_url + "/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def test_tokens_are_in_the_navigation_and_a_changed_password_logs_in(log_in_as, live_server, staff_user,
                                                                     user_password):
    browser = log_in_as(staff_user)
    wait = page_wait(browser, 20, 0.1)
    browser.get(live_server.url + "/jobs/")

    browser.find_element(By.LINK_TEXT, "API tokens").click()
    wait.until(lambda b: b.find_element(By.TAG_NAME, "h1").text == "API tokens")

    browser.find_element(By.CSS_SELECTOR, "a.who").click()
    wait.until(lambda b: b.find_element(By.TAG_NAME, "h1").text == "Change your password")
    browser.find_element(By.NAME, "old_password").send_keys(user_password)
    browser.find_element(By.NAME, "new_password1").send_keys(NEW_PASSWORD)
    browser.find_element(By.NAME, "new_password2").send_keys(NEW_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#password-change button[type=submit]").click()
    wait.until(lambda b: "Your password was changed." in b.page_source)

    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    wait.until(lambda b: "/accounts/login/" in b.current_url)
    log_in_with_the_form(browser, live_server.url, staff_user.username, NEW_PASSWORD)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "a.who"))
    assert staff_user.username in browser.find_element(By.CSS_SELECTOR, "a.who").text


def test_an_admin_unlocks_a_locked_out_user_from_the_users_page(log_in_as, live_server, admin_user, staff_user,
                                                                 user_password, settings):
    guesser = Client(REMOTE_ADDR="127.0.0.1")
    for _ in range(settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS):
        guesser.post(reverse("accounts:login"), {"username": staff_user.username, "password": "guess"})
    assert is_locked_out(staff_user)

    browser = log_in_as(admin_user)
    wait = page_wait(browser, 20, 0.1)
    browser.get(live_server.url + reverse("panel:users"))
    row = browser.find_element(By.XPATH, f"//tr[td[starts-with(normalize-space(.), '{staff_user.username}')]]")
    assert "locked out" in row.text
    row.find_element(By.XPATH, ".//button[text()='Unlock']").click()
    wait.until(lambda b: f"{staff_user.username} may log in again now." in b.page_source)
    assert not is_locked_out(staff_user)

    browser.delete_all_cookies()
    log_in_with_the_form(browser, live_server.url, staff_user.username, user_password)
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "a.who"))
