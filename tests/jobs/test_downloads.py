import json

import pytest

from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def done_job(upload, speech_wav, celery_worker, wait_for):
    return wait_for(Transcription.objects.get(public_id=upload(speech_wav).json()["jobs"][0]["id"]))


def fetch(user, url, **headers):
    """GET through the async client, as daphne serves it: the audio body is an async stream."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    async def get():
        client = AsyncClient()
        await client.aforce_login(user)
        response = await client.get(url, headers=headers)
        content = b"".join([part async for part in response]) if response.streaming else response.content
        return response, content

    return async_to_sync(get)()


EXPORTS = {
    "txt": ("text/plain", "team"),
    "srt": ("application/x-subrip", "00:00:0"),
    "vtt": ("text/vtt", "WEBVTT"),
    "tsv": ("text/tab-separated-values", "start\tend\ttext"),
    "json": ("application/json", '"segments"'),
}


def test_the_transcript_downloads_in_every_export_format(done_job, staff_client):
    for fmt, (content_type, marker) in EXPORTS.items():
        response = staff_client.get(f"/api/jobs/{done_job.public_id}/download/{fmt}")

        assert response.status_code == 200, fmt
        assert response["Content-Type"].startswith(content_type), fmt
        assert response["Content-Disposition"] == f'attachment; filename="speech_wav_{done_job.public_id.hex[:8]}.{fmt}"'
        assert marker in response.content.decode(), fmt
    assert json.loads(staff_client.get(f"/api/jobs/{done_job.public_id}/download/json").content)["segments"]


def test_an_unknown_format_or_an_unfinished_job_gets_a_clear_answer(done_job, staff_client, upload, speech_wav):
    assert "Unknown format" in staff_client.get(f"/api/jobs/{done_job.public_id}/download/pdf").json()["error"]
    celery_free = Transcription.objects.create(owner=done_job.owner, original_name="x.wav", model_name="tiny.en")
    response = staff_client.get(f"/api/jobs/{celery_free.public_id}/download/txt")
    assert response.status_code == 409 and "not ready" in response.json()["error"]


def test_the_audio_is_served_whole_and_in_byte_ranges_for_seeking(done_job, speech_wav):
    whole = speech_wav.read_bytes()
    url = f"/api/jobs/{done_job.public_id}/audio"

    response, content = fetch(done_job.owner, url)
    assert response.status_code == 200 and response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/wav" and content == whole

    response, content = fetch(done_job.owner, url, range="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(whole)}"
    assert content == whole[100:200]

    assert fetch(done_job.owner, url, range="bytes=-10")[1] == whole[-10:]
    assert fetch(done_job.owner, url, range=f"bytes={len(whole)}-")[0].status_code == 416
