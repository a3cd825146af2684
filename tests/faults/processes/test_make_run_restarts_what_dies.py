"""Item 7 of issue 19 against a real `make run` tree: whatever child is killed with SIGKILL comes
back by itself, Redis included; nothing is left a zombie; a job whose worker died mid-way is sent
again at once and finishes exactly once; and the appliance is healthy afterwards without a human."""
import re
import signal
import time

import pytest

pytestmark = pytest.mark.slow

FINISHED = ("done", "failed", "cancelled")


def jobs_done_in_log(tree):
    return len(re.findall(r"job \d+ done: ", tree.log()))


def test_a_worker_killed_mid_job_is_restarted_and_the_job_finishes_once(make_run_tree, long_speech, speech_keywords):
    tree = make_run_tree
    done_before = jobs_done_in_log(tree)
    job = tree.upload(long_speech, model="tiny.en", batch_size="1")
    tree.wait_for_job(job["id"], lambda row: row["status"] == "running" and row["progress"] > 0,
                      what="progress on the first worker")  # fmt: skip

    killed = tree.kill("appliance.celery worker")
    killed_at = time.monotonic()
    tree.wait_restarted("appliance.celery worker", killed)
    tree.wait_for_job(job["id"], lambda row: row["attempts"] == 2, timeout_seconds=180, what="a second attempt")
    resent_seconds = time.monotonic() - killed_at
    done = tree.wait_for_job(job["id"], lambda row: row["status"] in FINISHED)

    assert done["status"] == "done", done
    assert done["attempts"] == 2
    assert any(word in done["result"]["text"].lower() for word in speech_keywords)
    assert f"worker (pid {killed}) exited with status -9: restarting in" in tree.log()
    tree.wait_healthy()
    assert jobs_done_in_log(tree) - done_before == 1
    assert not tree.zombies()
    print(f"the killed worker's job ran again {resent_seconds:.1f} s after the SIGKILL")


def test_redis_killed_is_restarted_and_health_and_jobs_recover_by_themselves(make_run_tree, speech_wav):
    tree = make_run_tree
    killed = tree.kill("redis-server")
    killed_at = time.monotonic()

    tree.wait_restarted("redis-server", killed)
    recovered = tree.wait_healthy()

    assert not tree.zombies()
    job = tree.upload(speech_wav, model="tiny.en")
    assert tree.wait_for_job(job["id"], lambda row: row["status"] in FINISHED)["status"] == "done"
    print(f"/healthz 200 again {time.monotonic() - killed_at:.1f} s after Redis was killed ({recovered:.1f} s wait)")


@pytest.mark.parametrize("marker", ["daphne", "celery -A appliance.celery beat", "live_engine"])
def test_any_other_child_killed_comes_back_and_the_appliance_stays_healthy(make_run_tree, marker):
    tree = make_run_tree
    killed = tree.kill(marker, signal.SIGKILL)

    tree.wait_restarted(marker, killed)
    tree.wait_healthy()

    assert not tree.zombies()
