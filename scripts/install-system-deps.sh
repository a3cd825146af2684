#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the appliance and its tests need, and nothing when they are
# all present already (so `make run` and `make test` stay quick on a prepared machine).
# Usage: scripts/install-system-deps.sh [run|test]
set -euo pipefail
profile="${1:-run}"

packages=(python3-venv python3-dev git ffmpeg redis-server ca-certificates)
if [ "$profile" = "test" ]; then
    # espeak-ng makes the speech the tests listen to; sox converts it; gnupg signs test releases;
    # chromium + its driver run the real-browser tests; rsync and zstd pack the LXC image;
    # cmake and g++ build llama.cpp for the LLM tests' server (scripts/install-llm-server.sh).
    packages+=(espeak-ng sox gnupg chromium chromium-driver rsync zstd cmake g++)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
fi
echo "Installing system packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
