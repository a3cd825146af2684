"""Self-updater: what an update costs the transcriptions running beside it, and how long it takes.

Throughput of a transcription alone vs while the updater checks and stages a release (a fresh
venv with a real dependency install from a local wheelhouse), alternated A/B in fresh processes;
then the wall time of a full update (check to healthy) and of a rollback in a sandbox layout
(updater/sandbox.py: a stand-in application released in a local git repository).
"""
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

from benchmarks.abtest import alternate, compare
from benchmarks.machine import usable_cores
from benchmarks.process import run_measured
from benchmarks.speech import reference_speech, wav_seconds
from updater import sandbox
from updater.priority import systemd_can_scope

NAME = "updater"
DESCRIPTION = ("Transcription throughput alone vs while the updater checks and stages a release with a real "
               "dependency install (alternated); wall time of a full update and of a rollback.")

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SEED_MAX_OVERHEAD, GOAL_MAX_OVERHEAD = 0.05, 0.02
FULL_SECONDS, QUICK_SECONDS = 300.0, 10.0
FULL_PAIRS, QUICK_PAIRS = 3, 1
# The web stack of pyproject.toml: pure-Python wheels, thousands of files to unpack and compile.
WEB_STACK = {"django", "channels", "channels-redis", "daphne", "twisted", "celery", "kombu", "redis", "psutil"}
TIMEOUT_SECONDS = 1800


def _environment():
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPOSITORY_ROOT), environment.get("PYTHONPATH")]))
    return environment


def _speech(directory, seconds, log):
    name = f"reference-{int(seconds)}s.wav"
    if not (directory / name).is_file():
        log(f"making {seconds:.0f} s of reference speech with espeak-ng")
        reference_speech(directory, seconds, name=name)
    return directory / name


def _pins(which):
    dependencies = tomllib.loads((REPOSITORY_ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    if which == "all":
        return dependencies
    return [pin for pin in dependencies if pin.split("==")[0].lower() in WEB_STACK]


def _standin_wheel(directory):
    """A one-module wheel built here: what the install falls back to when no registry is reachable."""
    source = directory / "standin-source"
    (source / "wa_updater_standin").mkdir(parents=True, exist_ok=True)
    (source / "wa_updater_standin" / "__init__.py").write_text("")
    (source / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools"]\n'
                                           'build-backend = "setuptools.build_meta"\n'
                                           '[project]\nname = "wa-updater-standin"\nversion = "1.0"\n')
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(directory / "wheelhouse"), str(source)], check=True)
    return ["wa-updater-standin==1.0"], ["wa_updater_standin"]


def _wheelhouse(directory, quick, which, log):
    """(requirements, modules the stand-in imports, note). Real wheels are downloaded once and kept."""
    wheelhouse = directory / "wheelhouse"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    if quick:
        return (*_standin_wheel(directory), "quick mode: the dependency install is one small local wheel")
    pins = _pins(which)
    stamp = wheelhouse / "pins.json"
    if not stamp.is_file() or json.loads(stamp.read_text()) != pins:
        log(f"downloading {len(pins)} pinned requirements and their dependencies into {wheelhouse}")
        result = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
                                 "--dest", str(wheelhouse), *pins], capture_output=True, text=True)
        if result.returncode != 0:
            requirements, modules = _standin_wheel(directory)
            return requirements, modules, f"no package registry reachable, so only a stand-in wheel: " \
                                          f"{result.stderr.strip()[-200:]}"
        stamp.write_text(json.dumps(pins))
    wheels = len(list(wheelhouse.glob("*.whl")))
    return pins, ["django"], f"{len(pins)} pinned requirements of pyproject.toml, {wheels} wheels in all"


class Sandbox:
    """A release root under `directory` with its own upstream and its stand-in served on a free port."""

    def __init__(self, directory, wheelhouse, requirements, modules):
        shutil.rmtree(directory, ignore_errors=True)
        self.upstream = sandbox.Upstream(directory, requirements, modules)
        self.upstream.release("v1.0.0", "Release v1.0.0")
        self.upstream.commit("v1.1.0", "A change worth releasing")
        self.upstream.release("v1.1.0", "Release v1.1.0")
        self.root = directory / "root"
        (self.root / "cache").mkdir(parents=True)
        (self.root / "cache" / "wheelhouse").symlink_to(wheelhouse)
        (self.root / "data").mkdir()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        settings = sandbox.sandbox_settings(str(self.upstream.bare), port, [
            sandbox.pip_install_command("--no-index", "--find-links", "{wheelhouse}", "--cache-dir", "{pip_cache}")])
        self.config = self.root / "updater.json"
        self.config.write_text(json.dumps({**settings, "health_timeout_seconds": 120}))

    def updater(self, *arguments):
        """Run the CLI; returns (wall seconds, the --json result)."""
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "updater", *arguments, "--json", "--config", str(self.config)],
                                cwd=REPOSITORY_ROOT, env=_environment(), capture_output=True, text=True,
                                timeout=TIMEOUT_SECONDS)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"updater {' '.join(arguments)} failed ({result.returncode}): {result.stderr[-2000:]}")
        return wall, json.loads(result.stdout)

    def close(self):
        sandbox.stop(self.root / "data")


def _transcribe(audio, data_dir, threads):
    command = [sys.executable, "-m", "benchmarks.suites._engine_subjects", "engine", "--audio", str(audio),
               "--model", "tiny.en", "--data-dir", str(data_dir), "--threads", str(threads),
               "--batch-size", "8", "--beam-size", "1", "--compute-type", "int8"]
    measured = run_measured(command, env=_environment(), cwd=REPOSITORY_ROOT, timeout=TIMEOUT_SECONDS)
    if measured.returncode != 0:
        raise RuntimeError(f"transcription failed ({measured.returncode}): {measured.stderr[-2000:]}")
    figures = json.loads(measured.stdout.strip().splitlines()[-1])
    return {"throughput": figures["audio_seconds"] / figures["transcribe_seconds"],
            "transcribe_seconds": figures["transcribe_seconds"], "process_seconds": measured.wall_seconds}


def _subjects(directory, audio, wheel_setup, threads, log):
    data_dir = directory / "engine-data"
    counter = iter(range(1000))

    def alone():
        # The same sandbox set-up as the other side (git repositories, files), just no updater run.
        box = Sandbox(directory / f"sandbox-{next(counter)}", *wheel_setup)
        try:
            return {**_transcribe(audio, data_dir, threads), "updater_seconds": None, "stage_seconds": None}
        finally:
            box.close()

    def while_updating():
        box = Sandbox(directory / f"sandbox-{next(counter)}", *wheel_setup)
        outcome = {}

        def update():
            check_wall, _ = box.updater("check")
            stage_wall, staged = box.updater("apply", "--stage-only")
            outcome.update(wall=check_wall + stage_wall, staged=staged)

        updater = threading.Thread(target=update)
        updater.start()
        try:
            figures = _transcribe(audio, data_dir, threads)
        finally:
            updater.join(TIMEOUT_SECONDS)
            box.close()
        if outcome.get("staged", {}).get("status") != "staged":
            raise RuntimeError(f"the updater did not stage the release: {outcome}")
        stage = next(s for s in outcome["staged"]["steps"] if s["name"] == "stage")
        log(f"updater: check + stage took {outcome['wall']:.1f} s beside a {figures['process_seconds']:.1f} s "
            f"transcription process")
        return {**figures, "updater_seconds": outcome["wall"], "stage_seconds": stage["duration_seconds"]}

    return {"alone": alone, "while-updating": while_updating}


def _update_and_rollback(directory, wheel_setup, log):
    box = Sandbox(directory / "sandbox-walltime", *wheel_setup)
    try:
        box.updater("apply", "--version", "v1.0.0")
        update_wall, update = box.updater("apply")
        rollback_wall, rollback = box.updater("rollback")
    finally:
        box.close()
    log(f"full update {update_wall:.1f} s, rollback {rollback_wall:.1f} s")
    return update_wall, update, rollback_wall, rollback


def _steps_row(label, wall, record):
    steps = {step["name"]: step["duration_seconds"] for step in record["steps"]}
    return [label, record["status"], round(wall, 2), round(record["duration_seconds"], 2),
            ", ".join(f"{name} {seconds:.2f}" for name, seconds in steps.items())]


def run(options):
    directory = options.work_dir / NAME
    directory.mkdir(parents=True, exist_ok=True)
    seconds = options.number("seconds", QUICK_SECONDS if options.quick else FULL_SECONDS)
    pairs = options.number("pairs", QUICK_PAIRS if options.quick else FULL_PAIRS)
    threads = options.number("threads", usable_cores())
    options.plan(2 + 2 * pairs + 1)  # wheelhouse, speech, the pairs, update + rollback
    requirements, modules, install_note = _wheelhouse(directory, options.quick, options.text("requirements", "web"),
                                                      options.log)
    wheel_setup = (directory / "wheelhouse", requirements, modules)
    options.advance("wheelhouse ready")
    audio = _speech(directory, seconds, options.log)
    options.advance("speech ready")

    runs = alternate(_subjects(directory, audio, wheel_setup, threads, options.log), pairs, log=options.log,
                     advance=options.advance)
    throughput = compare(runs, "throughput", "while-updating", "alone")
    ratio = throughput["median_pair_ratio"]
    overhead = 1 - ratio
    update_wall, update, rollback_wall, rollback = _update_and_rollback(directory, wheel_setup, options.log)
    options.advance("update and rollback measured")
    updating = [r for r in runs if r["label"] == "while-updating"]
    return {
        "summary": {
            "audio_seconds": round(wav_seconds(audio), 1),
            "throughput_alone_x_realtime": round(throughput["alone_median"], 2),
            "throughput_while_updating_x_realtime": round(throughput["while-updating_median"], 2),
            "throughput_ratio_updating_to_alone": round(ratio, 4),
            "overhead_percent": round(100 * overhead, 2),
            "updater_check_and_stage_seconds": round(statistics.median(r["updater_seconds"] for r in updating), 1),
            "full_update_seconds": round(update_wall, 1),
            "rollback_seconds": round(rollback_wall, 1),
        },
        "checks": [
            {"name": f"overhead < {SEED_MAX_OVERHEAD:.0%} (seed target)", "passed": overhead < SEED_MAX_OVERHEAD,
             "detail": f"median pair ratio {ratio:.4f} (pairs: {throughput['pair_ratios']})"},
            {"name": f"overhead < {GOAL_MAX_OVERHEAD:.0%} (goal)", "passed": overhead < GOAL_MAX_OVERHEAD,
             "detail": f"{100 * overhead:.2f} %"},
            {"name": "the full update succeeds", "passed": update["status"] == "succeeded",
             "detail": update["message"]},
            {"name": "the rollback succeeds", "passed": rollback["status"] == "succeeded",
             "detail": rollback["message"]},
        ],
        "tables": [
            {"title": "Transcriptions (alternated, one fresh process each)",
             "columns": ["pair", "order", "subject", "throughput (x real time)", "transcribe s",
                         "updater check + stage s"],
             "rows": [[r["pair"], r["position"], r["label"], round(r["throughput"], 2),
                       round(r["transcribe_seconds"], 2),
                       round(r["updater_seconds"], 1) if r["updater_seconds"] is not None else "-"] for r in runs]},
            {"title": "Update and rollback in a sandbox layout",
             "columns": ["run", "outcome", "CLI wall s", "recorded s", "steps (s)"],
             "rows": [_steps_row("update v1.0.0 -> v1.1.0", update_wall, update),
                      _steps_row("rollback to v1.0.0", rollback_wall, rollback)]},
        ],
        "settings": {"seconds_requested": seconds, "pairs": pairs, "threads": threads, "model": "tiny.en",
                     "requirements": requirements, "priority": "SCHED_IDLE, nice 19, idle I/O class"
                     + (", systemd CPUQuota" if systemd_can_scope() else "")},
        "notes": [
            "The updater runs `check` then `apply --stage-only` as separate CLI processes, started together with "
            "the transcription process; it lowers itself to SCHED_IDLE, nice 19 and the idle I/O class, as on an appliance.",
            f"Dependency install: {install_note}.",
            "Throughput = audio seconds / transcription seconds with the model loaded; the ratio is taken pair by "
            "pair (A B, B A, ...).",
            "When the updater finishes before the transcription, the rest of the transcription ran alone: compare "
            "the updater seconds with the transcription seconds in the table.",
            "A ratio above 1 is not a speed-up by the updater but the noise floor of the machine (on a VM a busy "
            "idle-priority process can also keep a vCPU from halting); the checks only ask for no slowdown.",
        ],
    }
