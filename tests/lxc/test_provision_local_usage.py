"""lxc/provision-local.sh refuses to guess what to install."""
import subprocess

import pytest


@pytest.mark.parametrize("arguments", [[], ["--repo", "/srv/upstream.git"], ["--ref", "v1.0.0"]])
def test_it_needs_both_the_repository_and_the_release(lxc_dir, arguments):
    result = subprocess.run(["bash", str(lxc_dir / "provision-local.sh"), *arguments],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "usage: " in result.stderr and "--repo URL --ref TAG" in result.stderr
