"""The certificate the appliance serves: install one (generated or uploaded), reload nginx.

The web app never runs as root: it writes the files into APPLIANCE_TLS_DIR (a directory it
owns) and then asks for a reload in one of two ways:
- APPLIANCE_TLS_RELOAD_REQUEST_FILE (the appliance): it writes a fresh token into that file; a
  root systemd path unit runs `nginx -t` and the reload and answers in `<file>.status` with the
  token and "ok" or "failed" plus nginx's words. The panel waits for that answer, so it says
  "reloaded" only once nginx really serves the new files.
- APPLIANCE_TLS_RELOAD_COMMAND: a command run directly (e.g. `sudo -n ...`); its exit status is
  the answer.
If the reload fails (or no answer comes), the previous files are put back, so a bad upload can
never leave nginx unable to start.
"""
import secrets
import shlex
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from appliance.panel import audit, tls
from appliance.panel.models import ApplianceSettings

RELOAD_TIMEOUT_SECONDS = 60
# systemd starts the path unit's service within a second; nginx -t and a reload take a few more.
RELOAD_ANSWER_SECONDS = 30
RELOAD_POLL_SECONDS = 0.2
# Included by the nginx site that provisioning installs: the first in the port-80 server,
# the second in the port-443 server. Written with every certificate so they always exist.
REDIRECT_SNIPPET = "http-redirect.conf"
HSTS_SNIPPET = "hsts.conf"
HSTS_MAX_AGE_SECONDS = 31536000
NOT_RELOADED = ("No web server is reloaded here (no APPLIANCE_TLS_RELOAD_REQUEST_FILE or APPLIANCE_TLS_RELOAD_COMMAND, "
                "as with `make run`): the files are written, and a web server in front of the app must be "
                "reloaded by hand.")
RELOADED = "The web server checked its configuration, was reloaded and serves the new files."


@dataclass(frozen=True)
class ApplyResult:
    info: tls.CertificateInfo | None
    reloaded: bool
    message: str
    warnings: tuple = ()


class ReloadError(RuntimeError):
    """The reload command failed; the previous files were put back."""


def tls_dir():
    return Path(settings.TLS_DIR)


def reload_command():
    return getattr(settings, "TLS_RELOAD_COMMAND", "") or ""


def reload_request_file():
    path = getattr(settings, "TLS_RELOAD_REQUEST_FILE", "") or ""
    return Path(path) if path else None


def reload_status_file(request_file):
    return request_file.with_name(request_file.name + ".status")


def installed_certificate():
    """(info or None, problem): the certificate nginx serves; a damaged file is a problem, not a 500."""
    try:
        return tls.read_installed_certificate(tls_dir()), ""
    except tls.TLSError as error:
        return None, f"The installed certificate file cannot be read: {error}"


def option_snippets(https_redirect, hsts):
    note = "# Written by the Whisper Appliance panel: change the setting there, not this file.\n"
    redirect = "return 301 https://$host$request_uri;\n" if https_redirect else ""
    header = f'add_header Strict-Transport-Security "max-age={HSTS_MAX_AGE_SECONDS}" always;\n' if hsts else ""
    return {REDIRECT_SNIPPET: (note + redirect).encode(), HSTS_SNIPPET: (note + header).encode()}


def _mode(name):
    return 0o600 if name == tls.KEY_FILE_NAME else 0o644


def run_reload():
    """(reloaded, message); raises ReloadError when the reload failed or was never answered."""
    request_file = reload_request_file()
    if request_file is not None:
        return request_reload(request_file)
    command = reload_command()
    if not command:
        return False, NOT_RELOADED
    try:
        completed = subprocess.run(shlex.split(command), capture_output=True, text=True,
                                   timeout=RELOAD_TIMEOUT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReloadError(f"The reload command could not run ({error}).") from None
    if completed.returncode != 0:
        output = (completed.stderr or completed.stdout or "").strip()[-800:]
        raise ReloadError(f"The reload command failed (exit {completed.returncode}): {output or 'no output'}.")
    return True, RELOADED


def request_reload(request_file, answer_seconds=None):
    """Ask the root reload unit through `request_file` and wait for its answer to this request."""
    token = secrets.token_hex(8)
    status_file = reload_status_file(request_file)
    try:
        request_file.write_text(token + "\n")
    except OSError as error:
        raise ReloadError(f"The reload could not be requested ({error}).") from None
    deadline = time.monotonic() + (RELOAD_ANSWER_SECONDS if answer_seconds is None else answer_seconds)
    while time.monotonic() < deadline:
        answer = _read_answer(status_file, token)
        if answer is not None:
            outcome, details = answer
            if outcome == "ok":
                return True, RELOADED
            raise ReloadError(f"nginx refused the new files, so the old certificate stays: {details or outcome}.")
        time.sleep(RELOAD_POLL_SECONDS)
    raise ReloadError(
        f"The reload was requested but no answer came within {RELOAD_ANSWER_SECONDS} s (is the systemd unit "
        "whisper-appliance-nginx-reload.path enabled?); the previous files were put back."
    )


def _read_answer(status_file, token):
    """("ok" | "failed", nginx's words) once the unit answered `token`, else None."""
    try:
        first, _, rest = status_file.read_text(errors="replace").partition("\n")
    except OSError:
        return None
    answered, _, outcome = first.strip().partition(" ")
    if answered != token:
        return None  # an answer to an earlier request
    return outcome.strip(), rest.strip()[-800:]


def write_and_reload(files):
    """Write {name: bytes} into the TLS directory (the key first) and reload; on a failed
    reload put every previous file back (or remove the new one) and raise ReloadError."""
    directory = tls_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    previous = {name: (directory / name).read_bytes() for name in files if (directory / name).is_file()}
    ordered = sorted(files, key=lambda name: name != tls.KEY_FILE_NAME)
    for name in ordered:
        tls.write_file_atomically(directory / name, files[name], _mode(name))
    try:
        return run_reload()
    except ReloadError as error:
        for name in ordered:
            if name in previous:
                tls.write_file_atomically(directory / name, previous[name], _mode(name))
            else:
                (directory / name).unlink(missing_ok=True)
        raise ReloadError(f"{error} The previous files were put back.") from None


def install_bundle(actor, bundle, source, request=None):
    """Install a checked chain + key (with the current redirect/HSTS snippets); audit either way."""
    current, _ = installed_certificate()
    before = current.to_dict() if current else None
    options = ApplianceSettings.current()
    files = {tls.KEY_FILE_NAME: bundle.key_pem, tls.CERTIFICATE_FILE_NAME: bundle.chain_pem,
             **option_snippets(options.https_redirect, options.hsts)}
    summary = f"Certificate {bundle.info.subject} ({bundle.info.sha256_fingerprint[:23]}…) from {source}"
    try:
        reloaded, message = write_and_reload(files)
    except ReloadError as error:
        audit.record(actor, f"tls.{source}.failed", target=str(tls_dir()), before=before,
                     after=bundle.info.to_dict(), summary=f"{summary}: {error}", request=request)
        raise
    audit.record(actor, f"tls.{source}", target=str(tls_dir()), before=before, after=bundle.info.to_dict(),
                 summary=f"{summary}; {'web server reloaded' if reloaded else 'no web server reloaded'}",
                 request=request)
    return ApplyResult(info=bundle.info, reloaded=reloaded, message=message, warnings=tuple(bundle.warnings))


def generate(actor, common_name, subject_alternative_names, key_type, request=None):
    bundle = tls.generate_self_signed(common_name, subject_alternative_names, key_type=key_type)
    return install_bundle(actor, bundle, "generate", request)


def upload(actor, chain_pem, key_pem, passphrase=None, request=None):
    bundle = tls.validate_bundle(chain_pem, key_pem, passphrase or None)
    return install_bundle(actor, bundle, "upload", request)
