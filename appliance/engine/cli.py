"""`python -m appliance.engine transcribe FILE ...` and `python -m appliance.engine models ...`."""
import argparse
import json
import sys

from appliance.engine.config import COMPUTE_TYPES, DEVICES, EngineConfig
from appliance.engine.errors import EngineError
from appliance.engine.files.exports import EXPORT_FORMATS, export_result
from appliance.engine.models.importer import delete_model, import_model
from appliance.engine.transcription_options import PIPELINES, TranscriptionOptions
from appliance.engine.models.sources import list_models, resolve_model, verify_model

EXIT_ERROR = 2
EXIT_VERIFY_FAILED = 1


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m appliance.engine", description="Whisper Appliance engine")
    parser.add_argument("--data-dir", help="data directory (default: $APPLIANCE_DATA_DIR or ./data)")
    parser.add_argument("--allow-hub-download", action="store_true", default=None,
                        help="let missing models download from the Hugging Face hub")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("transcribe", help="transcribe a file and print the transcript")
    run.add_argument("file")
    run.add_argument("--model", default="tiny.en")
    run.add_argument("--format", choices=EXPORT_FORMATS, default="txt")
    run.add_argument("--language", help="ISO code such as en, de; default: detect")
    run.add_argument("--task", choices=("transcribe", "translate"), default="transcribe")
    run.add_argument("--batch-size", type=int, default=8)
    run.add_argument("--sequential", action="store_true", help="decode window by window instead of batched")
    run.add_argument("--pipeline", choices=PIPELINES, default="dynamic",
                     help="batched decoding: dynamic (padded to each chunk's length) or faster-whisper (30 s windows)")
    run.add_argument("--beam-size", type=int, default=1)
    run.add_argument("--no-vad", action="store_true", help="do not skip silence with Silero VAD")
    run.add_argument("--word-timestamps", action="store_true")
    run.add_argument("--initial-prompt")
    run.add_argument("--hotwords")
    run.add_argument("--device", choices=DEVICES, default="auto")
    run.add_argument("--compute-type", choices=COMPUTE_TYPES, default="auto")
    run.add_argument("--threads", type=int, default=0,
                     help="CPU threads in all (0: every usable core), split as a jobs worker splits them")
    run.add_argument("--output", help="write the transcript to this file instead of stdout")
    run.add_argument("--progress", action="store_true", help="show progress on stderr")
    run.add_argument("--timings", action="store_true", help="print timings to stderr")

    models = commands.add_parser("models", help="list, install, import, delete or verify models")
    actions = models.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list")
    listing.add_argument("--json", action="store_true")
    actions.add_parser("install", help="make a model loadable (assemble a pack, download if allowed)").add_argument("name")
    importing = actions.add_parser("import", help="import a model directory or .tar/.tar.gz/.zip archive")
    importing.add_argument("name")
    importing.add_argument("source")
    importing.add_argument("--replace", action="store_true")
    actions.add_parser("delete").add_argument("name")
    actions.add_parser("verify", help="check files and checksums").add_argument("names", nargs="*")
    return parser


def main(argv=None, stdout=None, stderr=None):
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    arguments = build_parser().parse_args(argv)
    try:
        config = _config(arguments)
        if arguments.command == "transcribe":
            return _transcribe(arguments, config, stdout, stderr)
        return _models(arguments, config, stdout)
    except EngineError as error:
        print(f"error: {error}", file=stderr)
        return EXIT_ERROR


def _config(arguments):
    overrides = {}
    if arguments.data_dir:
        overrides["data_dir"] = arguments.data_dir
    if arguments.allow_hub_download:
        overrides["allow_hub_download"] = True
    if arguments.command == "transcribe":
        # The same engine as a jobs worker: the dynamic pipeline runs batches side by side on
        # one-thread CTranslate2 workers (EngineConfig.thread_split), the others on one worker.
        overrides.update(device=arguments.device, compute_type=arguments.compute_type, cpu_cores=arguments.threads,
                         parallel_batches=_runs_pooled(arguments))
    return EngineConfig.from_env(**overrides)


def _runs_pooled(arguments):
    return not arguments.sequential and arguments.pipeline == "dynamic"


def _transcribe(arguments, config, stdout, stderr):
    from appliance.engine.files.pooled_scheduler import close_shared_scheduler, transcribe_pooled
    from appliance.engine.models.manager import ModelManager

    options = TranscriptionOptions(
        model=arguments.model, language=arguments.language, task=arguments.task,
        batched=not arguments.sequential, batch_size=arguments.batch_size, vad=not arguments.no_vad,
        beam_size=arguments.beam_size, word_timestamps=arguments.word_timestamps,
        initial_prompt=arguments.initial_prompt, hotwords=arguments.hotwords, pipeline=arguments.pipeline,
    )

    def show_progress(fraction, _segments):
        print(f"\r{fraction * 100:5.1f} %", end="", file=stderr, flush=True)

    manager = ModelManager(config)
    try:
        # The job path's call: the pooled scheduler pipelines decoding, VAD, features and batches.
        result = transcribe_pooled(manager, arguments.file, options,
                                   progress=show_progress if arguments.progress else None)
    finally:
        close_shared_scheduler(manager)
        manager.close()
    if arguments.progress:
        print(file=stderr)
    text = export_result(result, arguments.format)
    if isinstance(text, bytes):  # docx
        with open(arguments.output, "wb") if arguments.output else _binary(stdout) as handle:
            handle.write(text)
    elif arguments.output:
        with open(arguments.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        stdout.write(text)
    if arguments.timings:
        print(json.dumps({"language": result.language, "duration": result.duration,
                          **result.timings.to_dict(result.duration)}), file=stderr)
    return 0


class _binary:
    """stdout's byte stream, left open after the write."""

    def __init__(self, stdout):
        self.stream = getattr(stdout, "buffer", stdout)

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc_info):
        self.stream.flush()


def _models(arguments, config, stdout):
    action = arguments.action
    if action == "list":
        statuses = list_models(config.data_dir, config.allow_hub_download)
        if arguments.json:
            stdout.write(json.dumps([status.__dict__ for status in statuses], indent=2) + "\n")
        else:
            for status in statuses:
                state = "installed" if status.installed else ("downloadable" if status.source == "hub" else "-")
                languages = "multilingual" if status.multilingual else "english"
                size = f"{status.size_bytes / 2**20:.0f} MB" if status.size_bytes else ""
                stdout.write(f"{status.name:18} {languages:12} {state:12} {status.source or '':9} {size:>8}  {status.path}\n")
        return 0
    if action == "install":
        resolved = resolve_model(arguments.name, config.data_dir, config.allow_hub_download)
        stdout.write(f"{resolved.name}: {resolved.path} ({resolved.source})\n")
        return 0
    if action == "import":
        target = import_model(config.data_dir, arguments.name, arguments.source, replace=arguments.replace)
        stdout.write(f"imported {arguments.name} into {target}\n")
        return 0
    if action == "delete":
        delete_model(config.data_dir, arguments.name)
        stdout.write(f"deleted {arguments.name}\n")
        return 0
    names = arguments.names or [status.name for status in list_models(config.data_dir) if status.installed]
    failed = False
    for name in names:
        report = verify_model(name, config.data_dir)
        failed = failed or not report.ok
        verdict = "ok" if report.ok else "FAILED: " + "; ".join(report.problems)
        stdout.write(f"{name}: {verdict} ({report.source or 'not installed'} {report.path})\n")
    return EXIT_VERIFY_FAILED if failed else 0
