#!/usr/bin/env bash
# Provisions THIS machine (a Debian 12/13 container, as root) as a Whisper Appliance with the
# playbook of the checkout this script sits in. lxc/proxmox-install.sh runs it inside the new
# container; lxc/test-local.sh and lxc/build-image.sh run it inside local LXC containers.
#
# Usage: lxc/provision-local.sh --repo URL --ref TAG [ansible-playbook options...]
#   --repo   where the appliance's releases come from (git URL or path; the updater keeps using it)
#   --ref    the release to install (a tag such as v1.2.0, or a commit)
# Environment: ANSIBLE_CORE_VERSION (default 2.19.14), ANSIBLE_VENV (default /opt/whisper-appliance-ansible)
set -euo pipefail

ANSIBLE_CORE_VERSION=${ANSIBLE_CORE_VERSION:-2.19.14}
ANSIBLE_VENV=${ANSIBLE_VENV:-/opt/whisper-appliance-ansible}
checkout=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo="" ref=""

while [ $# -gt 0 ]; do
    case "$1" in
        --repo) repo=${2:?--repo needs a URL}; shift 2 ;;
        --ref) ref=${2:?--ref needs a tag or commit}; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) break ;;
    esac
done
[ -n "$repo" ] && [ -n "$ref" ] || { echo "usage: $0 --repo URL --ref TAG [ansible-playbook options]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "$0: run as root inside the appliance container" >&2; exit 1; }

# Only what ansible itself needs; the playbook installs everything else.
if ! command -v git >/dev/null || ! python3 -c 'import ensurepip' 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends git python3-venv ca-certificates >/dev/null
fi
if [ "$("$ANSIBLE_VENV/bin/ansible-playbook" --version 2>/dev/null | sed -n 's/.*core \([0-9.]*\).*/\1/p')" != "$ANSIBLE_CORE_VERSION" ]; then
    echo "Installing ansible-core $ANSIBLE_CORE_VERSION into $ANSIBLE_VENV"
    python3 -m venv "$ANSIBLE_VENV"
    "$ANSIBLE_VENV/bin/pip" install --quiet --disable-pip-version-check "ansible-core==$ANSIBLE_CORE_VERSION"
fi

cd "$checkout/provisioning"
ANSIBLE_CONFIG="$checkout/provisioning/ansible.cfg" ANSIBLE_FORCE_COLOR=0 \
    "$ANSIBLE_VENV/bin/ansible-playbook" -i inventory/local.ini site.yml \
    -e "appliance_repo_url=$repo" -e "appliance_version=$ref" "$@"
