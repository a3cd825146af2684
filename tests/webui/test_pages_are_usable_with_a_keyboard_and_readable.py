"""Accessibility basics: a skip link is the first thing Tab reaches and leads to the page's
content (where the upload drop zone is the next stop), and grey text keeps a contrast of at
least 4.5:1 (WCAG AA), the live page's not-yet-final words included."""
import re

import pytest
from django.conf import settings

STATIC = settings.BASE_DIR / "webui" / "static"


def relative_luminance(hex_color):
    channels = [int(hex_color[index:index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground, background):
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def css_variable(name):
    css = (STATIC / "webui" / "css" / "appliance.css").read_text()
    return re.search(rf"--{name}: (#[0-9a-f]{{6}})", css).group(1)


def rule_color(path, selector):
    css = (STATIC / path).read_text()
    value = re.search(re.escape(selector) + r" \{[^}]*?color: ([^;]+);", css).group(1).strip()
    return css_variable(value[6:-1]) if value.startswith("var(") else value


def test_the_live_pages_partial_text_reads_at_4_5_to_1_on_its_white_box():
    assert contrast(rule_color("live/live.css", ".live-partial"), "#ffffff") >= 4.5


@pytest.mark.parametrize("background", ["paper", "ground"])
def test_muted_text_reads_at_4_5_to_1_on_cards_and_on_the_page(background):
    assert contrast(css_variable("muted"), css_variable(background)) >= 4.5


@pytest.mark.django_db
def test_the_skip_link_comes_first_and_leads_to_the_content(staff_client):
    html = staff_client.get("/").content.decode()

    body = html[html.index("<body>"):]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'class="skip-link" href="#main"' in first_link
    assert '<main class="page" id="main" tabindex="-1">' in html
    main = html[html.index('id="main"'):]
    assert re.search(r'<label class="dropzone"[^>]*tabindex="0"', main)
