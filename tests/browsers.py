"""Headless Chromium for the real-browser tests (selenium + the Debian chromium/chromedriver)."""
import contextlib


@contextlib.contextmanager
def headless_chromium(width, height, accept_prompts=False, media_and_notifications=False):
    """A browser window of width x height CSS pixels. accept_prompts: a page's beforeunload
    question is answered "leave", as a person who leaves anyway would. media_and_notifications:
    audio plays without a click and the site may show notifications (as if the person allowed it)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
        options.add_argument(argument)
    if accept_prompts:
        options.set_capability("unhandledPromptBehavior", "accept")
    if media_and_notifications:
        options.add_argument("--autoplay-policy=no-user-gesture-required")
        options.add_experimental_option("prefs", {"profile.default_content_setting_values.notifications": 1})
    options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    browser.implicitly_wait(0)
    try:
        yield browser
    finally:
        browser.quit()


def log_in(browser, live_server, client, user):
    """Give the browser `user`'s session cookie (no login form to type into)."""
    client.force_login(user)
    browser.get(live_server.url + "/accounts/login/")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})
    return browser


def page_wait(browser, timeout_seconds, poll_frequency=0.2):
    """WebDriverWait that polls on when the element it just found was re-rendered: the job page
    replaces its status, progress and transcript elements as the job moves on, so a lookup can
    meet an element that is gone by the time its text is read."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout_seconds, poll_frequency=poll_frequency,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException))
