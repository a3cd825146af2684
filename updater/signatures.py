"""Signature check of a release against an allowlist of GPG key fingerprints.

git does the cryptography (``verify-tag`` / ``verify-commit --raw``); we read GnuPG's machine
status lines and decide ourselves, so a valid signature from a key that merely sits in the keyring
is still refused unless its fingerprint is allowed.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Refused
from .source import Mirror, Target

log = logging.getLogger("updater")


@dataclass(frozen=True)
class SignatureStatus:
    signed: bool
    valid_fingerprints: tuple[str, ...] = ()   # signing key and its primary key
    problem: str = ""                         # bad / unknown key / expired / revoked


def verify_release(mirror: Mirror, target: Target, allowed: list[str], gnupg_home: Path | None) -> str:
    """The allowed fingerprint that signed the release; raises Refused otherwise."""
    allowed_set = set(allowed)
    statuses = []
    if target.tag and mirror.is_signed_tag(target.tag):
        statuses.append(("tag", _verify(mirror, "verify_tag", target.tag, gnupg_home)))
    commit_status = _verify(mirror, "verify_commit", target.commit, gnupg_home)
    if commit_status.signed:
        statuses.append(("commit", commit_status))
    if not statuses:
        raise Refused("unsigned", f"{target.version} is not signed, and signatures are required "
                                  f"(allowed signers: {', '.join(allowed)})")
    for kind, status in statuses:
        matching = allowed_set.intersection(status.valid_fingerprints)
        if matching:
            fingerprint = sorted(matching)[0]
            log.info("%s %s carries a good signature by allowed key %s", kind, target.version, fingerprint)
            return fingerprint
    problems = []
    for kind, status in statuses:
        if status.problem:
            problems.append(f"the {kind} signature {status.problem}")
        else:
            problems.append(f"the {kind} is signed by {status.valid_fingerprints[-1]}, which is not an allowed signer")
    raise Refused("untrusted-signature", f"{target.version} refused: {'; '.join(problems)}")


def _verify(mirror: Mirror, command: str, ref: str, gnupg_home: Path | None) -> SignatureStatus:
    env = dict(os.environ)
    if gnupg_home:
        env["GNUPGHOME"] = str(gnupg_home)
    _, _, stderr = getattr(mirror.repo.git, command)(
        "--raw", ref, with_extended_output=True, with_exceptions=False, env=env)
    return parse_status(stderr)


def parse_status(raw: str) -> SignatureStatus:
    fields = {}
    for line in raw.splitlines():
        if line.startswith("[GNUPG:] "):
            words = line.split()[1:]
            fields.setdefault(words[0], words[1:])
    if "VALIDSIG" in fields and "GOODSIG" in fields:
        words = fields["VALIDSIG"]
        # VALIDSIG <fingerprint> ... <primary key fingerprint>: subkey signatures name the primary last.
        fingerprints = (words[0].upper(), words[-1].upper()) if len(words) >= 10 else (words[0].upper(),)
        return SignatureStatus(True, fingerprints)
    for keyword, problem in (
        ("BADSIG", "does not match the signed content (bad signature)"),
        ("EXPKEYSIG", "was made by an expired key"),
        ("REVKEYSIG", "was made by a revoked key"),
        ("NO_PUBKEY", "was made by a key that is not in the updater's keyring"),
        ("ERRSIG", "could not be checked"),
    ):
        if keyword in fields:
            key = fields[keyword][0] if fields[keyword] else "?"
            return SignatureStatus(True, (), f"{problem} (key {key})")
    return SignatureStatus(False)
