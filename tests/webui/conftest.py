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
