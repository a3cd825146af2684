"""The data directory layout (docs/architecture.md) and secrets generated once into it."""
import os
import secrets
from pathlib import Path


def ensure_dir(path, mode=0o750):
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    return path


def write_private_file(path, text):
    """Create the file 0600 from the start, so the secret is never readable by others."""
    path = Path(path)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.chmod(path, 0o600)
    return path


def read_or_create_secret(path, length=50):
    """Read a secret kept in the data dir, generating it on first start.

    O_EXCL makes two processes starting at once (daphne and a worker) agree on one key.
    """
    path = Path(path)
    ensure_dir(path.parent)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
        raise RuntimeError(f"{path} exists but is empty: delete it to generate a new secret") from None
    value = secrets.token_urlsafe(length)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value
