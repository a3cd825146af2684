"""Every process that holds Whisper models (the Celery jobs worker, the live engine), in one place.

- lifecycle.py      one start and one stop per process: the Celery worker signals and the
                    live_engine command call them; nothing else loads models at start-up.
- manager.py        the process's ModelManager and its EngineConfig (the one place settings
                    become an engine config).
- presence.py       the one Redis registry of running processes (role worker|live): what they
                    have loaded, their memory, live sessions. /healthz, /metrics, the panel and
                    the updater's idle check read it.
- follower.py       applies the panel's engine settings pushed over Redis; the panel only saves
                    its settings and calls publish().
- worker_command.py `python -m appliance.runtime.worker_command`: the jobs worker's command line.
- live_server.py    the live engine process's message loop over the Channels layer.

Imports no panel: the panel imports this package, never the other way round.
"""
