"""The sequential runner: WhisperModel.transcribe, one 30 s window after the other.

Slower than batching but it conditions each window on the previous text and walks the
whole temperature fallback ladder; chosen with TranscriptionOptions(batched=False).
"""
from appliance.engine.files.run_outcome import RunOutcome, convert_segments


def run_sequential(whisper, samples, options, language, on_batch, check_cancel):
    whisper_segments, info = whisper.transcribe(
        samples,
        language=language,
        task=options.task,
        beam_size=options.beam_size,
        temperature=options.temperatures,
        vad_filter=options.vad,
        vad_parameters=options.vad_parameters,
        word_timestamps=options.word_timestamps,
        initial_prompt=options.initial_prompt,
        hotwords=options.hotwords,
    )
    duration = samples.size / whisper.feature_extractor.sampling_rate
    segments = []
    # The generator decodes lazily: each step is one window, so cancel is checked between windows.
    for whisper_segment in whisper_segments:
        check_cancel()
        new_segments = convert_segments([whisper_segment], first_id=len(segments))
        segments.extend(new_segments)
        on_batch(min(1.0, whisper_segment.end / duration), new_segments)
    return RunOutcome(info.language, float(info.language_probability), segments)
