"""lxc/build-image.sh --from-rootfs on a small rootfs laid out like a provisioned appliance: the
tarball is what Proxmox expects (rootfs at ./, no /dev, a checksum) and carries nothing that must
differ between two copies. Real tar, zstd and rsync; no container needed."""
import subprocess

import pytest

SECRETS = [
    "etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub",
    "var/lib/whisper-appliance/secret-key", "var/lib/whisper-appliance/admin-password",
    "var/lib/whisper-appliance/db.sqlite3", "var/lib/whisper-appliance/db.sqlite3-wal",
    "etc/whisper-appliance/tls/fullchain.pem", "etc/whisper-appliance/tls/privkey.pem",
    "var/lib/whisper-appliance/media/upload.wav", "var/lib/apt/lists/deb.debian.org_Packages",
    "opt/whisper-appliance/cache/pip/wheel.whl", "root/.bash_history",
]
KEPT = ["opt/whisper-appliance/releases/v1.2.3/manage.py", "var/lib/whisper-appliance/models/tiny.en/model.bin",
        "etc/whisper-appliance/appliance.env"]


@pytest.fixture
def rootfs(tmp_path):
    root = tmp_path / "rootfs"
    for path in SECRETS + KEPT + ["etc/os-release", "dev/null-placeholder", "var/log/syslog"]:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f"content of {path}\n")
    (root / "etc/machine-id").write_text("0123456789abcdef0123456789abcdef\n")
    (root / "opt/whisper-appliance/current").symlink_to("releases/v1.2.3")
    return root


@pytest.fixture
def built(rootfs, tmp_path, lxc_dir):
    output = tmp_path / "out"
    result = subprocess.run(["bash", str(lxc_dir / "build-image.sh"), "--from-rootfs", str(rootfs), "--output", str(output)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    image = output / "whisper-appliance_v1.2.3_amd64.tar.zst"
    assert result.stdout.strip().splitlines()[-1] == str(image)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-I", "zstd", "-xf", str(image), "-C", str(unpacked)], check=True)
    listing = subprocess.run(["tar", "-I", "zstd", "-tf", str(image)], capture_output=True, text=True, check=True)
    return image, unpacked, listing.stdout.splitlines()


def test_the_tarball_has_the_rootfs_at_dot_and_no_dev(built):
    _, _, names = built
    assert names[0] == "./"
    assert all(name.startswith("./") for name in names)
    assert not [name for name in names if name.startswith("./dev")]


def test_the_checksum_file_verifies_the_tarball(built):
    image, _, _ = built
    result = subprocess.run(["sha256sum", "-c", image.name + ".sha256"], cwd=image.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nothing_unique_to_one_machine_is_in_the_image(built):
    _, unpacked, _ = built
    assert [path for path in SECRETS if (unpacked / path).exists()] == []
    assert (unpacked / "etc/machine-id").read_text() == ""
    assert (unpacked / "var/log/syslog").read_text() == ""


def test_the_release_and_the_models_stay_and_the_first_boot_is_flagged(built):
    _, unpacked, _ = built
    assert all((unpacked / path).exists() for path in KEPT)
    assert (unpacked / "etc/whisper-appliance/firstboot-pending").is_file()


def test_the_source_rootfs_is_left_as_it_was(built, rootfs):
    assert all((rootfs / path).exists() for path in SECRETS)
    assert (rootfs / "etc/machine-id").read_text().strip()


def test_it_refuses_a_directory_that_is_not_a_rootfs(tmp_path, lxc_dir):
    result = subprocess.run(["bash", str(lxc_dir / "build-image.sh"), "--from-rootfs", str(tmp_path), "--output",
                             str(tmp_path / "out")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "not a rootfs" in result.stderr
