import datetime
import time
from dataclasses import dataclass

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self):
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def key_pem(self, passphrase=None):
        encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                      else serialization.NoEncryption())
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


class TestPKI:
    """A root CA, an intermediate and leaves, made with `cryptography` the way a real CA would."""

    __test__ = False

    def __init__(self):
        self.now = datetime.datetime.now(datetime.UTC)
        self.root = self._issue("Test Root CA", ca=True)
        self.intermediate = self._issue("Test Intermediate CA", issuer=self.root, ca=True)

    def _issue(self, common_name, issuer=None, ca=False, not_before=None, not_after=None, names=()):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.certificate.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or self.now - datetime.timedelta(days=1))
            .not_valid_after(not_after or self.now + datetime.timedelta(days=90))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if names:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name) for name in names]), critical=False)
        signing_key = issuer.key if issuer else key
        return Issued(builder.sign(signing_key, hashes.SHA256()), key)

    def leaf(self, common_name="appliance.example.org", **overrides):
        overrides.setdefault("names", [common_name])
        return self._issue(common_name, issuer=self.intermediate, **overrides)

    def days(self, number):
        return self.now + datetime.timedelta(days=number)


@pytest.fixture(scope="session")
def pki():
    return TestPKI()


@pytest.fixture(scope="session")
def good_leaf(pki):
    return pki.leaf()


def _wait_until(probe, timeout_seconds=60, interval_seconds=0.2, what="the condition"):
    """Poll `probe` until it returns something truthy; fail with the last value seen."""
    deadline = time.monotonic() + timeout_seconds
    value = None
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(interval_seconds)
    raise AssertionError(f"timed out after {timeout_seconds} s waiting for {what}; last value: {value!r}")


@pytest.fixture(scope="session")
def wait_until():
    """wait_until(probe, timeout_seconds=60, what=...) → probe's first truthy answer (polls)."""
    return _wait_until


@pytest.fixture
def worker_report(redis_url):
    """worker_report(predicate, role="worker") → the first fresh report satisfying predicate."""
    from appliance.runtime import presence

    def wait(predicate, what="a worker report", timeout_seconds=90):
        def probe():
            return next((report for report in presence.present() if predicate(report)), None)

        return _wait_until(probe, timeout_seconds, what=what)

    return wait


@pytest.fixture
def engine_settings_form(redis_url):
    """The POST data of the Models & memory form, with the given changes."""

    def data(preload=("tiny.en",), device="auto", compute_type_cpu="auto", budget_cpu="", idle_ttl_minutes=15):
        return {"preload": list(preload), "device": device, "compute_type_cpu": compute_type_cpu,
                "budget_cpu": budget_cpu, "idle_ttl_minutes": idle_ttl_minutes}

    return data


@pytest.fixture(autouse=True)
def forget_published_settings(redis_url):
    """Each test starts with no settings in Redis, as a fresh appliance does."""
    import redis

    from appliance.runtime.follower import DESIRED_KEY

    client = redis.Redis.from_url(redis_url)
    client.delete(DESIRED_KEY)
    yield
    client.delete(DESIRED_KEY)


@pytest.fixture
def tls_dir(settings, tmp_path):
    """A fresh APPLIANCE_TLS_DIR per test, with no reload command (as with `make run`)."""
    settings.TLS_DIR = tmp_path / "tls"
    settings.TLS_RELOAD_COMMAND = ""
    settings.TLS_RELOAD_REQUEST_FILE = ""
    return settings.TLS_DIR


@pytest.fixture
def reload_script(tmp_path):
    """reload_script(exit_code) → a real executable standing in for the privileged nginx reload
    (nginx itself is not installed here); it records each call so a test can count reloads."""
    calls = tmp_path / "reload-calls"

    def make(exit_code=0, message="nginx: configuration file test failed"):
        script = tmp_path / f"reload-{exit_code}.sh"
        script.write_text(f"#!/bin/sh\necho called >> {calls}\necho '{message}' >&2\nexit {exit_code}\n")
        script.chmod(0o755)
        return str(script)

    make.calls = lambda: len(calls.read_text().splitlines()) if calls.exists() else 0
    return make


@pytest.fixture(scope="session")
def tiny_model_archive(tiny_model_dir, tmp_path_factory):
    """A .tar of the tiny.en model directory, as an admin would upload it (not compressed: fast)."""
    import tarfile

    archive = tmp_path_factory.mktemp("archives") / "my-tiny.tar"
    with tarfile.open(archive, "w") as tar:
        for path in sorted(tiny_model_dir.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                tar.add(path, arcname=f"my-tiny/{path.name}")
    return archive


@pytest.fixture
def finished_operation(wait_until):
    """finished_operation(pk) → the ModelOperation once its background thread has ended."""
    from appliance.panel.models import ModelOperation

    def wait(pk):
        return wait_until(lambda: ModelOperation.objects.filter(pk=pk).exclude(
            state__in=["queued", "running"]).first(), timeout_seconds=120, what=f"operation {pk}")

    return wait
