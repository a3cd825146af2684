"""One `make run` process tree for the process fault tests (make_run_tree.MakeRunTree).

make_run_tree  (session) the started tree; tests leave it healthy for the next one.
"""
import shutil
import tempfile

import pytest
from make_run_tree import MakeRunTree


@pytest.fixture(scope="session")
def make_run_tree():
    # A short path: the embedded Redis listens on a unix socket in the data dir (108 bytes at most).
    root = tempfile.mkdtemp(prefix="wa-faults-")
    tree = MakeRunTree(root)
    try:
        yield tree.start()
    finally:
        tree.stop()
        shutil.rmtree(root, ignore_errors=True)
