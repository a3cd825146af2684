"""The dynamic runner: one file through dynamic batching and pipelined decoding.

Same signature and outcome as the plain batched runner (batched.run_batched), so the
pipeline can choose either; chosen by TranscriptionOptions(pipeline="dynamic").
"""
from appliance.engine.files.dynamic_batching import (
    DEFAULT_MARGIN_SECONDS,
    DEFAULT_MAX_CHUNK_SECONDS,
    ChunkWork,
    bucket_batches,
    decode_batch,
    dynamic_batch_features,
    plan_dynamic_chunks,
    prepare_decoding,
)
from appliance.engine.models.memory_release import release_free_memory
from appliance.engine.files.ordered_segments import OrderedSegments
from appliance.engine.files.pipelined_decoding import run_pipelined
from appliance.engine.files.run_outcome import RunOutcome


def run_dynamic(whisper, samples, options, language, on_batch, check_cancel,
                max_chunk_seconds=DEFAULT_MAX_CHUNK_SECONDS, margin_seconds=DEFAULT_MARGIN_SECONDS):
    """Transcribe `samples`; call on_batch(fraction_done, new_segments) after every batch."""
    plan = plan_dynamic_chunks(samples, options.vad, options.vad_parameters, max_chunk_seconds)
    check_cancel()
    if not plan.chunks:
        return RunOutcome(language, 1.0 if language else 0.0, [])
    works = [ChunkWork(None, index, chunk, samples) for index, chunk in enumerate(plan.chunks)]
    decoding = prepare_decoding(whisper, works, plan, options, language, margin_seconds)
    ordered = OrderedSegments(plan)

    def prepare(batch):
        return dynamic_batch_features(whisper.feature_extractor, batch, margin_seconds)

    def infer(batch, features):
        return decode_batch(whisper, features, batch, decoding, margin_seconds)

    workers = whisper.model.num_workers
    batches = bucket_batches(works, options.batch_size, margin_seconds, workers=workers)
    results = run_pipelined(batches, prepare, infer, workers=workers)
    try:
        for batch, outputs in results:
            released = []
            for work, chunk_segments in zip(batch, outputs):
                released.extend(ordered.add(work.index, chunk_segments))
            release_free_memory()
            on_batch(ordered.fraction_done, released)
            check_cancel()
    finally:
        results.close()
    return RunOutcome(decoding.language, decoding.language_probability, ordered.segments)
