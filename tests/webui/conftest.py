import pytest


@pytest.fixture
def phone_browser():
    """Headless Chromium the size of a phone (390 x 844 CSS pixels)."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=390,844"):
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    browser = webdriver.Chrome(options=options, service=service)
    browser.implicitly_wait(0)
    yield browser
    browser.quit()


@pytest.fixture
def logged_in(phone_browser, live_server, client, staff_user):
    """The phone browser with staff_user's session cookie."""
    client.force_login(staff_user)
    phone_browser.get(live_server.url + "/accounts/login/")
    phone_browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})
    return phone_browser
