#!/usr/bin/env bash
# Builds a Proxmox VE container template of Whisper Appliance:
#   whisper-appliance_<version>_amd64.tar.zst  +  .sha256
# a Debian 12 rootfs provisioned by provisioning/site.yml inside a local LXC container, cleaned of
# everything that must differ between two copies (machine-id, SSH host keys, secrets, database,
# certificate, logs, apt lists, caches); the first boot of a copy makes them new (firstboot role).
# The tarball has the rootfs at ./ and no /dev, like Proxmox's own templates.
#
# Usage (root, on a Debian host with lxc + debootstrap, like lxc/test-local.sh):
#   lxc/build-image.sh [--output DIR] [--repo URL --ref TAG]
#       build a fresh container (default source: this checkout's working tree, tagged --ref)
#   lxc/build-image.sh --from-container NAME [--output DIR]
#       pack an already provisioned local container (stopped for the copy, left as it was)
#   lxc/build-image.sh --from-rootfs DIR [--output DIR]
#       clean and pack a copy of a rootfs directory
# Upload: scp the .tar.zst to /var/lib/vz/template/cache/ on the PVE host, then
#   pct create <id> local:vztmpl/whisper-appliance_<version>_amd64.tar.zst --unprivileged 1 --features nesting=1 ...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lxc/local-lxc.sh
. "$here/local-lxc.sh"

output=$PWD source_container="" source_rootfs="" repo="" ref="v0.0.0-image"
ZSTD_LEVEL=${ZSTD_LEVEL:-6}
while [ $# -gt 0 ]; do
    case "$1" in
        --output) output=${2:?}; shift 2 ;;
        --from-container) source_container=${2:?}; shift 2 ;;
        --from-rootfs) source_rootfs=${2:?}; shift 2 ;;
        --repo) repo=${2:?}; shift 2 ;;
        --ref) ref=${2:?}; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) local_lxc_die "unknown option $1 (see --help)" ;;
    esac
done
[ "$(id -u)" -eq 0 ] || local_lxc_die "run as root (the rootfs holds files of many owners)"
mkdir -p "$output"
output=$(cd "$output" && pwd)

# Whatever this run made is removed on any exit: the staging copy, a build container and its files.
staging="" build_container="" work=""
cleanup() {
    [ -n "$staging" ] && rm -rf "$staging"
    [ -n "$build_container" ] && local_lxc_destroy "$build_container"
    [ -n "$work" ] && rm -rf "$work"
    return 0
}
trap cleanup EXIT

# Removes from a rootfs copy whatever is unique to one machine or was only needed to build it.
clean_rootfs() {
    local root=$1
    [ -f "$root/etc/os-release" ] || local_lxc_die "$root has no etc/os-release: not a rootfs"
    : >"$root/etc/machine-id"
    rm -f "$root/var/lib/dbus/machine-id"
    rm -f "$root"/etc/ssh/ssh_host_*
    local data="$root/var/lib/whisper-appliance"
    rm -f "$data/secret-key" "$data/admin-password" "$data"/db.sqlite3* "$data"/celerybeat-schedule*
    rm -f "$root"/etc/whisper-appliance/tls/*.pem "$root/etc/whisper-appliance/tls/reload-request"
    rm -f "$root/etc/whisper-appliance/redis-password"
    find "$data/media" "$data/tmp" "$data/backups" -mindepth 1 -delete 2>/dev/null || true
    find "$root/var/lib/redis" -mindepth 1 -delete 2>/dev/null || true
    # The host's CA and pip settings handed in for the build (lxc/local-lxc.sh) stay behind.
    if [ -f "$root/$LOCAL_LXC_MARKER" ]; then
        rm -f "$root/$LOCAL_LXC_CA_FILE" "$root/$LOCAL_LXC_PIP_CONF" "$root/$LOCAL_LXC_MARKER"
        [ -x "$root/usr/sbin/update-ca-certificates" ] && chroot "$root" update-ca-certificates --fresh >/dev/null 2>&1
        printf 'auto lo\niface lo inet loopback\n\nauto eth0\niface eth0 inet dhcp\n' >"$root/etc/network/interfaces"
    fi
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
    rm -rf "$root"/opt/whisper-appliance/cache/pip/* "$root"/root/.cache "$root"/root/.ansible
    rm -rf "$root"/tmp/* "$root"/var/tmp/* "$root"/root/.bash_history
    find "$root/var/log" -type f \( -name '*.gz' -o -name '*.[0-9]' -o -name '*.old' \) -delete 2>/dev/null || true
    find "$root/var/log" -type f -exec truncate -s 0 {} + 2>/dev/null || true
    rm -rf "$root"/var/log/journal/*
    rm -rf "$root/dev"
    mkdir -p "$root/etc/whisper-appliance"
    echo "made by lxc/build-image.sh; the first boot of a copy regenerates its secrets" >"$root/etc/whisper-appliance/firstboot-pending"
}

image_version() {
    local root=$1 link
    link=$(readlink "$root/opt/whisper-appliance/current" 2>/dev/null || true)
    [ -n "$link" ] || local_lxc_die "$root has no /opt/whisper-appliance/current: is it provisioned?"
    basename "$link"
}

pack_rootfs() {
    local root=$1 version name
    version=$(image_version "$root")
    name="whisper-appliance_${version}_amd64.tar.zst"
    local_lxc_log "packing $name"
    tar --numeric-owner --xattrs --acls -C "$root" -cf - --exclude=./dev . \
        | zstd -q -T0 "-$ZSTD_LEVEL" -o "$output/$name.partial"
    mv -f "$output/$name.partial" "$output/$name"
    (cd "$output" && sha256sum "$name" >"$name.sha256")
    echo "$output/$name"
}

# A copy, so the source (a container or a directory) is never changed.
pack_copy_of() {
    local source=$1
    staging=$(mktemp -d "${TMPDIR:-/tmp}/whisper-image.XXXXXX")
    rsync -aHAX --numeric-ids "$source/" "$staging/rootfs/"
    clean_rootfs "$staging/rootfs"
    pack_rootfs "$staging/rootfs"
}

if [ -n "$source_rootfs" ]; then
    pack_copy_of "$source_rootfs"
elif [ -n "$source_container" ]; then
    local_lxc_require_host
    was_running=$(lxc-info -n "$source_container" -s 2>/dev/null | awk '{print $2}')
    [ -n "$was_running" ] || local_lxc_die "no local container $source_container"
    lxc-stop -n "$source_container" >/dev/null 2>&1 || true
    pack_copy_of "/var/lib/lxc/$source_container/rootfs"
    if [ "$was_running" = RUNNING ]; then local_lxc_start "$source_container"; fi
else
    local_lxc_require_host
    name="whisper-image-$$"
    build_container=$name
    work=$(mktemp -d "${TMPDIR:-/tmp}/whisper-image-build.XXXXXX")
    if [ -z "$repo" ]; then
        local_lxc_snapshot "$(cd "$here/.." && pwd)" "$work" "$ref"
        upstream="$work/upstream.git"
    else
        upstream=$repo
    fi
    mounts=()
    [ -d "$upstream" ] && mounts+=("$upstream:/srv/whisper-appliance-upstream.git:ro") && upstream=/srv/whisper-appliance-upstream.git
    local_lxc_config "$work/lxc.conf" "${mounts[@]}"
    local_lxc_create "$name" "$work/lxc.conf"
    local_lxc_start "$name"
    local_lxc_bootstrap "$name"
    local_lxc_attach "$name" git clone -q --branch "$ref" "$upstream" /root/whisper-appliance
    local_lxc_attach "$name" bash /root/whisper-appliance/lxc/provision-local.sh --repo "$upstream" --ref "$ref"
    lxc-stop -n "$name"
    pack_copy_of "/var/lib/lxc/$name/rootfs"
fi
