"""Certificates for the appliance's web server: check an uploaded chain + key, make a
self-signed one, describe the one in use, and write the pair atomically for nginx.

Pure Python on `cryptography` (no Django, no openssl subprocess) so that every refusal carries
a message an admin can act on, and so the module can be tested without a web stack.
"""
import datetime
import ipaddress
import os
import re
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERTIFICATE_FILE_NAME = "fullchain.pem"
KEY_FILE_NAME = "privkey.pem"
KEY_TYPES = ("ecdsa-p256", "rsa-3072")
EXPIRY_WARNING_DAYS = 14
# 398 days is the longest validity browsers accept for a leaf, self-signed or not.
SELF_SIGNED_VALIDITY_DAYS = 398
# A leaf, a few intermediates and a 4096-bit RSA key are a few KB each; more is a paste gone wrong
# (or a way to make nginx load thousands of certificates).
MAX_PEM_BYTES = 64 * 1024
MAX_CHAIN_CERTIFICATES = 10

_PEM_CERTIFICATE = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)
_PEM_PRIVATE_KEY = re.compile(rb"-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----")
_DNS_LABEL = re.compile(r"^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$", re.IGNORECASE)


class TLSError(ValueError):
    """A certificate or key was refused; str() tells the admin exactly what is wrong."""


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    subject_alternative_names: list
    not_before: datetime.datetime
    not_after: datetime.datetime
    sha256_fingerprint: str
    days_to_expiry: int
    serial_number: str
    key_description: str
    self_signed: bool

    @property
    def expires_soon(self):
        return self.days_to_expiry < EXPIRY_WARNING_DAYS

    def to_dict(self):
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "subject_alternative_names": list(self.subject_alternative_names),
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha256_fingerprint": self.sha256_fingerprint,
            "days_to_expiry": self.days_to_expiry,
            "serial_number": self.serial_number,
            "key_description": self.key_description,
            "self_signed": self.self_signed,
        }


@dataclass(frozen=True)
class CertificateBundle:
    """A chain (leaf first) and its private key, already checked against each other."""

    chain_pem: bytes
    key_pem: bytes  # always unencrypted PKCS#8: nginx reads it without a passphrase prompt
    info: CertificateInfo
    warnings: list = field(default_factory=list)


def _utcnow():
    return datetime.datetime.now(datetime.UTC)


def _name(certificate_name):
    return certificate_name.rfc4514_string() or "(empty name)"


def _subject_alternative_names(certificate):
    try:
        extension = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    names = [f"DNS:{value}" for value in extension.value.get_values_for_type(x509.DNSName)]
    names += [f"IP:{value}" for value in extension.value.get_values_for_type(x509.IPAddress)]
    return names


def _key_description(public_key):
    if isinstance(public_key, rsa.RSAPublicKey):
        return f"RSA {public_key.key_size}"
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"ECDSA {public_key.curve.name}"
    return type(public_key).__name__.replace("PublicKey", "").lstrip("_")


def _days_between(now, moment):
    # Floor division so "expires in 3 h" reads as 0 days left, never as 1.
    return (moment - now) // datetime.timedelta(days=1)


def days_to_expiry_now(info, now=None):
    """Whole days left from now (negative once expired), for an info computed earlier."""
    return _days_between(now or _utcnow(), info.not_after)


def describe_certificate(certificate, now=None):
    now = now or _utcnow()
    digest = certificate.fingerprint(hashes.SHA256()).hex().upper()
    return CertificateInfo(
        subject=_name(certificate.subject),
        issuer=_name(certificate.issuer),
        subject_alternative_names=_subject_alternative_names(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        sha256_fingerprint=":".join(digest[index:index + 2] for index in range(0, len(digest), 2)),
        days_to_expiry=_days_between(now, certificate.not_valid_after_utc),
        serial_number=format(certificate.serial_number, "X"),
        key_description=_key_description(certificate.public_key()),
        self_signed=certificate.subject == certificate.issuer,
    )


def check_pem_size(pem, what):
    if len(pem) > MAX_PEM_BYTES:
        raise TLSError(f"The {what} is {len(pem) // 1024} KB; a PEM {what} is a few KB (at most "
                       f"{MAX_PEM_BYTES // 1024} KB here): was something else pasted or chosen?")


def parse_certificate_chain(chain_pem):
    """Every PEM certificate in the text, in the order given; refuses anything unreadable."""
    if isinstance(chain_pem, str):
        chain_pem = chain_pem.encode("utf-8", "replace")
    if not chain_pem.strip():
        raise TLSError("The certificate file is empty.")
    check_pem_size(chain_pem, "certificate chain")
    blocks = _PEM_CERTIFICATE.findall(chain_pem)
    if len(blocks) > MAX_CHAIN_CERTIFICATES:
        raise TLSError(f"The chain holds {len(blocks)} certificates; a server needs its own and a few issuers "
                       f"(at most {MAX_CHAIN_CERTIFICATES}).")
    if len(set(blocks)) < len(blocks):
        raise TLSError("The chain holds the same certificate more than once: give each certificate once.")
    if not blocks:
        if _PEM_PRIVATE_KEY.search(chain_pem):
            raise TLSError("The certificate file holds a private key but no certificate: "
                           "put the certificate chain there and the key in the key field.")
        raise TLSError("The certificate file is not PEM: expected one or more "
                       "'-----BEGIN CERTIFICATE-----' blocks (DER or PKCS#12 files must be converted first).")
    certificates = []
    for position, block in enumerate(blocks, start=1):
        try:
            certificates.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            raise TLSError(f"Certificate {position} in the file is damaged: its PEM block does not hold "
                           "a valid X.509 certificate (was it cut short when copying?).") from None
    return certificates


def load_private_key(key_pem, passphrase=None):
    if isinstance(key_pem, str):
        key_pem = key_pem.encode("utf-8", "replace")
    check_pem_size(key_pem or b"", "private key")
    match = _PEM_PRIVATE_KEY.search(key_pem or b"")
    if not match:
        if _PEM_CERTIFICATE.search(key_pem or b""):
            raise TLSError("The key file holds a certificate but no private key.")
        raise TLSError("The key file is not a PEM private key: expected a '-----BEGIN PRIVATE KEY-----' block.")
    encrypted = match.group(1) == b"ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in key_pem
    if encrypted and not passphrase:
        raise TLSError("The private key is encrypted: enter its passphrase.")
    password = passphrase.encode("utf-8") if (encrypted and passphrase) else None
    try:
        key = serialization.load_pem_private_key(key_pem, password=password)
    except (ValueError, TypeError) as error:
        if encrypted:
            raise TLSError("The passphrase does not decrypt the private key.") from None
        raise TLSError(f"The private key cannot be read: {error}") from None
    except UnsupportedAlgorithm as error:
        raise TLSError(f"The private key uses an unsupported algorithm: {error}") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)):
        raise TLSError("Only RSA and ECDSA private keys are supported by the appliance's web server setup.")
    return key


def _public_key_bytes(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _directly_issued_by(certificate, issuer):
    try:
        certificate.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check_order(certificates):
    for position in range(len(certificates) - 1):
        child, parent = certificates[position], certificates[position + 1]
        if _directly_issued_by(child, parent):
            continue
        issuer_positions = [index + 1 for index, other in enumerate(certificates)
                            if other is not child and _directly_issued_by(child, other)]
        if issuer_positions:
            raise TLSError(
                f"The chain is out of order: certificate {position + 1} ({_name(child.subject)}) is issued by "
                f"certificate {issuer_positions[0]}, which must come right after it (leaf first, then each issuer).")
        raise TLSError(
            f"The chain is broken: certificate {position + 2} ({_name(parent.subject)}) did not issue "
            f"certificate {position + 1} ({_name(child.subject)}), whose issuer is {_name(child.issuer)}.")


def _check_validity(certificates, now):
    for position, certificate in enumerate(certificates, start=1):
        label = "The certificate" if position == 1 else f"Certificate {position} in the chain"
        subject = _name(certificate.subject)
        if certificate.not_valid_after_utc <= now:
            days = _days_between(certificate.not_valid_after_utc, now)
            raise TLSError(f"{label} ({subject}) expired on "
                           f"{certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC, {days} days ago.")
        if certificate.not_valid_before_utc > now:
            raise TLSError(f"{label} ({subject}) is not valid yet: it becomes valid on "
                           f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC.")


def validate_bundle(chain_pem, key_pem, passphrase=None, now=None):
    """Check a chain + key the way an admin means it: the key belongs to the first certificate,
    each further certificate issued the one before it, and all are valid today."""
    now = now or _utcnow()
    certificates = parse_certificate_chain(chain_pem)
    key = load_private_key(key_pem, passphrase)
    key_bytes = _public_key_bytes(key.public_key())
    matching = [index for index, certificate in enumerate(certificates)
                if _public_key_bytes(certificate.public_key()) == key_bytes]
    if not matching:
        raise TLSError("The private key does not belong to the certificate "
                       f"({_name(certificates[0].subject)}): upload the key that was made with it.")
    if matching[0] != 0:
        raise TLSError(f"The chain is out of order: the certificate for this key is number {matching[0] + 1}; "
                       "the server certificate (leaf) must come first, then its issuers.")
    _check_order(certificates)
    _check_validity(certificates, now)
    info = describe_certificate(certificates[0], now)
    warnings = []
    if not info.subject_alternative_names:
        warnings.append("The certificate has no subject alternative names; browsers will reject it.")
    return CertificateBundle(
        chain_pem=b"".join(certificate.public_bytes(serialization.Encoding.PEM) for certificate in certificates),
        key_pem=_unencrypted_pem(key),
        info=info,
        warnings=warnings,
    )


def _unencrypted_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def parse_subject_alternative_names(text_or_list):
    """'host, 192.0.2.1 ...' → a list of x509 GeneralNames; refuses names a browser would not match."""
    items = text_or_list.replace(",", " ").split() if isinstance(text_or_list, str) else list(text_or_list)
    names, seen = [], set()
    for item in (value.strip() for value in items):
        item = item.removeprefix("DNS:").removeprefix("IP:")
        if not item or item.lower() in seen:
            continue
        seen.add(item.lower())
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(item.strip("[]"))))
            continue
        except ValueError:
            pass
        labels = item.rstrip(".").split(".")
        if len(item) > 253 or not all(_DNS_LABEL.match(label) for label in labels) or "*" in labels[1:]:
            raise TLSError(f"{item!r} is neither a host name nor an IP address.")
        names.append(x509.DNSName(item.rstrip(".").lower()))
    if not names:
        raise TLSError("Give at least one host name or IP address for the certificate.")
    return names


def default_subject_alternative_names(extra_addresses=()):
    """The names this machine answers to: its host names, localhost, and its addresses."""
    hostname = socket.gethostname()
    names = [hostname, socket.getfqdn(), "localhost"]
    addresses = ["127.0.0.1", "::1", *extra_addresses]
    try:
        import psutil  # only for interface addresses; the rest of the module does not need it

        for interface_addresses in psutil.net_if_addrs().values():
            for address in interface_addresses:
                if address.family in (socket.AF_INET, socket.AF_INET6):
                    addresses.append(address.address.split("%")[0])
    except ImportError:
        pass
    result, seen = [], set()
    for name in names + addresses:
        if name and name not in seen:
            seen.add(name)
            result.append(name)
    return result


def generate_self_signed(common_name, subject_alternative_names, key_type="ecdsa-p256",
                         days=SELF_SIGNED_VALIDITY_DAYS, now=None):
    if key_type == "ecdsa-p256":
        key = ec.generate_private_key(ec.SECP256R1())
        key_usage = dict(digital_signature=True, key_encipherment=False)
    elif key_type == "rsa-3072":
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
        key_usage = dict(digital_signature=True, key_encipherment=True)
    else:
        raise TLSError(f"Unknown key type {key_type!r}: choose one of {', '.join(KEY_TYPES)}.")
    common_name = (common_name or "").strip()
    if not common_name or len(common_name) > 64:
        raise TLSError("The common name must be 1 to 64 characters.")
    names = parse_subject_alternative_names(subject_alternative_names)
    now = now or _utcnow()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Whisper Appliance")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        # Backdated a little so a client whose clock lags does not see "not yet valid".
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(content_commitment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False, **key_usage), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return CertificateBundle(
        chain_pem=certificate.public_bytes(serialization.Encoding.PEM),
        key_pem=_unencrypted_pem(key),
        info=describe_certificate(certificate, now),
    )


def write_file_atomically(path, data, mode):
    """Replace `path` with `data` so that a reader sees the old file or the new one, never half."""
    # Same directory as the target so os.replace is a rename within one filesystem.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bundle(tls_dir, bundle):
    """Install chain + key into tls_dir (key 0600). Returns (certificate_path, key_path)."""
    tls_dir = Path(tls_dir)
    tls_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
    certificate_path, key_path = tls_dir / CERTIFICATE_FILE_NAME, tls_dir / KEY_FILE_NAME
    # The key goes first: a reload between the two renames then fails on a key/cert mismatch
    # and nginx keeps serving the old pair, instead of serving a new cert with no matching key.
    write_file_atomically(key_path, bundle.key_pem, 0o600)
    write_file_atomically(certificate_path, bundle.chain_pem, 0o644)
    directory = os.open(tls_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return certificate_path, key_path


def read_installed_certificate(tls_dir, now=None):
    """The certificate nginx serves from tls_dir, or None when none is installed yet."""
    path = Path(tls_dir) / CERTIFICATE_FILE_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return describe_certificate(parse_certificate_chain(data)[0], now)
