"""Silence and noise (made with sox) give no invented text, alone or pooled."""
import subprocess

import pytest

from appliance.engine import TranscriptionOptions, load_audio
from appliance.engine.files.dynamic_runner import run_dynamic

from .pooled_helpers import running_scheduler

# sox synth: 20 s of each; noise at -20 dBFS, loud enough to be heard, no words in it.
SOUNDS = {
    "silence": ["trim", "0", "20"],  # from the null input: 20 s of digital zeros
    "white-noise": ["synth", "20", "whitenoise", "vol", "0.1"],
    "pink-noise": ["synth", "20", "pinknoise", "vol", "0.1"],
    "brown-noise": ["synth", "20", "brownnoise", "vol", "0.1"],
    "hum": ["synth", "20", "sine", "50", "vol", "0.1"],
}


@pytest.fixture(scope="module")
def sounds(speech_dir):
    paths = {}
    for name, effect in SOUNDS.items():
        path = speech_dir / f"{name}.wav"
        subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(path), *effect],
                       check=True, capture_output=True, timeout=60)
        paths[name] = path
    return paths


@pytest.mark.parametrize("name", list(SOUNDS))
def test_the_dynamic_runner_invents_no_text(manager, sounds, name):
    options = TranscriptionOptions(model="tiny.en").validate()
    with manager.acquire("tiny.en") as loaded:
        outcome = run_dynamic(loaded.whisper, load_audio(sounds[name]), options, "en", lambda *event: None, lambda: None)

    assert outcome.segments == []


def test_the_pool_invents_no_text_for_any_of_them(manager, sounds):
    with running_scheduler(manager) as scheduler:
        futures = {name: scheduler.submit(path, TranscriptionOptions(model="tiny.en")) for name, path in sounds.items()}
        results = {name: future.result(timeout=300) for name, future in futures.items()}

    assert {name: result.text for name, result in results.items()} == {name: "" for name in SOUNDS}
    assert all(result.duration == pytest.approx(20, abs=0.1) for result in results.values())
