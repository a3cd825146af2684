import threading

from appliance.engine import TranscriptionOptions, transcribe

from tests.engine.conftest import make_manager


def _run_in_threads(count, work):
    """Run work() in `count` threads started together; (results, errors) once all are done."""
    start = threading.Barrier(count)
    results, errors = [], []

    def run():
        start.wait()
        try:
            results.append(work())
        except Exception as error:  # collected so the test's assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_threads_asking_for_the_same_cold_model_load_it_once(engine_data_dir, tiny_copies):
    manager = make_manager(engine_data_dir)

    models, errors = _run_in_threads(4, lambda: manager.ensure_loaded("tiny-b"))

    assert errors == []
    assert len(models) == 4 and all(model is models[0] for model in models)
    assert manager.statistics()["loads"] == 1
    manager.close()


def test_concurrent_transcriptions_share_one_loaded_model(engine_data_dir, tiny_copies, english_clip):
    manager = make_manager(engine_data_dir)

    results, errors = _run_in_threads(
        3, lambda: transcribe(manager, english_clip[0], TranscriptionOptions(model="tiny-c"))
    )

    assert errors == []
    assert len({result.text for result in results}) == 1
    assert manager.statistics()["loads"] == 1
    assert manager.loaded_models()[0].in_use == 0
    manager.close()
