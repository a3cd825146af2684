"""What makes a directory a usable CTranslate2 Whisper model."""
import hashlib
import json
from pathlib import Path

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
# CTranslate2 converters write vocabulary.txt or vocabulary.json depending on their version.
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")
# A multilingual Whisper vocabulary has one more token than the English-only one (51864).
MULTILINGUAL_VOCABULARY_SIZE = 51865
# Written by the engine into directories it built from a pack or the hub; hidden from listings.
SOURCE_MARKER = ".source.json"


def models_root(data_dir):
    return Path(data_dir) / "models"


def sha256_hex(path):
    """A file's SHA-256 as hex, read in blocks (model files run to gigabytes)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def directory_problems(path):
    """Everything wrong with a model directory, as sentences; an empty list means usable."""
    path = Path(path)
    if not path.is_dir():
        return [f"{path} is not a directory"]
    problems = [f"{name} is missing" for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        problems.append("vocabulary.txt (or vocabulary.json) is missing")
    if (path / "model.bin").is_file() and (path / "model.bin").stat().st_size == 0:
        problems.append("model.bin is empty")
    for name in ("config.json", "tokenizer.json"):
        if (path / name).is_file():
            problems.extend(_json_problems(path / name))
    return problems


def _json_problems(path):
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        return [f"{path.name} cannot be read as JSON ({error.__class__.__name__})"]
    if not isinstance(document, dict):
        return [f"{path.name} does not hold a JSON object"]
    return []


def weights_bytes(path):
    weights = Path(path) / "model.bin"
    return weights.stat().st_size if weights.is_file() else 0


def vocabulary_is_multilingual(path):
    """Whether a model directory holds a multilingual model, judged by its vocabulary size."""
    path = Path(path)
    text_vocabulary = path / "vocabulary.txt"
    if text_vocabulary.is_file():
        with open(text_vocabulary, "rb") as handle:
            size = sum(1 for _ in handle)
    else:
        with open(path / "vocabulary.json", encoding="utf-8") as handle:
            size = len(json.load(handle))
    return size >= MULTILINGUAL_VOCABULARY_SIZE


def read_source_marker(path):
    marker = Path(path) / SOURCE_MARKER
    if not marker.is_file():
        return None
    try:
        return json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def write_source_marker(path, document):
    (Path(path) / SOURCE_MARKER).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
