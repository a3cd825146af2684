# Shared by lxc/test-local.sh and lxc/build-image.sh (sourced, not run): a Debian container on this
# host made with plain LXC, sharing the host's network, provisioned by the project's own playbook.
# Needs root, lxc and debootstrap.

# The host's trust store and pip configuration are handed to the container under these names so
# that it reaches the package registries exactly like the host does (a proxy with its own CA, a
# local mirror); lxc/build-image.sh removes them again before an image is packed.
LOCAL_LXC_CA_FILE=usr/local/share/ca-certificates/whisper-build-host-ca.crt
LOCAL_LXC_PIP_CONF=etc/pip.conf
LOCAL_LXC_MARKER=etc/whisper-appliance-build-host

local_lxc_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
local_lxc_die() { local_lxc_log "ERROR: $*"; exit 1; }

local_lxc_require_host() {
    [ "$(id -u)" -eq 0 ] || local_lxc_die "run as root (LXC containers need it)"
    local missing=()
    command -v lxc-create >/dev/null || missing+=(lxc)
    # The debian template comes apart from lxc, as a recommendation that a minimal install skips.
    [ -e /usr/share/lxc/templates/lxc-debian ] || missing+=(lxc-templates)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v zstd >/dev/null || missing+=(zstd)
    command -v rsync >/dev/null || missing+=(rsync)
    if [ ${#missing[@]} -gt 0 ]; then
        local_lxc_log "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# Paths the host's pip configuration points at (find-links, file:// indexes): bind-mounted
# read-only so the container's pip sees the same local wheels.
local_lxc_pip_paths() {
    [ -f /etc/pip.conf ] || return 0
    grep -oE '(file://)?/[^ ]+' /etc/pip.conf | sed 's#^file://##; s#/simple/*$#/simple#' | while read -r path; do
        path=${path%/}
        [ -d "$path" ] && [ "$path" != /etc/ssl/certs ] && echo "$path"
    done | sort -u
}

# local_lxc_config FILE [HOST_DIR:CONTAINER_DIR[:ro]]...
local_lxc_config() {
    local file=$1; shift
    {
        echo "# Host networking: the container shares the host's network namespace."
        echo "lxc.net.0.type = none"
        echo "lxc.apparmor.profile = unconfined"
        local path
        for path in $(local_lxc_pip_paths); do
            echo "lxc.mount.entry = $path ${path#/} none bind,ro,create=dir 0 0"
        done
        local mount host target options
        for mount in "$@"; do
            IFS=: read -r host target options <<<"$mount"
            echo "lxc.mount.entry = $host ${target#/} none bind,${options:-rw},create=dir 0 0"
        done
    } >"$file"
}

# local_lxc_create NAME CONFIG: a Debian 12 container (about a minute the first time, then the
# template's cached rootfs is copied).
local_lxc_create() {
    local name=$1 config=$2
    lxc-create -n "$name" -t debian -f "$config" -- -r bookworm >/dev/null 2>&1 \
        || local_lxc_die "lxc-create $name failed (run: lxc-create -n test -t debian -- -r bookworm)"
    local_lxc_prepare_rootfs "/var/lib/lxc/$name/rootfs"
}

local_lxc_prepare_rootfs() {
    local rootfs=$1
    # With the host's network namespace, ifupdown must not run DHCP on the host's interface.
    printf 'auto lo\niface lo inet loopback\n' >"$rootfs/etc/network/interfaces"
    # Debian 12's lxc-templates still writes the security suite as "bookworm/updates", its name
    # before bullseye; apt then fails on the missing Release file.
    [ -f "$rootfs/etc/apt/sources.list" ] \
        && sed -i -E 's#^(deb(-src)? [^ ]*debian-security/?) ([a-z]+)/updates#\1 \3-security#' "$rootfs/etc/apt/sources.list"
    install -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/$LOCAL_LXC_CA_FILE"
    [ -f /etc/pip.conf ] && install -m 0644 /etc/pip.conf "$rootfs/$LOCAL_LXC_PIP_CONF"
    echo "made by lxc/local-lxc.sh on $(hostname) $(date -u +%FT%TZ)" >"$rootfs/$LOCAL_LXC_MARKER"
}

# Runs a command inside with a clean environment (the host's variables stay outside).
local_lxc_attach() {
    local name=$1; shift
    lxc-attach -n "$name" --clear-env \
        --set-var PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --set-var LANG=C.UTF-8 --set-var HOME=/root --set-var DEBIAN_FRONTEND=noninteractive \
        -- "$@"
}

local_lxc_start() {
    local name=$1 deadline=$((SECONDS + ${2:-180})) state
    lxc-start -n "$name" || local_lxc_die "lxc-start $name failed"
    while [ $SECONDS -lt $deadline ]; do
        state=$(local_lxc_attach "$name" systemctl is-system-running 2>/dev/null || true)
        case "$state" in
            running|degraded) return 0 ;;
        esac
        sleep 1
    done
    local_lxc_die "$name did not finish booting (systemd says: ${state:-nothing})"
}

local_lxc_destroy() {
    local name=$1
    lxc-info -n "$name" >/dev/null 2>&1 || return 0
    lxc-stop -n "$name" -k >/dev/null 2>&1 || true
    lxc-destroy -n "$name" >/dev/null 2>&1 || true
}

# Trust the host's CA bundle and install git inside: what provision-local.sh needs to start.
local_lxc_bootstrap() {
    local name=$1
    local_lxc_attach "$name" update-ca-certificates >/dev/null
    local_lxc_attach "$name" sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends git ca-certificates >/dev/null'
}

# local_lxc_snapshot SOURCE_CHECKOUT WORK_DIR TAG: a bare repository holding one commit with the
# checkout's working tree as it is now (uncommitted changes included), tagged TAG. The checkout's
# own git state is never touched: everything happens in a temporary clone.
local_lxc_snapshot() {
    local source=$1 work=$2 tag=$3
    local clone="$work/snapshot"
    rm -rf "$clone" "$work/upstream.git"
    if git -C "$source" rev-parse --verify -q HEAD >/dev/null; then
        git clone -q --no-tags "$source" "$clone"
    else
        git init -q "$clone"
    fi
    # Make the clone's tree equal the working tree: drop everything, copy what git would see.
    git -C "$clone" rm -r -q --cached --ignore-unmatch . >/dev/null
    find "$clone" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    (cd "$source" && git ls-files -z --cached --others --exclude-standard \
        | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh \
        | rsync -a --from0 --files-from=- ./ "$clone/")
    git -C "$clone" add -A
    git -C "$clone" -c user.name=e2e -c user.email=e2e@localhost commit -q --allow-empty -m "working tree snapshot for $tag"
    git -C "$clone" tag "$tag"
    git clone -q --bare "$clone" "$work/upstream.git"
}
