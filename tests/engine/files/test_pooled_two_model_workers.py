"""With a model of two CTranslate2 workers, two pooled batches run at once and every job,
including the last batch of the queue, still comes back."""
import pytest

from appliance.engine import EngineConfig, ModelManager, TranscriptionOptions
from appliance.engine.accuracy import word_error_rate

from .pooled_helpers import running_scheduler

WER_BOUND = 0.15


@pytest.fixture(scope="module")
def two_worker_manager(engine_data_dir):
    manager = ModelManager(EngineConfig(data_dir=engine_data_dir, cpu_threads=1, num_workers=2, preload=("tiny.en",)))
    manager.preload()
    yield manager
    manager.close()


def test_every_job_completes_when_two_batches_run_at_once(two_worker_manager, english_clip, long_english_clip):
    with running_scheduler(two_worker_manager) as scheduler:
        long_future = scheduler.submit(long_english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1))
        short_future = scheduler.submit(english_clip[0], TranscriptionOptions(model="tiny.en", batch_size=1))

        long_result = long_future.result(timeout=300)
        short_result = short_future.result(timeout=300)

    assert word_error_rate(long_english_clip[1], long_result.text) <= WER_BOUND
    assert word_error_rate(english_clip[1], short_result.text) <= WER_BOUND
    assert [segment.id for segment in long_result.segments] == list(range(len(long_result.segments)))
