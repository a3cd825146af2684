"""Item 8 of issue 19: on a full data disk uploads get 507 and a sentence (never a 500), an
upload that cannot fit is refused before it is stored, and /healthz reports the free space.

The data dir is a real 24 MB tmpfs, so the disk really fills up (ENOSPC); mounting needs root.
"""
import os
import subprocess

import pytest
from upload_tree import chunked, error_of, multipart_head, multipart_parts, raw_exchange, serving, token_client

from appliance.jobs.models import Transcription

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs as the data disk needs root"),
]
MB = 1024 * 1024


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk, leave_free_mb):
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(filler, "ab") as handle:
        handle.write(bytes(max(0, free - leave_free_mb * MB)))
    return filler


def test_an_upload_that_cannot_fit_is_refused_with_507_before_it_is_read(tmp_path, small_disk):
    with serving(tmp_path, data_dir=small_disk, APPLIANCE_MIN_FREE_DISK_MB=0) as url:
        status, body, sent = raw_exchange(url, multipart_head("/api/jobs/", length=40 * MB))

    assert status == 507 and sent == 0
    assert error_of(body).startswith("The appliance's disk is full: this upload (40 MB) does not fit")


def test_a_chunked_upload_that_fills_the_disk_gets_507_and_leaves_nothing(tmp_path, small_disk):
    zeros = (bytes(256 * 1024) for _ in range(160))  # 40 MB into a 24 MB disk
    with serving(tmp_path, data_dir=small_disk, APPLIANCE_MIN_FREE_DISK_MB=0) as url:
        status, body, _ = raw_exchange(url, multipart_head("/api/jobs/", chunked=True), chunked(multipart_parts("a.wav", zeros)))

    assert status == 507, body
    assert error_of(body).startswith("The appliance's disk is full")
    assert os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize > 20 * MB  # the spool is gone


def test_below_the_reserve_uploads_get_507_and_healthz_says_degraded(tmp_path, small_disk, staff_user, speech_wav):
    with serving(tmp_path, data_dir=small_disk, APPLIANCE_MIN_FREE_DISK_MB=8) as url, token_client(url, staff_user) as client:
        healthy = client.get("/healthz").json()
        filler = fill(small_disk, leave_free_mb=6)
        low = client.get("/healthz")
        refused = client.post("/api/jobs/", files={"files": ("speech.wav", speech_wav.read_bytes())})
        filler.unlink()
        accepted = client.post("/api/jobs/", files={"files": ("speech.wav", speech_wav.read_bytes())})

    assert healthy["disk"]["ok"] and not healthy["disk"]["low"] and healthy["disk"]["free_mb"] > 8
    assert low.json()["disk"]["low"] and low.json()["disk"]["free_mb"] <= 6
    assert low.json()["status"] in ("degraded", "unhealthy")  # unhealthy only for want of a worker here
    assert refused.status_code == 507 and "disk is full" in refused.json()["error"]
    assert accepted.status_code == 201, accepted.text
    assert Transcription.objects.count() == 1
