"""A daemon thread that calls `unload_idle()` of a model holder every interval, until stopped
(processes without Celery beat; the Whisper ModelManager and the speaker-model holder)."""
import threading


class IdleReaper:
    def __init__(self, unload_idle, name):
        self._unload_idle = unload_idle
        self._name = name
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def start(self, interval_seconds=60):
        """Start the thread once; a second call while it runs does nothing."""
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, args=(interval_seconds,), name=self._name, daemon=True)
            self._thread.start()

    def _run(self, interval_seconds):
        while not self._stop.wait(interval_seconds):
            self._unload_idle()

    def stop(self):
        self._stop.set()
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
