"""How many speakers to look for: an exact count, a range, or neither (found from the audio)."""
from dataclasses import dataclass

from appliance.engine.errors import InvalidOptionsError
from appliance.engine.speakers.clustering import MAX_SPEAKERS


@dataclass(frozen=True)
class DiarizationOptions:
    speakers: int = None  # exact count
    min_speakers: int = None
    max_speakers: int = None

    def validate(self):
        for name in ("speakers", "min_speakers", "max_speakers"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= MAX_SPEAKERS:
                raise InvalidOptionsError(f"{name} must be a whole number from 1 to {MAX_SPEAKERS}, not {value}.")
        if self.speakers is not None and (self.min_speakers is not None or self.max_speakers is not None):
            raise InvalidOptionsError("Give either speakers (an exact count) or min_speakers/max_speakers, not both.")
        if self.min_speakers and self.max_speakers and self.min_speakers > self.max_speakers:
            raise InvalidOptionsError(
                f"min_speakers ({self.min_speakers}) is larger than max_speakers ({self.max_speakers})."
            )
        return self

    def to_dict(self):
        return {"speakers": self.speakers, "min_speakers": self.min_speakers, "max_speakers": self.max_speakers}
