"""Uploads: end-to-end throughput of one large recording over HTTP, and the disk it takes meanwhile.

Runs the real processes (daphne, one worker, redis-server) on a scratch data dir. A program
POSTs a WAV file (1 GB; 64 MB in quick mode) to /api/jobs/ with an API token and the clock stops
at the 201: the body received, the file probed, measured by its content and stored. The
baseline, in the same run, is a plain copy of the same file onto the same disk (what storing it
costs at the least). While the upload runs, a thread samples the data disk's use and daphne's
memory: an upload should take about its own size on disk at the peak, not two or three copies.
"""
import http.client
import os
import shutil
import stat
import subprocess
import threading
import time
from pathlib import Path

import psutil

from benchmarks.suites.api import _manage
from benchmarks.suites.panel import Appliance

NAME = "uploads"
DESCRIPTION = ("End-to-end upload throughput of a 1 GB recording (POST to the 201: received, probed, measured, "
               "stored) against a plain copy on the same disk; peak disk use and daphne memory during the upload.")

FULL_MB, QUICK_MB = 1024, 64
MIN_MB_PER_SECOND = 10
MAX_PEAK_COPIES = 1.5
# Stereo 48 kHz 16-bit PCM: 192,000 bytes a second, so 1 GB is about 1 h 33 min (under the 4 h limit).
BYTES_PER_SECOND = 48000 * 2 * 2
SEND_BLOCK = 1024 * 1024
SAMPLE_SECONDS = 0.05
MB = 1024 * 1024


def _recording(path, megabytes):
    seconds = megabytes * MB / BYTES_PER_SECOND
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    f"anoisesrc=d={seconds:.3f}:r=48000:a=0.05", "-ac", "2", "-c:a", "pcm_s16le", str(path)],
                   check=True)  # fmt: skip
    return path


def _copy_seconds(source, directory):
    target = directory / "baseline-copy.wav"
    started = time.perf_counter()
    with open(source, "rb") as reader, open(target, "wb") as writer:
        shutil.copyfileobj(reader, writer, SEND_BLOCK)
        writer.flush()
        os.fsync(writer.fileno())
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


class _Sampler(threading.Thread):
    """Peak bytes the upload holds on disk (files under the data dir plus the files daphne has
    open, deleted spools included, by allocated blocks), and peak RSS of the web process. Counted
    per file, not from the file system's total, which other processes change too."""

    def __init__(self, directory, web_pid):
        super().__init__(daemon=True)
        self.directory, self.process = Path(directory), psutil.Process(web_pid)
        self.base = self._held()
        self.peak_disk = self.peak_rss = 0
        self.done = threading.Event()

    def _held(self):
        seen, total = set(), 0
        paths = [path for path in self.directory.rglob("*") if path.is_file() and not path.name.startswith("db.sqlite3")]
        paths += list(Path(f"/proc/{self.process.pid}/fd").iterdir())
        for path in paths:
            try:
                status = os.stat(path)
            except OSError:
                continue  # gone meanwhile, or a socket of a process that just went
            if (status.st_dev, status.st_ino) in seen or not stat.S_ISREG(status.st_mode):
                continue
            seen.add((status.st_dev, status.st_ino))
            total += status.st_blocks * 512
        return total

    def run(self):
        while not self.done.is_set():
            try:
                self.peak_disk = max(self.peak_disk, self._held() - self.base)
                self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(SAMPLE_SECONDS)


def _upload_seconds(base_url, token, path):
    """Stream the file as a one-file multipart form; seconds until the answer, and the answer."""
    boundary = "benchmark-upload-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
            "Content-Type: audio/wav\r\n\r\n").encode()  # fmt: skip
    tail = f"\r\n--{boundary}--\r\n".encode()
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=3600)
    started = time.perf_counter()
    connection.putrequest("POST", "/api/jobs/")
    for name, value in (("Authorization", f"Bearer {token}"), ("Accept", "application/json"),
                        ("Content-Type", f"multipart/form-data; boundary={boundary}"),
                        ("Content-Length", str(len(head) + path.stat().st_size + len(tail)))):  # fmt: skip
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(head)
    with open(path, "rb") as reader:
        while block := reader.read(SEND_BLOCK):
            connection.send(block)
    connection.send(tail)
    response = connection.getresponse()
    answer = response.read().decode(errors="replace")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, response.status, answer


def run(options):
    megabytes = options.number("megabytes", QUICK_MB if options.quick else FULL_MB)
    root = Path(options.work_dir) / NAME
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    options.plan(4)  # the recording, the appliance up, the copy, the upload
    audio = _recording(root / "recording.wav", megabytes)
    size = audio.stat().st_size
    options.advance(f"a {megabytes} MB recording made")
    with Appliance(root, options.log) as appliance:
        options.advance("appliance up")
        copy_seconds = _copy_seconds(audio, root / "data")
        options.advance(f"plain copy: {copy_seconds:.2f} s")
        token = _manage(appliance, "create_api_token", "admin", "--name", "benchmark")
        sampler = _Sampler(root / "data", appliance.web.pid)
        sampler.start()
        upload_seconds, status, answer = _upload_seconds(appliance.base_url, token, audio)
        sampler.done.set()
        sampler.join()
        options.advance(f"upload: {upload_seconds:.2f} s, HTTP {status}")
    audio.unlink()  # a gigabyte of scratch
    throughput = size / MB / upload_seconds
    copies = sampler.peak_disk / size
    return {
        "summary": {
            "upload MB/s (end to end)": round(throughput, 1),
            "plain copy MB/s (same disk)": round(size / MB / copy_seconds, 1),
            "upload / copy (seconds ratio)": round(upload_seconds / copy_seconds, 2),
            "peak disk use (copies of the file)": round(copies, 2),
            "peak daphne RSS MB": round(sampler.peak_rss / MB, 1),
        },
        "checks": [
            {"name": "the upload is accepted", "passed": status == 201, "detail": f"HTTP {status}: {answer[:300]}"},
            {"name": f"upload throughput > {MIN_MB_PER_SECOND} MB/s end to end", "passed": throughput > MIN_MB_PER_SECOND,
             "detail": f"{size / MB:.0f} MB in {upload_seconds:.2f} s"},
            {"name": f"peak disk use < {MAX_PEAK_COPIES} copies of the file", "passed": copies < MAX_PEAK_COPIES,
             "detail": f"{sampler.peak_disk / MB:.0f} MB above the start for a {size / MB:.0f} MB file"},
        ],
        "tables": [
            {"title": "One upload against a plain copy of the same file",
             "columns": ["subject", "seconds", "MB/s"],
             "rows": [["HTTP upload to 201", round(upload_seconds, 2), round(throughput, 1)],
                      ["plain copy + fsync", round(copy_seconds, 2), round(size / MB / copy_seconds, 1)]]},
        ],
        "settings": {"megabytes": round(size / MB, 1), "format": "WAV, 48 kHz stereo 16-bit (noise)",
                     "client": "http.client in the benchmark process, 1 MB sends, Content-Length set"},
        "notes": [
            "The client, daphne and the worker share the machine's cores; the copy has the disk to itself.",
            f"Disk use is sampled every {SAMPLE_SECONDS} s, so a copy that lives shorter than that can be missed.",
        ],
    }
