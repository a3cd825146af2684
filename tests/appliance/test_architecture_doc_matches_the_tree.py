"""docs/architecture.md lists every package and the import rules between them; these tests hold
that page against the code, so it cannot drift from the tree."""
import ast
import re
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
DOC = REPOSITORY_ROOT / "docs" / "architecture.md"
PYTHON_ROOTS = ("appliance", "webui", "updater", "benchmarks")
# Django's own sub-packages of an app are not packages of the project's layout.
NOT_LAYOUT = {"migrations", "management", "commands", "templatetags", "templates", "static"}
ENGINE_FACE_LIMIT = 8


def documented_packages():
    block = DOC.read_text().split("<!-- packages:begin -->")[1].split("<!-- packages:end -->")[0]
    return {match.group(1) for match in re.finditer(r"^(\S+/)\s", block, flags=re.M)}


def python_packages():
    packages = set()
    for root in PYTHON_ROOTS:
        for init in (REPOSITORY_ROOT / root).rglob("__init__.py"):
            relative = init.parent.relative_to(REPOSITORY_ROOT)
            if not NOT_LAYOUT.intersection(relative.parts) and "__pycache__" not in relative.parts:
                packages.add(f"{relative.as_posix()}/")
    return packages


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_every_python_package_is_in_the_doc_and_every_listed_package_exists():
    documented = documented_packages()
    listed_python = {name for name in documented if name.split("/")[0] in PYTHON_ROOTS}

    assert python_packages() - listed_python == set(), "packages missing from docs/architecture.md"
    assert listed_python - python_packages() == set(), "docs/architecture.md lists packages that are gone"
    for other in documented - listed_python:
        assert (REPOSITORY_ROOT / other).is_dir(), other


def test_the_runtime_never_imports_the_panel():
    for path in (REPOSITORY_ROOT / "appliance" / "runtime").rglob("*.py"):
        panel_imports = [name for name in imported_modules(path) if name.startswith("appliance.panel")]
        assert panel_imports == [], f"{path.name} imports {panel_imports}"


def test_the_engine_face_holds_only_a_handful_of_modules():
    modules = [path.name for path in (REPOSITORY_ROOT / "appliance" / "engine").glob("*.py")]
    assert len(modules) <= ENGINE_FACE_LIMIT, sorted(modules)


# A look-up of one of the project's own packages by name (find_spec/import_module("appliance...")).
# The engine's face imports its own submodules lazily by relative name, and the benchmark registry
# finds suite modules inside benchmarks/suites/: neither names an app.
APP_LOOKUP = re.compile(r"""(find_spec|import_module)\(\s*f?["'](appliance|webui|updater|benchmarks\.web)""")


def test_no_module_discovers_the_projects_own_apps_at_run_time():
    offenders = []
    for root in PYTHON_ROOTS:
        for path in (REPOSITORY_ROOT / root).rglob("*.py"):
            text = path.read_text()
            if APP_LOOKUP.search(text) or "optional_apps" in text:
                offenders.append(str(path.relative_to(REPOSITORY_ROOT)))
    assert offenders == []
