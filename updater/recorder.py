"""Records a run step by step in state.json and its log file, so a page reload shows where it stands."""

from __future__ import annotations

import logging
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone

from .layout import Layout
from .state import StateStore, now_iso

log = logging.getLogger("updater")
_LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


class RunRecorder:
    """One run (check, apply, rollback, recover): id, steps with durations, outcome, log file."""

    def __init__(self, layout: Layout, store: StateStore, action: str, **details):
        self.layout = layout
        self.store = store
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        run_id = f"{stamp}-{action}-{os.getpid()}"
        self.log_path = layout.logs_dir / f"{run_id}.log"
        self.record = {
            "id": run_id, "action": action, "pid": os.getpid(), "status": "running",
            "started_at": now_iso(), "finished_at": None, "duration_seconds": None,
            "steps": [], "message": "", "log": f"logs/{self.log_path.name}", **details,
        }
        self._started = time.monotonic()
        self._handler: logging.Handler | None = None

    def start(self) -> RunRecorder:
        self.layout.logs_dir.mkdir(parents=True, exist_ok=True)
        self._handler = logging.FileHandler(self.log_path)
        self._handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        log.addHandler(self._handler)
        log.setLevel(logging.INFO)
        self._save()
        log.info("%s started (run %s)", self.record["action"], self.record["id"])
        return self

    def set(self, **details) -> None:
        self.record.update(details)
        self._save()

    @contextmanager
    def step(self, name: str):
        entry = {"name": name, "status": "running", "started_at": now_iso(), "duration_seconds": None, "message": ""}
        self.record["steps"].append(entry)
        self._save()
        log.info("== %s", name)
        started = time.monotonic()
        try:
            yield entry
        except BaseException as error:
            entry["status"] = "failed"
            entry["message"] = str(error) or type(error).__name__
            raise
        else:
            entry["status"] = "done"
        finally:
            entry["duration_seconds"] = round(time.monotonic() - started, 3)
            self._save()

    def finish(self, status: str, message: str, history: bool) -> dict:
        self.record.update(
            status=status, message=message, finished_at=now_iso(),
            duration_seconds=round(time.monotonic() - self._started, 3),
        )
        (log.info if status in ("succeeded", "nothing-to-do", "staged") else log.warning)("%s %s: %s",
                                                                               self.record["action"], status, message)
        self._save()
        if history:
            self.store.append_history(self.record)
        if self._handler:
            log.removeHandler(self._handler)
            self._handler.close()
            self._handler = None
        return self.record

    def _save(self) -> None:
        self.store.update(run=self.record)
