"""The certificate maker the tls role installs (and the firstboot unit reruns), run for real with
openssl into a temp dir; its output is read back with the panel's own certificate code."""
import getpass
import grp
import os
import shutil
import subprocess

import pytest

from appliance.panel.tls import describe_certificate, parse_certificate_chain


@pytest.fixture(scope="module")
def rendered_script(render_templates, tmp_path_factory):
    tls_dir = tmp_path_factory.mktemp("certificate") / "tls"
    rendered = render_templates("certificate", {
        "appliance_tls_dir": str(tls_dir), "appliance_user": getpass.getuser(),
        "appliance_group": grp.getgrgid(os.getgid()).gr_name,
    })
    return rendered / "whisper-appliance-self-signed-certificate", tls_dir


@pytest.fixture
def certificate_script(rendered_script):
    """The rendered script with its certificate directory emptied: every test starts with none."""
    script, tls_dir = rendered_script
    shutil.rmtree(tls_dir, ignore_errors=True)
    return script, tls_dir


def run(script, *arguments):
    return subprocess.run(["sh", str(script), *arguments], capture_output=True, text=True, timeout=60, check=True)


def test_it_makes_a_certificate_for_this_hosts_names(certificate_script):
    script, tls_dir = certificate_script
    run(script)
    info = describe_certificate(parse_certificate_chain((tls_dir / "fullchain.pem").read_bytes())[0])
    assert info.self_signed
    assert "DNS:localhost" in info.subject_alternative_names and "IP:127.0.0.1" in info.subject_alternative_names
    assert info.key_description == "ECDSA secp256r1"
    assert oct((tls_dir / "privkey.pem").stat().st_mode & 0o777) == "0o600"


def test_it_keeps_an_existing_certificate_unless_forced(certificate_script):
    script, tls_dir = certificate_script
    run(script)
    first = (tls_dir / "fullchain.pem").read_bytes()
    run(script)
    assert (tls_dir / "fullchain.pem").read_bytes() == first
    run(script, "--force")
    assert (tls_dir / "fullchain.pem").read_bytes() != first
    assert not [path.name for path in tls_dir.iterdir() if path.name.startswith(".new-")]
