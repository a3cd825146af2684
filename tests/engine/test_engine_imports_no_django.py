import subprocess
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import importlib, pkgutil, sys
import appliance.engine as engine
for module in pkgutil.walk_packages(engine.__path__, "appliance.engine."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
for name in engine.__all__:
    getattr(engine, name)
print(sorted(name for name in sys.modules if name == "django" or name.startswith("django.")))
"""


def test_the_engine_and_all_its_modules_import_without_django():
    finished = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=REPOSITORY_ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPOSITORY_ROOT)},
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "[]"
