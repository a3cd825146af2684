"""One suite of a page run, as a child process: `python -m benchmarks run --suite NAME --json ...`
in an environment cut off from the appliance (no REDIS_URL, DATABASE_URL or data dir of its own:
a suite that starts an appliance starts its own Redis and database), marked so that every process
it starts can be found and ended, whatever happens to its parent."""
import json
import subprocess
import sys
from pathlib import Path

from benchmarks.process import REPOSITORY_ROOT, isolated_environment, reap_marked

LOG_TAIL_CHARACTERS = 3000


class SuiteProcess:
    def __init__(self, name, quick, params, work_dir, marker):
        self.name, self.marker = name, marker
        self.directory = Path(work_dir) / "runs" / marker / name
        self.directory.mkdir(parents=True, exist_ok=True)
        self.result_path = self.directory / "result.json"
        self.progress_path = self.directory / "progress.json"
        self.log_path = self.directory / "suite.log"
        self.command = [sys.executable, "-m", "benchmarks", "run", "--suite", name, "--json", str(self.result_path),
                        "--progress-file", str(self.progress_path), "--work-dir", str(work_dir)]
        self.command += ["--quick"] if quick else []
        for key, value in params.items():
            self.command += ["--set", f"{key}={value}"]
        self.environment = isolated_environment(marker, Path(work_dir) / "scratch-data")
        self.child = None

    def start(self):
        with open(self.log_path, "wb") as log:
            self.child = subprocess.Popen(self.command, cwd=REPOSITORY_ROOT, env=self.environment, stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def running(self):
        return self.child.poll() is None

    def progress(self):
        """(fraction 0..1, step text) the suite reported last; (0.0, "") before its first step."""
        try:
            state = json.loads(self.progress_path.read_text(encoding="utf-8"))
            return float(state["fraction"]), str(state.get("step", ""))[:200]
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0, ""

    def stop(self):
        """End the suite and everything it started (servers in sessions of their own included)."""
        reap_marked(self.marker)
        if self.child is not None and self.child.poll() is None:
            self.child.kill()
        if self.child is not None:
            self.child.wait()

    def result(self):
        """The suite's result; raises RuntimeError with the end of its output when there is none."""
        if self.result_path.exists():
            return json.loads(self.result_path.read_text(encoding="utf-8"))
        raise RuntimeError(f"the suite ended with status {self.child.returncode} and no result: {self.log_tail()}")

    def log_tail(self):
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL_CHARACTERS:].strip()
        except OSError:
            return ""
