"""`python manage.py live_engine`: the live transcription process (one per appliance, or more
on more machines sharing Redis). It owns its models; daphne never loads one."""
import asyncio
import logging
import signal

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand

from appliance.engine import ModelManager
from appliance.engine.errors import EngineError
from appliance.engine.live.live_engine import LiveEngine
from appliance.jobs.engine_runtime import engine_config
from appliance.live.engine_process import LiveEngineServer

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the live transcription engine (batched streaming inference for every live session)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-sessions",
            type=int,
            default=settings.MAX_LIVE_SESSIONS,
            help="concurrent live sessions this engine accepts (default: APPLIANCE_MAX_LIVE_SESSIONS)",
        )

    def handle(self, *args, **options):
        # Every live stream's window goes into one batch per step: one worker with every thread.
        manager = ModelManager(engine_config(parallel_batches=False))
        # The panel's model settings (preload set, budgets, idle TTL) reach this process too.
        from appliance.panel.worker_hooks import follow_engine_settings

        follower = follow_engine_settings(manager, role="live")
        try:
            manager.preload()
        except EngineError:
            # Sessions with other models still work; the panel shows what is loaded.
            logger.exception("preloading models for the live engine failed")
        manager.start_idle_reaper()
        if follower is not None:
            follower.start()
        spool_dir = settings.DATA_DIR / "live-spool"
        leftovers = sorted(spool_dir.glob("*.wav")) if spool_dir.exists() else []
        if leftovers:
            logger.warning(
                "%d live recordings from an earlier run were not saved; they stay in %s", len(leftovers), spool_dir
            )
        engine = LiveEngine(manager, max_sessions=options["max_sessions"], spool_dir=spool_dir)
        server = LiveEngineServer(engine, get_channel_layer(), default_model=settings.DEFAULT_MODEL)
        try:
            asyncio.run(self.serve(server))
        finally:
            if follower is not None:
                follower.stop()
            manager.close()

    async def serve(self, server):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stop.set)
        await server.run(stop)
