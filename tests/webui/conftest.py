import pytest
from browsers import headless_chromium, log_in


@pytest.fixture
def phone_browser():
    """Headless Chromium the size of a phone (390 x 844 CSS pixels)."""
    with headless_chromium(390, 844) as browser:
        yield browser


@pytest.fixture
def logged_in(phone_browser, live_server, client, staff_user):
    """The phone browser with staff_user's session cookie."""
    return log_in(phone_browser, live_server, client, staff_user)


# Records every Notification a page creates (in localStorage, so it survives the page reloading
# itself): headless Chromium shows none, and the test must see what the page asked for.
RECORD_NOTIFICATIONS = """
(function () {
  const Real = window.Notification;
  function Recorded(title, options) {
    const seen = JSON.parse(localStorage.getItem("test-notifications") || "[]");
    seen.push(title);
    localStorage.setItem("test-notifications", JSON.stringify(seen));
    return new Real(title, options);
  }
  Recorded.requestPermission = Real.requestPermission.bind(Real);
  Object.defineProperty(Recorded, "permission", { get: function () { return Real.permission; } });
  window.Notification = Recorded;
})();
"""


@pytest.fixture
def desktop_browser():
    """Headless Chromium at desktop size that plays audio and may show notifications (granted);
    the notifications a page makes are recorded in localStorage["test-notifications"]."""
    with headless_chromium(1200, 1000, media_and_notifications=True) as browser:
        browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_NOTIFICATIONS})
        yield browser


@pytest.fixture
def log_in_as(desktop_browser, live_server):
    """log_in_as(user) → the desktop browser with that user's session cookie."""
    from django.test import Client

    def log_in_user(user):
        return log_in(desktop_browser, live_server, Client(), user)

    return log_in_user
