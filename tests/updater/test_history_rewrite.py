"""A force-pushed tag or a rewritten history upstream is refused unless forced."""

import pytest


@pytest.fixture
def on_v110(appliance):
    appliance.install("v1.1.0")
    return appliance


def _rewrite_from_v100(upstream):
    upstream.git("reset", "--quiet", "--hard", "v1.0.0")


def test_it_refuses_a_published_tag_moved_to_another_commit(on_v110, upstream):
    old_commit = upstream.git("rev-parse", "v1.1.0^{commit}")
    _rewrite_from_v100(upstream)
    new_commit = upstream.commit("v1.1.0", "Release v1.1.0 (rewritten)")
    upstream.tag("v1.1.0", force=True)
    upstream.push()

    check = on_v110.updater.check()
    result = on_v110.updater.apply(force=True)

    assert check["moved_tags"] == [f"tag v1.1.0 moved upstream from {old_commit[:12]} to {new_commit[:12]}"]
    assert check["refusal"]["reason"] == "history-rewrite"
    assert result["status"] == "refused"
    assert result["message"] == (f"tag v1.1.0 now points to {new_commit[:12]}, but the running v1.1.0 is "
                                 f"{old_commit[:12]}: upstream rewrote a published release; ask for a new version tag")
    assert on_v110.get("/version") == "v1.1.0"


def test_it_refuses_a_release_that_does_not_descend_from_the_running_one(on_v110, upstream):
    running = upstream.git("rev-parse", "v1.1.0^{commit}")
    _rewrite_from_v100(upstream)
    rewritten = upstream.release("v1.2.0", "Release v1.2.0 on a rewritten history")

    result = on_v110.updater.apply()

    assert result["reason"] == "history-rewrite"
    assert result["message"] == (f"v1.2.0 ({rewritten[:12]}) does not descend from the running v1.1.0 "
                                 f"({running[:12]}): upstream history was rewritten; refused unless forced")
    assert on_v110.current() == "v1.1.0"


def test_a_rewritten_history_is_accepted_when_forced(on_v110, upstream):
    _rewrite_from_v100(upstream)
    upstream.release("v1.2.0", "Release v1.2.0 on a rewritten history")

    result = on_v110.updater.apply(force=True)

    assert result["status"] == "succeeded", result["message"]
    assert on_v110.get("/version") == "v1.2.0"
