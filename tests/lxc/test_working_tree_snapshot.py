"""local_lxc_snapshot (lxc/local-lxc.sh): what the e2e test provisions is the working tree as it is,
uncommitted changes included, while the checkout's own git state stays untouched. Real git."""
import subprocess

import pytest


def git(repository, *arguments):
    return subprocess.run(["git", "-C", str(repository), *arguments], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def checkout(tmp_path):
    repository = tmp_path / "checkout"
    repository.mkdir()
    git(repository, "init", "-q")
    (repository / ".gitignore").write_text("ignored.txt\n")
    (repository / "committed.txt").write_text("old\n")
    (repository / "deleted.txt").write_text("gone soon\n")
    git(repository, "add", ".")
    git(repository, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
    (repository / "committed.txt").write_text("changed, not committed\n")
    (repository / "untracked.txt").write_text("new\n")
    (repository / "ignored.txt").write_text("secret\n")
    (repository / "deleted.txt").unlink()
    return repository


def snapshot(lxc_dir, checkout, work):
    subprocess.run(["bash", "-c", f'. "{lxc_dir}/local-lxc.sh" && local_lxc_snapshot "$1" "$2" v9.9.9', "_",
                    str(checkout), str(work)], check=True, capture_output=True, timeout=60)
    return work / "upstream.git"


def test_the_tagged_snapshot_holds_the_working_tree(lxc_dir, checkout, tmp_path):
    upstream = snapshot(lxc_dir, checkout, tmp_path / "work")
    files = set(git(upstream, "ls-tree", "-r", "--name-only", "v9.9.9").split())
    assert files == {".gitignore", "committed.txt", "untracked.txt"}
    assert git(upstream, "show", "v9.9.9:committed.txt") == "changed, not committed\n"


def test_the_checkout_keeps_its_own_git_state(lxc_dir, checkout, tmp_path):
    before = (git(checkout, "status", "--porcelain"), git(checkout, "rev-parse", "HEAD"), git(checkout, "tag"))
    snapshot(lxc_dir, checkout, tmp_path / "work")
    assert (git(checkout, "status", "--porcelain"), git(checkout, "rev-parse", "HEAD"), git(checkout, "tag")) == before
