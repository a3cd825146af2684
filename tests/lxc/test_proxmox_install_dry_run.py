"""lxc/proxmox-install.sh --dry-run: the commands a Proxmox host would run. pct/pveam cannot run
here (no Proxmox VE), so the printed commands are the edge these tests check."""
import re


def pct_create(lines):
    return next(line for line in lines if line.startswith("pct create "))


def test_it_prints_every_pveam_and_pct_command_in_order(dry_run):
    lines = [line for line in dry_run() if line.startswith(("pveam ", "pct "))]
    steps = [" ".join(line.split()[:2]) for line in lines]
    assert steps == ["pveam update", "pveam available", "pveam download", "pct create", "pct start",
                     "pct exec", "pct exec", "pct exec", "pct exec", "pct exec"]
    assert lines[-2].startswith("pct exec 123 -- bash /root/whisper-appliance/lxc/provision-local.sh --repo ")


def test_the_container_is_unprivileged_with_nesting_from_a_debian_template(dry_run):
    create = pct_create(dry_run())
    assert create.startswith("pct create 123 local:vztmpl/debian-12-standard_")
    assert "--unprivileged 1" in create and "--features nesting=1" in create
    assert "--cores 4 --memory 8192 --swap 512 --rootfs local-lvm:32" in create
    assert "--net0 name=eth0,bridge=vmbr0,firewall=1,ip=dhcp" in create


def test_environment_overrides_reach_pct_create(dry_run):
    lines = dry_run(CTID="250", CORES="8", RAM_MB="16384", DISK_GB="64", SWAP_MB="0", STORAGE="fast-zfs",
                    TEMPLATE_STORAGE="nas", BRIDGE="vmbr1", IP="192.168.7.20/24", GATEWAY="192.168.7.1",
                    VLAN="30", HOSTNAME_CT="stt", DEBIAN_VERSION="13", APPLIANCE_REF="v2.0.1")
    create = pct_create(lines)
    assert create.startswith("pct create 250 nas:vztmpl/debian-13-standard_")
    assert "--hostname stt --cores 8 --memory 16384 --swap 0 --rootfs fast-zfs:64" in create
    assert "--net0 name=eth0,bridge=vmbr1,firewall=1,ip=192.168.7.20/24,gw=192.168.7.1,tag=30" in create
    assert "pveam download nas debian-13-standard_<newest>_amd64.tar.zst" in lines
    assert any("git clone --quiet --branch v2.0.1 --depth 1" in line for line in lines)


def test_without_a_ctid_it_asks_proxmox_for_the_next_free_id(dry_run):
    lines = dry_run(CTID=None)
    assert "pvesh get /cluster/nextid" in lines
    assert pct_create(lines).startswith("pct create <next-free-id> ")


def test_gpu_nodes_become_dev_entries_with_the_containers_group_ids(dry_run):
    lines = dry_run(GPU_DEVICES="/dev/nvidia0 /dev/nvidiactl /dev/nvidia-uvm /dev/dri/renderD128 /dev/dri/card0",
                    RENDER_GID="993", VIDEO_GID="44")
    assert [line for line in lines if line.startswith("pct set ")] == [
        "pct set 123 -dev0 /dev/nvidia0,gid=44,mode=0660",
        "pct set 123 -dev1 /dev/nvidiactl,gid=44,mode=0660",
        "pct set 123 -dev2 /dev/nvidia-uvm,gid=44,mode=0660",
        "pct set 123 -dev3 /dev/dri/renderD128,gid=993,mode=0660",
        "pct set 123 -dev4 /dev/dri/card0,gid=44,mode=0660",
    ]
    # The group exists before its gid is read, and the entries apply at the next start.
    assert lines.index("pct exec 123 -- sh -c 'getent group render >/dev/null || groupadd --system render'") \
        < lines.index("pct set 123 -dev0 /dev/nvidia0,gid=44,mode=0660") < lines.index("pct reboot 123")


def test_without_fixed_gids_they_are_read_from_the_container(dry_run):
    lines = dry_run(GPU_DEVICES="/dev/dri/renderD128")
    assert "pct set 123 -dev0 '/dev/dri/renderD128,gid=$(pct exec 123 -- getent group render | cut -d: -f3),mode=0660'" in lines


def test_without_a_gpu_there_are_no_dev_entries(dry_run):
    lines = dry_run(GPU="none")
    assert not [line for line in lines if re.match(r"pct set \S+ -dev\d", line)]
    assert "pct reboot 123" not in lines
