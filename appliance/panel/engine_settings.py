"""The panel's saved engine settings as a model-owning process needs them when Redis has none
(a flushed or fresh Redis): the fallback handed to appliance.runtime.lifecycle.start()."""
import logging
import threading

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


def saved_engine_settings():
    """The saved settings (or the environment's defaults), None while the database cannot
    answer (not migrated yet, restarting); usable from any thread."""
    from appliance.panel.models import ApplianceSettings

    try:
        return ApplianceSettings.current().engine_settings()
    except DatabaseError as error:
        logger.warning("engine settings cannot be read from the database yet: %s", error)
        return None
    finally:
        # The follower thread has its own connection; closing it keeps SQLite from holding a
        # reader open for the life of the worker.
        if threading.current_thread() is not threading.main_thread():
            connection.close()
