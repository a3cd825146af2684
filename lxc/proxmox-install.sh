#!/usr/bin/env bash
# Whisper Appliance for Proxmox VE: run on the PVE host as root, e.g.
#   bash -c "$(curl -fsSL https://<where this project is published>/lxc/proxmox-install.sh)"
# Creates an unprivileged Debian 12 container (nesting=1), optionally passes NVIDIA or /dev/dri
# GPUs through, provisions it with the project's Ansible playbook at a pinned tag and prints the
# URL and the admin password.
#
#   --dry-run   print every pct/pveam command instead of running it (needs neither Proxmox nor root)
#   --help      this text
#
# Everything can be overridden by environment variables:
#   CTID (next free id)  HOSTNAME_CT (whisper)  CORES (4)  RAM_MB (8192)  SWAP_MB (512)  DISK_GB (32)
#   STORAGE (local-lvm)  TEMPLATE_STORAGE (local)  BRIDGE (vmbr0)  IP (dhcp, or CIDR)  GATEWAY  VLAN
#   DEBIAN_VERSION (12)  APPLIANCE_REPO  APPLIANCE_REF (the pinned release)
#   GPU (auto | nvidia | dri | none)  GPU_DEVICES (explicit device nodes, space separated)
#   RENDER_GID / VIDEO_GID (the container's render/video group ids; read from the container if unset)
set -euo pipefail

APPLIANCE_REPO=${APPLIANCE_REPO:-https://github.com/whisper-appliance/whisper-appliance.git}
APPLIANCE_REF=${APPLIANCE_REF:-v0.1.0}
HOSTNAME_CT=${HOSTNAME_CT:-whisper}
CORES=${CORES:-4}
RAM_MB=${RAM_MB:-8192}
SWAP_MB=${SWAP_MB:-512}
DISK_GB=${DISK_GB:-32}
STORAGE=${STORAGE:-local-lvm}
TEMPLATE_STORAGE=${TEMPLATE_STORAGE:-local}
BRIDGE=${BRIDGE:-vmbr0}
IP=${IP:-dhcp}
GATEWAY=${GATEWAY:-}
VLAN=${VLAN:-}
DEBIAN_VERSION=${DEBIAN_VERSION:-12}
GPU=${GPU:-auto}
GPU_DEVICES=${GPU_DEVICES:-}
RENDER_GID=${RENDER_GID:-}
VIDEO_GID=${VIDEO_GID:-}
DRY_RUN=0

die() { echo "proxmox-install: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

for argument in "$@"; do
    case "$argument" in
        --dry-run) DRY_RUN=1 ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $argument (see --help)" ;;
    esac
done

# Every command that changes the host goes through here, so --dry-run shows all of them.
run() {
    if [ "$DRY_RUN" = 1 ]; then
        local argument line=""
        for argument in "$@"; do
            if [[ "$argument" =~ ^[][A-Za-z0-9_@%+=:,./\<\>-]+$ ]]; then
                line+=" $argument"
            else
                line+=" '${argument//\'/\'\\\'\'}'"
            fi
        done
        echo "${line# }"
    else
        "$@"
    fi
}

check_number() { [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -gt 0 ] || die "$1 must be a positive whole number, got '$2'"; }
check_settings() {
    check_number CORES "$CORES"
    check_number RAM_MB "$RAM_MB"
    check_number DISK_GB "$DISK_GB"
    [[ "$SWAP_MB" =~ ^[0-9]+$ ]] || die "SWAP_MB must be a whole number, got '$SWAP_MB'"
    [ -z "${CTID:-}" ] || [[ "$CTID" =~ ^[1-9][0-9]{2,8}$ ]] || die "CTID must be a number from 100 up, got '$CTID'"
    [[ "$HOSTNAME_CT" =~ ^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$ ]] || die "HOSTNAME_CT '$HOSTNAME_CT' is not a valid host name"
    [ "$IP" = dhcp ] || [[ "$IP" =~ ^[0-9.]+/[0-9]+$ ]] || die "IP must be dhcp or an address in CIDR form (192.168.1.50/24), got '$IP'"
    [ -z "$VLAN" ] || [[ "$VLAN" =~ ^[0-9]+$ ]] || die "VLAN must be a number, got '$VLAN'"
    case "$GPU" in auto|nvidia|dri|none) ;; *) die "GPU must be auto, nvidia, dri or none, got '$GPU'" ;; esac
    case "$DEBIAN_VERSION" in 12|13) ;; *) die "DEBIAN_VERSION must be 12 or 13, got '$DEBIAN_VERSION'" ;; esac
}

check_host() {
    [ "$(id -u)" -eq 0 ] || die "run this as root on the Proxmox VE host"
    command -v pveversion >/dev/null && command -v pct >/dev/null && [ -d /etc/pve ] \
        || die "this is not a Proxmox VE host (no pveversion/pct or /etc/pve): run it on the PVE node itself, or try --dry-run"
}

# --- GPU -----------------------------------------------------------------------------------------
gpu_nodes() {
    if [ -n "$GPU_DEVICES" ]; then
        printf '%s\n' $GPU_DEVICES
        return
    fi
    local kind=$GPU
    if [ "$kind" = auto ]; then
        kind=none
        [ -e /dev/nvidia0 ] && kind=nvidia
    fi
    case "$kind" in
        nvidia) ls -1 /dev/nvidia[0-9]* /dev/nvidiactl /dev/nvidia-uvm /dev/nvidia-uvm-tools 2>/dev/null || true ;;
        dri) ls -1 /dev/dri/renderD* /dev/dri/card* 2>/dev/null || true ;;
    esac
}

# The group a node belongs to inside the container: render for render nodes, video otherwise
# (NVIDIA nodes and /dev/dri/card*), so the appliance user gets in through its groups.
group_gid() {
    local group=$1 fixed=$2
    if [ -n "$fixed" ]; then
        echo "$fixed"
    elif [ "$DRY_RUN" = 1 ]; then
        echo "\$(pct exec $CTID -- getent group $group | cut -d: -f3)"
    else
        pct exec "$CTID" -- getent group "$group" | cut -d: -f3
    fi
}

passthrough_gpu() {
    local nodes
    mapfile -t nodes < <(gpu_nodes)
    if [ ${#nodes[@]} -eq 0 ]; then
        say "no GPU passed through (GPU=$GPU): the appliance runs on CPU"
        return
    fi
    say "passing ${#nodes[@]} GPU device node(s) through: ${nodes[*]}"
    # Debian has no render group until something creates it; make it before reading its gid.
    run pct exec "$CTID" -- sh -c 'getent group render >/dev/null || groupadd --system render'
    local render video index=0 node gid
    render=$(group_gid render "$RENDER_GID")
    video=$(group_gid video "$VIDEO_GID")
    for node in "${nodes[@]}"; do
        case "$node" in
            /dev/dri/renderD*) gid=$render ;;
            *) gid=$video ;;
        esac
        run pct set "$CTID" "-dev$index" "$node,gid=$gid,mode=0660"
        index=$((index + 1))
    done
    # The devN entries take effect at the next start.
    run pct reboot "$CTID"
    wait_for_network
}

# --- container -----------------------------------------------------------------------------------
pick_template() {
    run pveam update
    if [ "$DRY_RUN" = 1 ]; then
        TEMPLATE="debian-$DEBIAN_VERSION-standard_<newest>_amd64.tar.zst"
        echo "pveam available --section system | grep debian-$DEBIAN_VERSION-standard  # picks the newest: $TEMPLATE"
    else
        TEMPLATE=$(pveam available --section system | awk '{print $2}' | grep "^debian-$DEBIAN_VERSION-standard_" | sort -V | tail -n 1)
        [ -n "$TEMPLATE" ] || die "pveam lists no debian-$DEBIAN_VERSION-standard template"
    fi
    # pveam checks the download against the checksum of its signed index.
    if [ "$DRY_RUN" = 1 ] || ! pveam list "$TEMPLATE_STORAGE" | grep -q "$TEMPLATE"; then
        run pveam download "$TEMPLATE_STORAGE" "$TEMPLATE"
    fi
}

network_option() {
    local net="name=eth0,bridge=$BRIDGE,firewall=1"
    if [ "$IP" = dhcp ]; then
        net="$net,ip=dhcp"
    else
        net="$net,ip=$IP"
        [ -n "$GATEWAY" ] && net="$net,gw=$GATEWAY"
    fi
    [ -n "$VLAN" ] && net="$net,tag=$VLAN"
    echo "$net"
}

create_container() {
    if [ -z "${CTID:-}" ]; then
        if [ "$DRY_RUN" = 1 ]; then
            echo "pvesh get /cluster/nextid"
            CTID='<next-free-id>'
        else
            CTID=$(pvesh get /cluster/nextid)
        fi
    elif [ "$DRY_RUN" = 0 ] && pct status "$CTID" >/dev/null 2>&1; then
        die "a guest with id $CTID exists already: choose another CTID"
    fi
    run pct create "$CTID" "$TEMPLATE_STORAGE:vztmpl/$TEMPLATE" \
        --hostname "$HOSTNAME_CT" --cores "$CORES" --memory "$RAM_MB" --swap "$SWAP_MB" \
        --rootfs "$STORAGE:$DISK_GB" --net0 "$(network_option)" \
        --unprivileged 1 --features nesting=1 --onboot 1 --ostype debian \
        --tags whisper-appliance --description "Whisper Appliance $APPLIANCE_REF"
    run pct start "$CTID"
    wait_for_network
}

wait_for_network() {
    # Provisioning needs the package registries: wait until the container resolves and reaches them.
    run pct exec "$CTID" -- sh -c 'for i in $(seq 90); do getent hosts deb.debian.org >/dev/null && exit 0; sleep 2; done; echo "no network after 3 minutes" >&2; exit 1'
}

provision() {
    run pct exec "$CTID" -- sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git ca-certificates python3-venv'
    run pct exec "$CTID" -- git clone --quiet --branch "$APPLIANCE_REF" --depth 1 "$APPLIANCE_REPO" /root/whisper-appliance
    run pct exec "$CTID" -- bash /root/whisper-appliance/lxc/provision-local.sh --repo "$APPLIANCE_REPO" --ref "$APPLIANCE_REF"
}

report() {
    if [ "$DRY_RUN" = 1 ]; then
        echo "pct exec $CTID -- cat /var/lib/whisper-appliance/admin-password  # shown with the URL"
        return
    fi
    local address password
    address=$(pct exec "$CTID" -- hostname -I | awk '{print $1}')
    password=$(pct exec "$CTID" -- cat /var/lib/whisper-appliance/admin-password)
    cat <<TXT

Whisper Appliance is ready in container $CTID.
  Open:      https://$address/   (a self-signed certificate: replace it in the panel, TLS page)
  Log in:    admin / $password
  The password is also in /var/lib/whisper-appliance/admin-password inside the container.
TXT
}

check_settings
if [ "$DRY_RUN" = 1 ]; then
    say "dry run: printing the commands instead of running them"
else
    check_host
fi
pick_template
create_container
passthrough_gpu
provision
report
