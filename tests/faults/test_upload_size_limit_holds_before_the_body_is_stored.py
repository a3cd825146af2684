"""Item 6 of issue 19: the size limit answers before the body is read (Content-Length) or the
moment a chunked body passes it, and an accepted upload is stored once, under media/ only."""
import os
import time

import pytest
from upload_tree import chunked, error_of, multipart_head, multipart_parts, raw_exchange, serving, token_client

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT_MB = 2
MB = 1024 * 1024


def zeros(megabytes, block=256 * 1024):
    return (bytes(block) for _ in range(megabytes * MB // block))


def test_a_declared_length_over_the_limit_is_refused_before_any_of_the_body_is_sent(tmp_path):
    with serving(tmp_path, APPLIANCE_MAX_UPLOAD_MB=LIMIT_MB) as url:
        started = time.monotonic()
        status, body, sent = raw_exchange(url, multipart_head("/api/jobs/", length=100 * MB))
        waited = time.monotonic() - started

    assert status == 413 and sent == 0
    assert error_of(body) == f"The upload is larger than the {LIMIT_MB} MB limit per file (send several files one per request)."
    assert waited < 10


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(tmp_path, data_dir):
    with serving(tmp_path, APPLIANCE_MAX_UPLOAD_MB=LIMIT_MB) as url:
        body = chunked(multipart_parts("endless.wav", zeros(64)))
        status, text, sent = raw_exchange(url, multipart_head("/api/jobs/", chunked=True), body)

    assert status == 413, text
    assert sent < 16 * MB  # the server stopped reading long before the 64 MB were through
    assert not Transcription.objects.exists()


def test_a_chunked_upload_within_the_limit_is_accepted_and_stored_once(tmp_path, staff_user, speech_wav, data_dir):
    from appliance.tokens.services import create_token

    token = create_token(staff_user, "chunked")[1]
    payload = speech_wav.read_bytes()
    pieces = [payload[start:start + 65536] for start in range(0, len(payload), 65536)]
    temporary = data_dir / "tmp"
    with serving(tmp_path, APPLIANCE_MAX_UPLOAD_MB=LIMIT_MB) as url:
        head = multipart_head("/api/jobs/", chunked=True, headers=[f"Authorization: Bearer {token}"])
        status, text, _ = raw_exchange(url, head, chunked(multipart_parts("speech.wav", pieces)))

    assert status == 201, text
    job = Transcription.objects.get()
    stored = data_dir / "media" / job.audio.name
    assert stored.read_bytes() == payload and job.size_bytes == len(payload)
    assert "." not in stored.name  # no user extension on disk
    assert [name for name in os.listdir(temporary) if name.startswith(("upload-", "tmp"))] == []


def test_an_upload_over_the_limit_is_refused_and_nothing_of_it_stays(tmp_path, staff_user, data_dir):
    with serving(tmp_path, APPLIANCE_MAX_UPLOAD_MB=LIMIT_MB) as url, token_client(url, staff_user) as client:
        answer = client.post("/api/jobs/", files={"files": ("big.wav", bytes(3 * MB))})

    assert answer.status_code == 413
    assert not Transcription.objects.exists()
    assert [name for name in os.listdir(data_dir / "tmp") if name.startswith(("upload-", "tmp"))] == []
