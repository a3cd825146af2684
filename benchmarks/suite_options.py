"""SuiteOptions: what every suite's run() receives."""
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_WORK_DIR = Path("data") / "benchmarks"


def _log_to_stderr(message):
    print(f"[benchmarks] {message}", file=sys.stderr, flush=True)


@dataclass
class SuiteOptions:
    quick: bool = False
    work_dir: Path = DEFAULT_WORK_DIR
    params: dict = field(default_factory=dict)
    log: object = _log_to_stderr
    # progress(fraction 0..1, what is being measured): called at the suite's real steps, so the
    # benchmark page's bar moves with the work (a file for `--progress-file`, the page's row).
    progress: object = None
    steps_planned: int = 0
    steps_done: int = 0

    def __post_init__(self):
        self.work_dir = Path(self.work_dir)

    def plan(self, steps):
        """The number of steps (measured runs, stages) this suite will report with advance()."""
        self.steps_planned, self.steps_done = max(1, int(steps)), 0
        self._report("")

    def advance(self, what=""):
        """One planned step is done; `what` says which (logged as well)."""
        self.steps_done += 1
        if what:
            self.log(what)
        self._report(what)

    def _report(self, what):
        if self.progress is not None and self.steps_planned:
            self.progress(min(1.0, self.steps_done / self.steps_planned), what)

    def number(self, key, default):
        """A --set parameter as a number of the default's type (int or float)."""
        if key not in self.params:
            return default
        value = self.params[key]
        try:
            return type(default)(value)
        except ValueError:
            raise ValueError(f"--set {key}={value!r}: expected a {type(default).__name__}") from None

    def text(self, key, default):
        return str(self.params.get(key, default))
