"""`python manage.py live_engine`: the live transcription process (one per appliance, or more
on more machines sharing Redis). It owns its models; daphne never loads one."""
import asyncio
import logging
import signal

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand

from appliance.engine import ModelManager
from appliance.engine.live.live_engine import LiveEngine
from appliance.panel.engine_settings import saved_engine_settings
from appliance.runtime import lifecycle
from appliance.runtime.live_server import LiveEngineServer
from appliance.runtime.manager import engine_config

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
        lifecycle.start("live", manager=manager, desired_fallback=saved_engine_settings)
        spool_dir = settings.DATA_DIR / "live-spool"
        leftovers = sorted(spool_dir.glob("*.wav")) if spool_dir.exists() else []
        if leftovers:
            logger.warning(
                "%d live recordings from an earlier run were not saved; they stay in %s", len(leftovers), spool_dir
            )
        engine = LiveEngine(manager, max_sessions=options["max_sessions"], spool_dir=spool_dir)
        server = LiveEngineServer(
            engine, get_channel_layer(), lifecycle.running_presence(), default_model=settings.DEFAULT_MODEL
        )
        try:
            asyncio.run(self.serve(server))
        finally:
            lifecycle.stop()
            manager.close()

    async def serve(self, server):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signal_number, stop.set)
        await server.run(stop)
