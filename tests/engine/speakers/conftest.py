"""espeak-ng conversations with known turns, and a speaker-model holder beside the shared manager."""
import pytest

from appliance.engine import load_audio
from appliance.engine.speakers import SpeakerModels
from benchmarks.conversation import conversation


def _conversation(tmp_path_factory, name, speakers, seconds, seed=1):
    directory = tmp_path_factory.mktemp(name)
    path, turns = conversation(directory, speakers=speakers, minimum_seconds=seconds, seed=seed)
    return path, load_audio(path), turns


@pytest.fixture(scope="session")
def two_voices(tmp_path_factory):
    """(path, samples, turns): two voices taking turns of 2-8 s for about 45 s."""
    return _conversation(tmp_path_factory, "two-voices", 2, 45)


@pytest.fixture(scope="session")
def three_voices(tmp_path_factory):
    return _conversation(tmp_path_factory, "three-voices", 3, 50, seed=2)


@pytest.fixture(scope="session")
def one_voice(tmp_path_factory):
    return _conversation(tmp_path_factory, "one-voice", 1, 25)


@pytest.fixture(scope="session")
def speaker_models(manager):
    holder = SpeakerModels(manager)
    yield holder
    holder.close()
