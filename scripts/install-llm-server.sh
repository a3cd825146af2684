#!/usr/bin/env bash
# Installs the real OpenAI-compatible server the LLM tests talk to: llama-cpp-python[server], which
# compiles llama.cpp from source (about 2 minutes on 2 cores). The built wheel is kept in
# ~/.cache/whisper-appliance/wheels, so a machine builds it once and later virtualenvs install it in
# seconds. Usage: scripts/install-llm-server.sh PIP   (the virtualenv's pip)
set -euo pipefail
pip="$1"
version="0.3.16"
wheels="${APPLIANCE_WHEEL_CACHE:-$HOME/.cache/whisper-appliance/wheels}"
mkdir -p "$wheels"

if ! ls "$wheels"/llama_cpp_python-"$version"-*.whl >/dev/null 2>&1; then
    echo "Building llama-cpp-python $version once for this machine (llama.cpp from source, CPU only)"
    started=$(date +%s)
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$pip" wheel --quiet --no-deps "llama-cpp-python==$version" -w "$wheels"
    echo "llama-cpp-python built in $(( $(date +%s) - started )) s"
fi
"$pip" install --quiet --find-links "$wheels" "llama-cpp-python[server]==$version"
