"""Item 2 of issue 19: whatever an upload is called, its bytes come back as the audio/video type
FFmpeg found in them (or as an application/octet-stream download), sandboxed and not sniffed;
and every page carries the appliance's own Content-Security-Policy."""
import re
import subprocess

import pytest
from upload_tree import serving, session_client, token_client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ac3_recording(tmp_path, speech_wav):
    """Audio FFmpeg reads but no browser plays: it must go out as a download."""
    path = tmp_path / "speech.ac3"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(speech_wav), "-c:a", "ac3", str(path)], check=True)
    return path


def uploaded_audio(client, name, path):
    answer = client.post("/api/jobs/", files={"files": (name, path.read_bytes())})
    assert answer.status_code == 201, answer.text
    return client.get(f"/api/jobs/{answer.json()['jobs'][0]['id']}/audio")


def test_audio_named_html_or_svg_is_served_as_audio_or_as_a_sandboxed_download(
    tmp_path, staff_user, speech_wav, ac3_recording
):
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        as_html = uploaded_audio(client, "page.html", speech_wav)
        as_svg = uploaded_audio(client, "image.svg", ac3_recording)

    assert as_html.headers["content-type"] == "audio/wav"
    assert as_html.headers["content-disposition"].startswith("inline")
    assert as_svg.headers["content-type"] == "application/octet-stream"
    assert as_svg.headers["content-disposition"].startswith("attachment")
    for answer in (as_html, as_svg):
        assert answer.headers["content-security-policy"] == "sandbox"
        assert answer.headers["x-content-type-options"] == "nosniff"


def test_an_html_page_cannot_be_uploaded_at_all(tmp_path, staff_user):
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>\n" * 40
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        answer = client.post("/api/jobs/", files={"files": ("page.html", page)})

    assert answer.status_code == 400
    assert "not audio or video" in answer.json()["refused"][0]["error"]


def test_every_page_sends_a_policy_its_own_scripts_and_styles_keep_to(tmp_path, admin_user, user_password, speech_wav):
    with serving(tmp_path) as url:
        client = session_client(url, admin_user, user_password)
        job = client.post("/api/jobs/", files={"files": ("speech.wav", speech_wav.read_bytes())}).json()["jobs"][0]
        start = client.get("/")
        links = set(re.findall(r'<a href="(/[^"#?]*)"', start.text)) | {f"/jobs/{job['id']}/", "/panel/system/"}
        pages = {link: client.get(link) for link in sorted(links) if "logout" not in link}

    for link, page in pages.items():
        if page.status_code != 200 or not page.headers["content-type"].startswith("text/html"):
            continue
        policy = page.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "object-src 'none'" in policy, link
        assert "frame-ancestors 'none'" in policy, link
        # The policy forbids inline code, so the pages must have none.
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), link
        assert not re.search(r"\s(style|on[a-z]+)=\"", page.text), link
    assert len([page for page in pages.values() if page.status_code == 200]) >= 8, {k: v.status_code for k, v in pages.items()}
