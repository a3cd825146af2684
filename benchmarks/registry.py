"""Find suites: every module of benchmarks/suites/ that defines NAME, DESCRIPTION and run()."""
import importlib
import pkgutil
import traceback

from . import suites as suites_package


class SuiteError(Exception):
    """A suite is unknown or broken; the message says which and why."""


def discover_suites():
    """({name: module}, {module name: error text}) — one broken module does not hide the others."""
    found, broken = {}, {}
    for module_info in pkgutil.iter_modules(suites_package.__path__):
        if module_info.name.startswith("_"):
            continue
        module_name = f"{suites_package.__name__}.{module_info.name}"
        try:
            module = importlib.import_module(module_name)
        except Exception:
            broken[module_info.name] = traceback.format_exc(limit=3)
            continue
        missing = [attribute for attribute in ("NAME", "DESCRIPTION", "run") if not hasattr(module, attribute)]
        if missing:
            broken[module_info.name] = f"missing {', '.join(missing)}"
            continue
        if module.NAME in found:
            broken[module_info.name] = f"NAME {module.NAME!r} is already used by another suite"
            continue
        found[module.NAME] = module
    return found, broken


def get_suite(name):
    found, broken = discover_suites()
    if name in found:
        return found[name]
    if name in broken:
        raise SuiteError(f"suite {name!r} cannot be loaded: {broken[name]}")
    raise SuiteError(f"unknown suite {name!r}; known: {', '.join(sorted(found)) or 'none'}")
