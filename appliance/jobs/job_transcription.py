"""The engine call of one job: a plain transcription, or transcription with speakers, where the
audio is decoded once and diarized in a second thread while the same samples are transcribed."""
from appliance.jobs.request_options import options_of
from appliance.runtime.manager import get_model_manager, get_speaker_models


def transcribe_job(job, progress, cancel):
    from appliance.engine import load_audio, transcribe_pooled

    options = options_of(job)
    manager = get_model_manager()
    engine_options = options.engine_options()
    if not options.diarize:
        return transcribe_pooled(manager, job.audio.path, engine_options, progress=progress, cancel=cancel)
    from appliance.engine.speakers import diarize_beside

    samples = load_audio(job.audio.path, manager.config.max_duration_seconds)
    return diarize_beside(
        lambda: transcribe_pooled(manager, samples, engine_options, progress=progress, cancel=cancel),
        samples,
        get_speaker_models(),
        options.diarization_options(),
        cancel=cancel,
        # Words were only asked for to split segments at speaker changes: leave them out.
        keep_words=options.word_timestamps,
    )
