"""Downloads are named after the file, its type and the job: jfk.flac and jfk.mp4 (or two uploads
of one file) never both save as jfk.txt."""
import uuid

import pytest

from appliance.jobs.models import Status, Transcription

pytestmark = pytest.mark.django_db

RESULT = {"text": " Ask not.", "segments": [{"id": 0, "start": 0.0, "end": 1.0, "text": " Ask not."}],
          "language": "en", "duration": 1.0}


def _done(owner, name):
    return Transcription.objects.create(owner=owner, original_name=name, model_name="tiny.en", status=Status.DONE,
                                        result=RESULT)


def _filename(client, job, fmt):
    response = client.get(f"/api/jobs/{job.public_id}/download/{fmt}")
    assert response.status_code == 200
    return response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_the_same_name_in_two_formats_downloads_under_two_names(staff_user, staff_client):
    flac, mp4, again = _done(staff_user, "jfk.flac"), _done(staff_user, "jfk.mp4"), _done(staff_user, "jfk.flac")

    names = {_filename(staff_client, job, "txt") for job in (flac, mp4, again)}

    assert len(names) == 3
    assert _filename(staff_client, flac, "txt") == f"jfk_flac_{flac.public_id.hex[:8]}.txt"
    assert _filename(staff_client, mp4, "srt") == f"jfk_mp4_{mp4.public_id.hex[:8]}.srt"


@pytest.mark.parametrize("original, expected", [
    ("Meeting Notes.M4A", "Meeting Notes_m4a_0123abcd.vtt"),
    ("no-suffix", "no-suffix_0123abcd.vtt"),
    (".wav", ".wav_0123abcd.vtt"),
    ("archive.tar.gz", "archive.tar_gz_0123abcd.vtt"),
])
def test_odd_names_still_make_a_readable_download_name(original, expected):
    job = Transcription(original_name=original, public_id=uuid.UUID("0123abcd" + "0" * 24))

    assert job.download_name("vtt") == expected
