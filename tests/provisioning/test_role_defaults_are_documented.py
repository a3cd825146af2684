import re
from pathlib import Path

import pytest

PROVISIONING = Path(__file__).resolve().parents[2] / "provisioning"
ROLES = sorted(path.name for path in (PROVISIONING / "roles").iterdir())
TOP_LEVEL_KEY = re.compile(r"^([a-z_][a-z0-9_]*):")


def test_every_issue_role_exists():
    assert {"base", "app", "services", "tls", "firstboot", "gpu", "workers"} <= set(ROLES)


@pytest.mark.parametrize("role", ROLES)
def test_every_default_has_a_comment_above_it(role):
    lines = (PROVISIONING / "roles" / role / "defaults" / "main.yml").read_text().splitlines()
    undocumented = []
    for index, line in enumerate(lines):
        match = TOP_LEVEL_KEY.match(line)
        if match:
            above = lines[index - 1].strip() if index else ""
            if not above.startswith("#") and not TOP_LEVEL_KEY.match(above):
                undocumented.append(match.group(1))
    assert not undocumented, f"roles/{role}/defaults/main.yml: explain {undocumented} in a comment"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_variable_carries_the_role_prefix(role):
    for kind in ("defaults", "vars"):
        path = PROVISIONING / "roles" / role / kind / "main.yml"
        if path.exists():
            names = [m.group(1) for m in map(TOP_LEVEL_KEY.match, path.read_text().splitlines()) if m]
            assert all(name.startswith(f"{role}_") for name in names), f"{path}: {names}"


def test_the_app_role_installs_espeak_ng_for_the_benchmark_page():
    import yaml

    defaults = yaml.safe_load((PROVISIONING / "roles" / "app" / "defaults" / "main.yml").read_text())
    tasks = yaml.safe_load((PROVISIONING / "roles" / "app" / "tasks" / "main.yml").read_text())

    assert "espeak-ng" in defaults["app_packages"]
    assert any(task.get("ansible.builtin.apt", {}).get("name") == "{{ app_packages }}" for task in tasks)
