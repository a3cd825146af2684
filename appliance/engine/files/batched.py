"""The batched runner: faster-whisper's BatchedInferencePipeline, driven batch by batch.

BatchedInferencePipeline.transcribe() computes the features of the whole file before the
first batch and offers no place to report progress or stop. Here the same steps run one
batch at a time (features built per batch, progress and cancel between batches), calling
the pipeline's own forward() so the decoding is exactly faster-whisper's. The internals used
(forward, TranscriptionOptions, Tokenizer, restore_speech_timestamps) are those of the pinned
faster-whisper 1.2.1.
"""
import numpy as np
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import BatchedInferencePipeline, get_suppressed_tokens, restore_speech_timestamps
from faster_whisper.transcribe import Segment as WhisperSegment
from faster_whisper.transcribe import TranscriptionOptions as WhisperOptions
from faster_whisper.transcribe import Word as WhisperWord

from appliance.engine.files.audio import SAMPLE_RATE
from appliance.engine.files.chunking import batch_features, chunk_features, plan_chunks
from appliance.engine.files.run_outcome import RunOutcome, convert_segments

LANGUAGE_DETECTION_FRAMES = 3000  # one 30 s window, as faster-whisper's batched default
LANGUAGE_DETECTION_THRESHOLD = 0.5


def run_batched(whisper, samples, options, language, on_batch, check_cancel):
    """Transcribe `samples`; call on_batch(fraction_done, new_segments) after every batch."""
    plan = plan_chunks(samples, options.vad, options.vad_parameters)
    check_cancel()
    if not plan.chunks:
        return RunOutcome(language, 1.0 if language else 0.0, [])
    language_probability = 1.0
    if language is None:
        language, language_probability = detect_language(whisper, samples, plan)
    tokenizer = Tokenizer(whisper.hf_tokenizer, whisper.model.is_multilingual, task=options.task, language=language)
    whisper_options = faster_whisper_options(tokenizer, options, plan)
    # One pipeline per run: it keeps the last word timestamp between batches of one file.
    pipeline = BatchedInferencePipeline(whisper)
    segments = []
    for first in range(0, len(plan.chunks), options.batch_size):
        check_cancel()
        chunks = plan.chunks[first:first + options.batch_size]
        features = batch_features(whisper.feature_extractor, samples, chunks)
        outputs = pipeline.forward(features, tokenizer, [chunk.metadata() for chunk in chunks], whisper_options)
        restored = restore_speech_timestamps(
            faster_whisper_segments(outputs, whisper_options), plan.clips, SAMPLE_RATE
        )
        new_segments = convert_segments(restored, first_id=len(segments))
        segments.extend(new_segments)
        on_batch(chunks[-1].end_sample / plan.total_samples, new_segments)
    return RunOutcome(language, language_probability, segments)


def detect_language(whisper, samples, plan):
    """Detect on the first 30 s of speech (after VAD), as BatchedInferencePipeline does."""
    features, frames = [], 0
    for chunk in plan.chunks:
        features.append(chunk_features(whisper.feature_extractor, samples, chunk))
        frames += features[-1].shape[-1]
        if frames >= LANGUAGE_DETECTION_FRAMES:
            break
    language, probability, _ = whisper.detect_language(
        features=np.concatenate(features, axis=1),
        language_detection_segments=1,
        language_detection_threshold=LANGUAGE_DETECTION_THRESHOLD,
    )
    return language, float(probability)


def faster_whisper_options(tokenizer, options, plan):
    """The decoding options BatchedInferencePipeline.transcribe() builds, with ours filled in."""
    return WhisperOptions(
        beam_size=options.beam_size,
        best_of=5,
        patience=1,
        length_penalty=1,
        repetition_penalty=1,
        no_repeat_ngram_size=0,
        log_prob_threshold=-1.0,
        no_speech_threshold=0.6,
        compression_ratio_threshold=2.4,
        temperatures=options.temperatures[:1],
        initial_prompt=options.initial_prompt,
        prefix=None,
        suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
        prepend_punctuations="\"'“¿([{-",
        append_punctuations="\"'.。,，!！?？:：”)]}、",
        max_new_tokens=None,
        hotwords=options.hotwords,
        word_timestamps=options.word_timestamps,
        hallucination_silence_threshold=None,
        condition_on_previous_text=False,
        clip_timestamps=plan.clips,
        prompt_reset_on_temperature=0.5,
        multilingual=False,
        # Timestamp tokens split a 30 s window into sentence-sized segments subtitles need.
        without_timestamps=False,
        max_initial_timestamp=0.0,
    )


def faster_whisper_segments(outputs, whisper_options):
    for chunk_segments in outputs:
        for segment in chunk_segments:
            yield WhisperSegment(
                id=0,
                seek=segment["seek"],
                start=round(segment["start"], 3),
                end=round(segment["end"], 3),
                text=segment["text"],
                tokens=segment["tokens"],
                avg_logprob=segment["avg_logprob"],
                no_speech_prob=segment["no_speech_prob"],
                compression_ratio=segment["compression_ratio"],
                words=[WhisperWord(**word) for word in segment["words"]] if whisper_options.word_timestamps else None,
                temperature=whisper_options.temperatures[0],
            )
