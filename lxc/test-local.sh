#!/usr/bin/env bash
# End-to-end test of the appliance in a real local LXC container (`make e2e`). Needs root and a
# Debian host; installs lxc, its templates, debootstrap, zstd and rsync when missing.
#
#  1. snapshots this checkout's working tree (uncommitted changes too) into a temporary bare
#     repository tagged v1.0.0 - the checkout's own git state is never touched
#  2. creates a Debian 12 container sharing the host's network and provisions it from that
#     repository with lxc/provision-local.sh (what the Proxmox one-liner runs inside its container)
#  3. checks from the host over HTTPS: /healthz, HTTP->HTTPS, headers, static files, login, an upload
#     transcribed, a live WebSocket stream, the OpenAI endpoint with a token, the panel's TLS page
#     and nginx reload, then SIGKILL of each service (worker, web, beat, live, Redis) under a running
#     job: each comes back by itself and the job completes once; inside: `python -m updater check`
#     against the upstream with a newer tag
#  4. runs the playbook again and requires changed=0; runs the appliance benchmark suite inside
#  5. packs an image with lxc/build-image.sh, boots a copy and checks that the first boot made new
#     secrets, keys, certificate and admin password, and that the copy serves
#  6. destroys the containers (also on failure or Ctrl-C; E2E_KEEP=1 keeps them for a look)
# Prints PASS/FAIL per check, timings, and exits non-zero when any check failed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checkout=$(cd "$here/.." && pwd)
# shellcheck source=lxc/local-lxc.sh
. "$here/local-lxc.sh"

NAME=${E2E_NAME:-whisper-e2e-$$}
COPY="$NAME-copy"
PYTHON=${E2E_PYTHON:-$checkout/.venv/bin/python}
UPSTREAM_IN=/srv/whisper-appliance-upstream.git
WORK=$(mktemp -d "${TMPDIR:-/tmp}/whisper-e2e.XXXXXX")
RESULTS="$WORK/results.txt"
TIMINGS="$WORK/timings.json"
: >"$RESULTS"

cleanup() {
    local status=$?
    if [ "${E2E_KEEP:-0}" = 1 ]; then
        local_lxc_log "E2E_KEEP=1: keeping $NAME, $COPY and $WORK"
    else
        local_lxc_destroy "$COPY"
        local_lxc_destroy "$NAME"
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT INT TERM

record() { echo "$1 $2${3:+: $3}" | tee -a "$RESULTS"; }
check() {  # check NAME COMMAND...: a failed check is recorded, the run goes on
    local name=$1; shift
    local output
    if output=$("$@" 2>&1); then record PASS "$name" "$(tail -n 1 <<<"$output")"; else record FAIL "$name" "$(tail -n 3 <<<"$output" | tr '\n' ' ')"; fi
}
inside() { local_lxc_attach "$NAME" "$@"; }
# A management command of the running release (the app role's helper: as whisper, with appliance.env).
manage() {
    local container=$1; shift
    local_lxc_attach "$container" whisper-appliance-manage "$@"
}
wait_healthy() {  # wait_healthy SECONDS: /healthz 200 through nginx
    local deadline=$((SECONDS + $1))
    while [ $SECONDS -lt $deadline ]; do
        curl -ksf -o /dev/null https://127.0.0.1/healthz && return 0
        sleep 0.5
    done
    return 1
}
updater_check_sees() {
    local output
    # As root like the updater's unit, with appliance.env read the way systemd reads it.
    output=$(inside sh -c 'while IFS= read -r line; do case "$line" in ""|"#"*) continue ;; esac
        export "${line%%=*}=${line#*=}"; done </etc/whisper-appliance/appliance.env
        cd /opt/whisper-appliance/current && .venv/bin/python -m updater check' 2>&1) || true
    echo "$output"
    grep -q "$1" <<<"$output"
}
provision() {
    inside bash /root/whisper-appliance/lxc/provision-local.sh --repo "$UPSTREAM_IN" --ref v1.0.0 >"$1" 2>&1
}

local_lxc_require_host
for port in 80 443 8000 8088; do
    ! ss -ltnH "sport = :$port" | grep -q . || local_lxc_die "port $port is in use on this host; the container shares the host's network"
done
[ -x "$PYTHON" ] || local_lxc_die "no Python with the dev requirements at $PYTHON (run make test once, or set E2E_PYTHON)"
total_start=$SECONDS

local_lxc_log "snapshot of $checkout -> $WORK/upstream.git (v1.0.0)"
local_lxc_snapshot "$checkout" "$WORK" v1.0.0
local_lxc_config "$WORK/lxc.conf" "$WORK/upstream.git:$UPSTREAM_IN:ro"

local_lxc_log "creating container $NAME"
step=$SECONDS
local_lxc_create "$NAME" "$WORK/lxc.conf"
local_lxc_start "$NAME"
local_lxc_bootstrap "$NAME"
inside git clone -q --branch v1.0.0 "$UPSTREAM_IN" /root/whisper-appliance
create_seconds=$((SECONDS - step))

local_lxc_log "provisioning (log: $WORK/provision-1.log)"
step=$SECONDS
if provision "$WORK/provision-1.log"; then record PASS provisioning "$(grep -A1 'PLAY RECAP' "$WORK/provision-1.log" | tail -n 1 | tr -s ' ')"
else record FAIL provisioning "$(grep -E 'fatal|FAILED|ERROR' "$WORK/provision-1.log" | head -n 3 | tr '\n' ' ')"; fi
provision_seconds=$((SECONDS - step))
check "services running" inside systemctl is-active nginx redis-server whisper-appliance-web whisper-appliance-worker@0 \
    whisper-appliance-beat whisper-appliance-live whisper-appliance-nginx-reload.path whisper-appliance-updater.timer
check "healthz through nginx" wait_healthy 120

local_lxc_log "checks from the host over HTTPS"
espeak-ng -w "$WORK/raw.wav" "This appliance turns speech into text. The transcription runs on the appliance itself."
ffmpeg -loglevel error -y -i "$WORK/raw.wav" -ar 16000 -ac 1 -sample_fmt s16 "$WORK/speech.wav"
# Three minutes of it: a job still running when each service is killed under it.
ffmpeg -loglevel error -y -stream_loop 29 -i "$WORK/speech.wav" -c copy "$WORK/long-speech.wav"
password=$(inside cat /var/lib/whisper-appliance/admin-password 2>/dev/null || true)
token=$(manage "$NAME" create_api_token admin --name e2e 2>/dev/null | tail -n 1 || true)
"$PYTHON" "$here/e2e_checks.py" --password "$password" --token "$token" --speech "$WORK/speech.wav" \
    --long-speech "$WORK/long-speech.wav" --kill-command "lxc-attach -n $NAME -- systemctl kill --signal=SIGKILL" \
    | grep -E '^(PASS|FAIL) ' | tee -a "$RESULTS" || true

local_lxc_log "updater check against the upstream with a newer tag"
git -C "$WORK/snapshot" -c user.name=e2e -c user.email=e2e@localhost commit -q --allow-empty -m "a newer release"
git -C "$WORK/snapshot" tag v1.0.1
git -C "$WORK/snapshot" push -q "$WORK/upstream.git" HEAD:refs/heads/main v1.0.1
check "updater check sees v1.0.1" updater_check_sees v1.0.1

local_lxc_log "second run (must change nothing)"
step=$SECONDS
provision "$WORK/provision-2.log" || true
second_run_seconds=$((SECONDS - step))
recap=$(grep -A1 'PLAY RECAP' "$WORK/provision-2.log" | tail -n 1 | tr -s ' ')
if grep -q 'changed=0 .*failed=0' <<<"$recap"; then record PASS "second run changed=0" "$recap"; else
    record FAIL "second run changed=0" "$recap $(grep -B3 '^changed:' "$WORK/provision-2.log" | grep TASK | tr '\n' ' ')"; fi

local_lxc_log "restart to time container start -> /healthz 200"
lxc-stop -n "$NAME"
boot_start=$(date +%s%N)
lxc-start -n "$NAME"
if wait_healthy 300; then
    boot_ms=$((($(date +%s%N) - boot_start) / 1000000))
    boot_seconds=$((boot_ms / 1000)).$(printf '%03d' $((boot_ms % 1000)))
    record PASS "healthy after a restart" "${boot_seconds}s"
else boot_seconds=null; record FAIL "healthy after a restart" "no /healthz 200 within 300 s"; fi

cat >"$TIMINGS" <<JSON
{"create_container_seconds": $create_seconds, "provision_seconds": $provision_seconds,
 "second_run_seconds": $second_run_seconds, "start_to_healthz_seconds": $boot_seconds}
JSON
local_lxc_log "appliance benchmark suite inside the container"
cp "$TIMINGS" "/var/lib/lxc/$NAME/rootfs/root/e2e-timings.json"
check "benchmark suite appliance" inside sh -c "cd /opt/whisper-appliance/current && \
    APPLIANCE_E2E_TIMINGS=/root/e2e-timings.json .venv/bin/python -m benchmarks run --suite appliance \
    --work-dir /root/benchmarks --json /root/benchmark-appliance.json --markdown /root/benchmark-appliance.md"
cp "/var/lib/lxc/$NAME/rootfs/root/benchmark-appliance.md" "$WORK/" 2>/dev/null && cat "$WORK/benchmark-appliance.md" || true

local_lxc_log "image build and a first boot of a copy"
step=$SECONDS
image=$(bash "$here/build-image.sh" --from-container "$NAME" --output "$WORK/image" | tail -n 1) \
    && record PASS "image built" "$(basename "$image") $(du -h "$image" | cut -f1)" || record FAIL "image built" ""
image_seconds=$((SECONDS - step))
if [ -f "${image:-}" ]; then
    check "image checksum" sh -c "cd '$WORK/image' && sha256sum -c --quiet '$(basename "$image").sha256'"
    check "image has ./ rootfs and no /dev" sh -c "tar -I zstd -tf '$image' | awk 'NR==1 && \$0 !~ /^\\.\\// {bad=1} /^\\.\\/dev\\// {bad=1} END {exit bad}'"
    lxc-stop -n "$NAME"
    mkdir -p "/var/lib/lxc/$COPY/rootfs"
    tar -I zstd -xpf "$image" --numeric-owner -C "/var/lib/lxc/$COPY/rootfs"
    { cat "$WORK/lxc.conf"
      echo "lxc.rootfs.path = dir:/var/lib/lxc/$COPY/rootfs"
      echo "lxc.include = /usr/share/lxc/config/debian.common.conf"
      echo "lxc.uts.name = $COPY"
      echo "lxc.arch = amd64"; } >"/var/lib/lxc/$COPY/config"
    local_lxc_prepare_rootfs "/var/lib/lxc/$COPY/rootfs"
    lxc-start -n "$COPY"
    check "copy healthy after first boot" wait_healthy 300
    old="/var/lib/lxc/$NAME/rootfs" new="/var/lib/lxc/$COPY/rootfs"
    differs() { [ -s "$new/$1" ] && ! cmp -s "$old/$1" "$new/$1"; }
    check "first boot: new machine-id" differs etc/machine-id
    check "first boot: new SSH host key" differs etc/ssh/ssh_host_ed25519_key
    check "first boot: new SECRET_KEY" differs var/lib/whisper-appliance/secret-key
    check "first boot: new admin password" differs var/lib/whisper-appliance/admin-password
    check "first boot: new certificate" differs etc/whisper-appliance/tls/fullchain.pem
    check "first boot: flag removed" test ! -e "$new/etc/whisper-appliance/firstboot-pending"
    "$PYTHON" "$here/e2e_checks.py" --password "$(cat "$new/var/lib/whisper-appliance/admin-password")" \
        --speech "$WORK/speech.wav" --only healthz login | grep -E '^(PASS|FAIL) ' | sed 's/^\(PASS\|FAIL\) /\1 copy: /' | tee -a "$RESULTS" || true
fi

total_seconds=$((SECONDS - total_start))
echo
echo "Timings: container ${create_seconds}s, provisioning ${provision_seconds}s, second run ${second_run_seconds}s," \
     "start->healthz ${boot_seconds}s, image ${image_seconds}s, total ${total_seconds}s"
passed=$(grep -c '^PASS' "$RESULTS" || true)
failed=$(grep -c '^FAIL' "$RESULTS" || true)
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
