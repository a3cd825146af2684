"""Run one suite and wrap its figures with what is needed to read them later."""
import datetime
import time

from .machine import describe_machine
from benchmarks.suite_options import SuiteOptions
from .registry import get_suite


def run_suite(name, options=None):
    options = options or SuiteOptions()
    suite = get_suite(name)
    options.work_dir.mkdir(parents=True, exist_ok=True)
    started_at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    started = time.perf_counter()
    figures = suite.run(options)
    result = {
        "suite": suite.NAME,
        "description": suite.DESCRIPTION,
        "quick": options.quick,
        "started_at": started_at,
        "wall_seconds": round(time.perf_counter() - started, 1),
        "machine": describe_machine(),
    }
    result.update(figures)
    result["passed"] = all(check["passed"] for check in result.get("checks", []))
    return result
