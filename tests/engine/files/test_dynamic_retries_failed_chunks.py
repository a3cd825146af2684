"""A chunk Whisper gives up on in its short window is decoded again in a full 30 s window.

The material is a real case: this 11 s espeak-ng clip as a 64 kb/s MP3, decoded by tiny.en in a
13.5 s window, came back as "The quick roundfoc stump, sober m" (average log-probability -1.15);
in a 30 s window, as bare faster-whisper decodes it, all three sentences come back (-0.57).
"""
import subprocess

import pytest
from faster_whisper.tokenizer import Tokenizer

from appliance.engine import TranscriptionOptions, transcribe
from appliance.engine.files.batched import faster_whisper_options
from appliance.engine.files.chunking import ChunkPlan
from appliance.engine.files.dynamic_batching import _failed

TEXT = ("The quick brown fox jumps over the lazy dog. Whisper appliance turns speech into text for the whole team. "
        "Please send the meeting notes to everyone before Friday.")


@pytest.fixture(scope="module")
def mp3_clip(tmp_path_factory):
    directory = tmp_path_factory.mktemp("retry")
    raw, wav, mp3 = directory / "raw.wav", directory / "speech.wav", directory / "speech.mp3"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), TEXT], check=True)
    for source, target, arguments in ((raw, wav, ["-ac", "1", "-ar", "16000"]),
                                      (wav, mp3, ["-codec:a", "libmp3lame", "-b:a", "64k"])):
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), *arguments, str(target)],
                       check=True)
    return mp3


def test_the_dynamic_pipeline_keeps_every_sentence_of_a_chunk_that_failed_in_its_short_window(manager, mp3_clip):
    result = transcribe(manager, mp3_clip, TranscriptionOptions(model="tiny.en", pipeline="dynamic"))

    text = result.text.lower()
    assert "team" in text and "friday" in text, text
    assert result.segments[-1].end <= result.duration + 0.5


@pytest.fixture(scope="module")
def whisper_options(manager):
    with manager.acquire("tiny.en") as loaded:
        tokenizer = Tokenizer(loaded.whisper.hf_tokenizer, False, task="transcribe", language="en")
    return faster_whisper_options(tokenizer, TranscriptionOptions().validate(), ChunkPlan(clips=[]))


@pytest.mark.parametrize("segments, failed", [
    ([], False),  # no text: left alone, retrying noise invites invented words
    ([{"avg_logprob": -0.5, "compression_ratio": 1.1}], False),
    ([{"avg_logprob": -1.15, "compression_ratio": 0.8}], True),  # under log_prob_threshold (-1.0)
    ([{"avg_logprob": -0.3, "compression_ratio": 1.0}, {"avg_logprob": -0.3, "compression_ratio": 3.1}], True),  # a loop
])
def test_a_chunk_is_retried_by_faster_whispers_own_failure_test(whisper_options, segments, failed):
    assert _failed(segments, whisper_options) is failed
