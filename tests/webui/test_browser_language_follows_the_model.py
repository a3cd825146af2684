"""In a real browser: with the English-only default model, Language shows English and Task
Transcribe, both fixed, and a sentence says why and which installed model would do more;
choosing a multilingual model gives the person's own choices back. The live page does the same
and lists language names, not codes."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from browsers import page_wait

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def chosen_text(browser, name):
    return Select(browser.find_element(By.NAME, name)).first_selected_option.text


def test_the_upload_form_fixes_language_and_task_for_tiny_en_and_says_why(log_in_as, live_server, staff_user):
    browser = log_in_as(staff_user)
    browser.get(live_server.url + "/")
    wait = page_wait(browser, 20, 0.1)
    hint = wait.until(lambda b: b.find_element(By.ID, "language-hint").is_displayed() and b.find_element(By.ID, "language-hint"))

    assert chosen_text(browser, "model").startswith("tiny.en")
    assert chosen_text(browser, "language") == "English" and chosen_text(browser, "task") == "Transcribe"
    assert not browser.find_element(By.NAME, "language").is_enabled()
    assert not browser.find_element(By.NAME, "task").is_enabled()
    assert "tiny.en knows only English" in hint.text and "choose base" in hint.text

    Select(browser.find_element(By.NAME, "model")).select_by_value("base")
    assert browser.find_element(By.NAME, "language").is_enabled()
    assert chosen_text(browser, "language") == "Detect automatically"
    assert not browser.find_element(By.ID, "language-hint").is_displayed()
    Select(browser.find_element(By.NAME, "language")).select_by_value("de")
    Select(browser.find_element(By.NAME, "task")).select_by_value("translate")

    Select(browser.find_element(By.NAME, "model")).select_by_value("tiny.en")
    assert chosen_text(browser, "language") == "English" and chosen_text(browser, "task") == "Transcribe"
    Select(browser.find_element(By.NAME, "model")).select_by_value("base")
    assert chosen_text(browser, "language") == "German" and chosen_text(browser, "task") == "Translate to English"


def test_the_live_page_names_languages_and_explains_the_fixed_choices(log_in_as, live_server, staff_user):
    browser = log_in_as(staff_user)
    browser.get(live_server.url + "/live/")
    wait = page_wait(browser, 20, 0.1)
    hint = wait.until(lambda b: b.find_element(By.ID, "live-language-hint").is_displayed()
                      and b.find_element(By.ID, "live-language-hint"))

    assert "tiny.en knows only English" in hint.text
    assert not browser.find_element(By.ID, "live-language").is_enabled()
    labels = [option.text for option in Select(browser.find_element(By.ID, "live-language")).options]
    assert "German" in labels and "Afrikaans" in labels and "af" not in labels and "de" not in labels

    Select(browser.find_element(By.ID, "live-model")).select_by_value("base")
    assert browser.find_element(By.ID, "live-language").is_enabled()
    assert not browser.find_element(By.ID, "live-language-hint").is_displayed()
