"""`python -m benchmarks list` and `python -m benchmarks run [--suite NAME ...]`."""
import argparse
import json
import os
import sys
from pathlib import Path

from benchmarks.suite_options import DEFAULT_WORK_DIR, SuiteOptions
from benchmarks.suite_runner import run_suite

from .registry import SuiteError, discover_suites
from .report import to_json, to_markdown

# What `run` measures when no suite is named: the suites that need nothing but this machine
# (appliance needs nginx in a container, updater and peers take long or need extras).
DEFAULT_SUITES = ("baseline", "engine", "preload", "jobs", "metrics", "panel", "api")


def build_parser():
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Whisper Appliance benchmarks")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the suites")
    run = commands.add_parser("run", help="run suites (default: the ones that run on this machine alone)")
    run.add_argument("--suite", action="append", dest="suites", metavar="NAME", help="repeat for several suites")
    run.add_argument("--quick", action="store_true", help="a few seconds of work, to check the suite runs")
    run.add_argument("--json", metavar="FILE", help="write the full result as JSON")
    run.add_argument("--markdown", metavar="FILE", help="write the result as Markdown")
    run.add_argument("--work-dir", default=str(DEFAULT_WORK_DIR), help="scratch files and cached inputs")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="suite parameter")
    run.add_argument("--progress-file", metavar="FILE",
                     help="keep {\"fraction\": 0..1, \"step\": text} of the running suite in FILE (the benchmark page reads it)")
    return parser


def progress_writer(path):
    """progress(fraction, step) that replaces `path` atomically, so a reader never sees half a file."""
    target = Path(path)

    def write(fraction, step):
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps({"fraction": round(fraction, 4), "step": step}), encoding="utf-8")
        os.replace(partial, target)

    return write


def _params(pairs):
    params = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise SuiteError(f"--set {pair!r}: expected KEY=VALUE")
        params[key.strip()] = value.strip()
    return params


def main(argv=None):
    arguments = build_parser().parse_args(argv)
    if arguments.command == "list":
        found, broken = discover_suites()
        for name, module in sorted(found.items()):
            print(f"{name:16} {module.DESCRIPTION}")
        for name, error in sorted(broken.items()):
            print(f"{name:16} BROKEN: {error.strip().splitlines()[-1]}")
        return 0
    try:
        options = SuiteOptions(quick=arguments.quick, work_dir=Path(arguments.work_dir).absolute(), params=_params(arguments.set),
                               progress=progress_writer(arguments.progress_file) if arguments.progress_file else None)
        results = [run_suite(name, options) for name in arguments.suites or DEFAULT_SUITES]
    except (SuiteError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    markdown = "\n".join(to_markdown(result) for result in results)
    if arguments.json:
        combined = results[0] if len(results) == 1 else {"suites": results}
        Path(arguments.json).write_text(to_json(combined), encoding="utf-8")
    if arguments.markdown:
        Path(arguments.markdown).write_text(markdown, encoding="utf-8")
    sys.stdout.write(markdown)
    return 0 if all(result["passed"] for result in results) else 1
