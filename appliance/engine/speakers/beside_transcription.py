"""Diarization in a thread of its own while the calling thread transcribes the same samples.

Both read one decoded copy of the audio. Whatever happens to the diarization (no model, no
memory, a bug), the transcript is kept: the result then carries a warning instead of speakers.
"""
import logging
import threading

from appliance.engine.errors import EngineError, TranscriptionCancelled
from appliance.engine.speakers.assignment import label_transcript
from appliance.engine.speakers.diarization import diarize

logger = logging.getLogger(__name__)

FAILED_INTERNALLY = "Speaker detection failed because of an internal error (it was logged): the transcript has no speakers."


class _EitherSet:
    """Stops the diarization when the job is cancelled or the transcription ended in an error."""

    def __init__(self, cancel):
        self.cancel = cancel
        self.transcription_failed = threading.Event()

    def is_set(self):
        return self.transcription_failed.is_set() or (self.cancel is not None and self.cancel.is_set())


def diarize_beside(transcribe, samples, speaker_models, options=None, cancel=None, keep_words=True):
    """transcribe(): runs the transcription and returns its TranscriptionResult.

    Returns that result with speakers on its segments and words and `diarization` filled in
    (or a `{"warning": ...}` when diarization failed). Exceptions of transcribe() propagate.
    """
    stop = _EitherSet(cancel)
    outcome = {}
    thread = threading.Thread(
        target=_diarize_into, args=(outcome, samples, speaker_models, options, stop),
        name="diarization", daemon=True,
    )
    thread.start()
    try:
        result = transcribe()
    except BaseException:
        stop.transcription_failed.set()
        thread.join()
        raise
    thread.join()
    if "diarization" in outcome:
        label_transcript(result, outcome["diarization"].turns, keep_words=keep_words)
        result.diarization = outcome["diarization"].to_dict()
    else:
        result.diarization = {"warning": outcome.get("warning", FAILED_INTERNALLY)}
    return result


def _diarize_into(outcome, samples, speaker_models, options, stop):
    try:
        with speaker_models.acquire() as embedder:
            outcome["diarization"] = diarize(samples, embedder, options, cancel=stop, model_name=embedder.name)
    except TranscriptionCancelled:
        outcome["warning"] = "Speaker detection was stopped."
    except EngineError as error:
        logger.warning("diarization failed: %s", error)
        outcome["warning"] = f"Speaker detection failed: {error} The transcript has no speakers."
    except Exception:
        logger.exception("diarization failed")
        outcome["warning"] = FAILED_INTERNALLY
