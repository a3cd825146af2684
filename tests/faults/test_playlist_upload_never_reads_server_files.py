"""Item 1 of issue 19: a playlist (HLS, concat, ...) naming another user's stored recording is
never opened as audio: refused at upload with a sentence, and refused by the worker too should
one be stored already (an upload kept from before uploads got neutral names)."""
import math
import subprocess
import uuid

import pytest
from django.db import transaction
from upload_tree import finished_job, serving, token_client

from appliance.engine.files.audio import probe_audio
from appliance.jobs.models import Status, Transcription
from appliance.jobs.services import enqueue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def secret_recording(other_staff_user, make_audio):
    """Olga's stored MP3 of the test sentences: what the attacker is after."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appliance.jobs import services
    from appliance.jobs.request_options import parse_job_options

    uploaded = SimpleUploadedFile("private-meeting.mp3", make_audio("mp3").read_bytes())
    return services.accept_upload(other_staff_user, uploaded, parse_job_options({}))


def playlists(target):
    # The segment's true length, so that nothing but the playlist check can stop it.
    seconds = probe_audio(target).duration_seconds
    hls = f"#EXTM3U\n#EXT-X-TARGETDURATION:{math.ceil(seconds)}\n#EXTINF:{seconds:.3f},\n"
    return {
        "stolen.m3u8": f"{hls}{target}\n#EXT-X-ENDLIST\n",
        "stolen-url.m3u8": f"{hls}file:{target}\n#EXT-X-ENDLIST\n",
        "stolen.m3u": f"\n#EXTM3U\n#EXTINF:{seconds:.0f},x\n{target}\n",
        "stolen.ffconcat": f"ffconcat version 1.0\nfile '{target}'\n",
        "stolen.mpd": f'<?xml version="1.0"?><MPD><Period><BaseURL>{target}</BaseURL></Period></MPD>',
    }


def test_an_uploaded_playlist_naming_another_users_recording_is_refused(tmp_path, staff_user, secret_recording):
    stored = secret_recording.audio.path
    with serving(tmp_path) as url, token_client(url, staff_user) as client:
        for name, text in playlists(stored).items():
            answer = client.post("/api/jobs/", files={"files": (name, text.encode())})

            assert answer.status_code == 400, (name, answer.text)
            assert answer.json()["jobs"] == []
            [refused] = answer.json()["refused"]
            assert refused["file"] == name and "not a recording" in refused["error"], refused

    assert not Transcription.objects.filter(owner=staff_user).exists()


def test_uploads_are_stored_without_the_users_extension(secret_recording):
    assert secret_recording.audio.name == f"transcriptions/{secret_recording.owner_id}/{secret_recording.public_id}"


def test_the_worker_refuses_a_stored_playlist_and_reads_nothing_it_names(
    staff_user, other_staff_user, make_audio, worker_process, data_dir
):
    # Both as files accepted before the fix lie in media/: under the users' own extensions.
    secret = data_dir / "media" / f"transcriptions/{other_staff_user.pk}/{uuid.uuid4()}.mp3"
    name = f"transcriptions/{staff_user.pk}/{uuid.uuid4()}.m3u8"
    playlist = data_dir / "media" / name
    for path in (secret, playlist):
        path.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(make_audio("mp3").read_bytes())
    playlist.write_text(playlists(secret)["stolen.m3u8"])
    subprocess.run(["ffprobe", "-v", "error", str(playlist)], check=True)  # FFmpeg alone would read it
    job = Transcription.objects.create(owner=staff_user, original_name="stolen.m3u8", audio=name, model_name="tiny.en")
    worker_process()

    with transaction.atomic():
        enqueue(job)
    finished_job(job)

    assert job.status == Status.FAILED and "not a recording" in job.error_message
    assert not job.result
