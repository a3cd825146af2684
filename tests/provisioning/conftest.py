"""Fixtures for the Ansible provisioning tests.

The roles' templates are rendered by real Ansible (ansible-playbook, connection local, no root
needed) with the roles' own defaults, into a temp dir; the tests read what a host would get.

Fixtures
--------
provisioning_dir   (session) Path of provisioning/.
ansible_tool       (session) ansible_tool("ansible-playbook") -> path of the tool in this venv.
run_ansible        (session) run_ansible("ansible-playbook", *arguments) in provisioning/ -> CompletedProcess.
render_templates   (session) factory: render_templates(name, extra_vars) -> Path of a dir holding every
                   template of TEMPLATES rendered for a host with those variables (cached per name).
rendered           (session) render_templates for a plain CPU appliance (4 vCPUs, Debian 12).
rendered_gpu       (session) the same host with two NVIDIA GPUs.
read_unit          (session) read_unit(path) -> {key: [values]} of a systemd unit (fails on a malformed line).
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROVISIONING = ROOT / "provisioning"
ROLES_WITH_SETTINGS = ("app", "services", "tls", "firstboot", "gpu")
TEMPLATES = {
    "services": [
        "whisper-appliance.target", "whisper-appliance-web.service", "whisper-appliance-worker@.service",
        "whisper-appliance-beat.service", "whisper-appliance-live.service", "whisper-appliance-updater.service",
        "whisper-appliance-updater.timer", "redis.conf", "redis-restart.conf",
    ],
    "app": ["appliance.env", "updater.json"],
    "tls": [
        "whisper-appliance.conf", "whisper-appliance-nginx-reload.path", "whisper-appliance-nginx-reload.service",
        "whisper-appliance-self-signed-certificate", "whisper-appliance-nginx-reload",
    ],
    "firstboot": ["whisper-appliance-firstboot", "whisper-appliance-firstboot.service", "motd"],
}
HOST_FACTS = {
    "distribution": "Debian", "distribution_major_version": "12", "processor_vcpus": 4,
    "default_ipv4": {"address": "10.0.0.10"},
}


def run_tool(tool, *arguments, cwd=PROVISIONING):
    result = subprocess.run([str(tool), *map(str, arguments)], cwd=cwd, capture_output=True, text=True, timeout=300)
    return result


@pytest.fixture(scope="session")
def run_ansible(ansible_tool):
    """run_ansible("ansible-lint", *arguments) in provisioning/ -> CompletedProcess (text)."""
    return lambda tool, *arguments: run_tool(ansible_tool(tool), *arguments)


@pytest.fixture(scope="session")
def provisioning_dir():
    return PROVISIONING


@pytest.fixture(scope="session")
def ansible_tool():
    def tool(name):
        path = Path(sys.executable).parent / name
        assert path.exists(), f"{name} is not installed in this virtualenv ({path})"
        return path
    return tool


@pytest.fixture(scope="session")
def render_templates(tmp_path_factory, ansible_tool):
    cache = {}

    def render(name, extra_vars):
        if name in cache:
            return cache[name]
        out = tmp_path_factory.mktemp(f"rendered-{name}")
        vars_files = [str(PROVISIONING / "group_vars" / "all.yml")]
        for role in ROLES_WITH_SETTINGS:
            for kind in ("defaults", "vars"):
                path = PROVISIONING / "roles" / role / kind / "main.yml"
                if path.exists():
                    vars_files.append(str(path))
        tasks = [
            {"name": f"render {template}", "ansible.builtin.template": {
                "src": str(PROVISIONING / "roles" / role / "templates" / f"{template}.j2"),
                "dest": str(out / template), "mode": "0644"}}
            for role, templates in TEMPLATES.items() for template in templates
        ]
        variables = {
            "ansible_facts": HOST_FACTS, "appliance_repo_url": "/srv/upstream.git", "appliance_version": "v1.2.3",
            "groups": {"appliance": ["localhost"], "workers": []}, "inventory_hostname": "localhost",
            "services_redis_password_file": {"content": ""},
            # Modules run in this venv's Python, not whatever `python3` a PATH shim picks.
            "ansible_python_interpreter": sys.executable,
            **extra_vars,
        }
        playbook = out / "render.yml"
        playbook.write_text(json.dumps([{
            "name": "render", "hosts": "localhost", "connection": "local", "gather_facts": False,
            "vars_files": vars_files, "tasks": tasks,
        }]))
        # Extra vars, like -e on a real run: they win over group_vars and role defaults.
        (out / "extra-vars.json").write_text(json.dumps(variables))
        result = run_tool(ansible_tool("ansible-playbook"), "-i", "localhost,", "-e", f"@{out / 'extra-vars.json'}",
                          playbook, cwd=out)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
        cache[name] = out
        return out

    return render


@pytest.fixture(scope="session")
def rendered(render_templates):
    return render_templates("cpu", {})


@pytest.fixture(scope="session")
def rendered_gpu(render_templates):
    return render_templates("gpu", {
        "gpu_nvidia_count": 2,
        "gpu_library_path": "/opt/whisper-appliance/current/.venv/lib/python3.11/site-packages/nvidia/cublas/lib",
    })


@pytest.fixture(scope="session")
def read_unit():
    """read_unit(path) -> {key: [values]} of a systemd unit file, every section merged."""
    return _unit_settings


def _unit_settings(path):
    settings = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        key, separator, value = line.partition("=")
        assert separator, f"{path.name}: a line that is neither a section, a comment nor key=value: {line!r}"
        settings.setdefault(key, []).append(value)
    return settings
