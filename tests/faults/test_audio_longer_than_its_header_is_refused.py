"""Item 5 of issue 19: a file whose header declares less audio than it holds is measured by its
content at upload, so the length limit holds; the decoder stops at the limit as well."""
import struct
import subprocess

import pytest
from upload_tree import serving, token_client

from appliance.engine import AudioTooLongError
from appliance.engine.files.audio import load_audio, probe_audio
from appliance.jobs.models import Transcription

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT_SECONDS = 60


@pytest.fixture
def understated(tmp_path):
    """120 s of Opus in Matroska whose Duration element says 10 s."""
    honest = tmp_path / "honest.mka"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=120", "-ar", "16000",
                    "-c:a", "libopus", str(honest)], check=True)  # fmt: skip
    data = bytearray(honest.read_bytes())
    duration = data.find(b"\x44\x89\x88")  # Duration, an 8-byte float in milliseconds
    data[duration + 3:duration + 11] = struct.pack(">d", 10_000.0)
    path = tmp_path / "ten-seconds.mka"
    path.write_bytes(bytes(data))
    assert probe_audio(path).duration_seconds == 10.0
    return path


def test_an_upload_holding_more_than_its_header_says_is_measured_and_refused(tmp_path, staff_user, understated):
    with serving(tmp_path, APPLIANCE_MAX_AUDIO_SECONDS=LIMIT_SECONDS) as url, token_client(url, staff_user) as client:
        answer = client.post("/api/jobs/", files={"files": ("ten-seconds.mka", understated.read_bytes())})

    assert answer.status_code == 400, answer.text
    assert "longer than the 1 min 00 s this appliance accepts" in answer.json()["refused"][0]["error"]
    assert not Transcription.objects.exists()


def test_an_accepted_upload_records_the_measured_length(tmp_path, staff_user, understated):
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        answer = client.post("/api/jobs/", files={"files": ("ten-seconds.mka", understated.read_bytes())})

    assert answer.status_code == 201, answer.text
    assert Transcription.objects.get().duration_seconds == pytest.approx(120, abs=1)


def test_decoding_stops_at_the_limit_whatever_the_header_said(understated):
    with pytest.raises(AudioTooLongError):
        load_audio(understated, max_duration_seconds=LIMIT_SECONDS)
