import os
import sys

from appliance.engine.models.memory_release import threaded_worker_environment

# The job path's process settings: glibc reads MALLOC_ARENA_MAX once at start, so set it and start
# again (as appliance.runtime.worker_command does for the worker); an admin's own value wins.
if "MALLOC_ARENA_MAX" not in os.environ:
    os.environ.update(threaded_worker_environment(len(os.sched_getaffinity(0))))
    os.execv(sys.executable, [sys.executable, "-m", "appliance.engine", *sys.argv[1:]])

from appliance.engine.cli import main  # noqa: E402

sys.exit(main())
