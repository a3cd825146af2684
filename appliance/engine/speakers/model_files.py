"""Where the speaker-embedding model comes from: the data dir first (an administrator's copy),
then the weights shipped inside the appliance (appliance/engine/speakers/weights/)."""
from dataclasses import dataclass
from pathlib import Path

from appliance.engine.errors import ModelNotAvailableError

SPEAKER_MODEL_NAME = "campplus-cn-en-16k"
BUNDLED_DIR = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class SpeakerModelFile:
    name: str
    path: Path
    source: str  # "directory" or "bundled"

    @property
    def size_bytes(self):
        return self.path.stat().st_size


def speaker_model_candidates(data_dir, name=SPEAKER_MODEL_NAME):
    return [
        (Path(data_dir) / "models" / "speakers" / f"{name}.onnx", "directory"),
        (BUNDLED_DIR / f"{name}.onnx", "bundled"),
    ]


def resolve_speaker_model(data_dir, name=SPEAKER_MODEL_NAME):
    """The model file to load; ModelNotAvailableError naming the places looked at."""
    candidates = speaker_model_candidates(data_dir, name)
    for path, source in candidates:
        if path.is_file() and path.stat().st_size > 0:
            return SpeakerModelFile(name, path, source)
    raise ModelNotAvailableError(
        f"The speaker model {name} is not installed (looked for {' and '.join(str(path) for path, _ in candidates)}): "
        "reinstall the appliance or copy the model file to the first of these places."
    )
