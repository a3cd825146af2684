"""A command that parks an updater run at a chosen step: it creates NAME.reached, then waits for
NAME.release (or for a SIGKILL of the whole updater process group)."""

import sys
import time
from pathlib import Path

name = Path(sys.argv[1])
name.with_suffix(".reached").touch()
for _ in range(2400):
    if name.with_suffix(".release").exists():
        sys.exit(0)
    time.sleep(0.05)
sys.exit("gate was never released")
