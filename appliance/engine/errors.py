"""Every failure the engine reports on purpose.

Each exception carries a message meant for the person who uploaded the file or runs the
appliance (str(error) is shown as is in the web UI and the API), so messages say what went
wrong and what to do, never a stack detail.
"""


class EngineError(Exception):
    """Base class: str(error) is a sentence a user understands."""


class InvalidOptionsError(EngineError):
    """A transcription option has a value the engine cannot use."""


class AudioError(EngineError):
    """The input cannot be turned into audio samples."""


class EmptyAudioError(AudioError):
    """The file has 0 bytes or holds no samples at all."""


class UnsupportedAudioError(AudioError):
    """The file is not audio or video, or it has no audio track."""


class CorruptAudioError(AudioError):
    """The file looks like media but is damaged or cut off (truncated upload or copy)."""


class AudioTooLongError(AudioError):
    """The audio is longer than the configured maximum duration."""


class ModelNotAvailableError(EngineError):
    """The model is unknown, not installed, or its files are incomplete or damaged."""


class ModelImportError(EngineError):
    """A model directory or archive given for import is unusable or unsafe."""


class MemoryBudgetError(EngineError):
    """Loading the model would exceed the memory budget of its device."""


class TranscriptionCancelled(EngineError):
    """The caller asked to stop; no partial result is returned."""

    def __init__(self, message="The transcription was cancelled."):
        super().__init__(message)
