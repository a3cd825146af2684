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

    def __post_init__(self):
        self.work_dir = Path(self.work_dir)

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
