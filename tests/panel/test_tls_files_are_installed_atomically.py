"""Applying a certificate writes the pair where nginx reads it, atomically, key private."""
import datetime
import stat
import subprocess

from appliance.panel.tls import (
    CERTIFICATE_FILE_NAME, KEY_FILE_NAME, describe_certificate, generate_self_signed, read_installed_certificate,
    validate_bundle, write_bundle,
)


def test_it_writes_the_chain_and_a_key_only_its_owner_can_read(tmp_path, pki, good_leaf):
    bundle = validate_bundle(good_leaf.pem + pki.intermediate.pem, good_leaf.key_pem())

    certificate_path, key_path = write_bundle(tmp_path / "tls", bundle)

    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert certificate_path.read_bytes() == good_leaf.pem + pki.intermediate.pem
    assert key_path.read_bytes() == bundle.key_pem
    assert sorted(path.name for path in (tmp_path / "tls").iterdir()) == [CERTIFICATE_FILE_NAME, KEY_FILE_NAME]


def test_it_replaces_an_installed_pair_without_leaving_temporary_files(tmp_path):
    write_bundle(tmp_path, generate_self_signed("first.lan", "first.lan"))
    second = generate_self_signed("second.lan", "second.lan")

    write_bundle(tmp_path, second)

    assert read_installed_certificate(tmp_path).subject == "O=Whisper Appliance,CN=second.lan"
    assert len(list(tmp_path.iterdir())) == 2


def test_it_reports_no_certificate_when_none_is_installed(tmp_path):
    assert read_installed_certificate(tmp_path / "missing") is None


def test_the_description_matches_what_openssl_reads_from_the_installed_file(tmp_path):
    certificate_path, key_path = write_bundle(tmp_path, generate_self_signed("whisper.lan", "whisper.lan 10.0.0.5"))

    info = read_installed_certificate(tmp_path)
    openssl = subprocess.run(["openssl", "x509", "-in", str(certificate_path), "-noout", "-fingerprint",
                              "-sha256", "-ext", "subjectAltName"], capture_output=True, text=True, check=True)
    key_check = subprocess.run(["openssl", "pkey", "-in", str(key_path), "-noout"], capture_output=True)

    assert f"sha256 Fingerprint={info.sha256_fingerprint}" in openssl.stdout
    assert "DNS:whisper.lan, IP Address:10.0.0.5" in openssl.stdout
    assert key_check.returncode == 0


def test_days_to_expiry_counts_whole_days_left_and_flags_under_fourteen(pki):
    leaf = pki.leaf(not_after=pki.days(10))
    almost_ten_days_before = leaf.certificate.not_valid_after_utc - datetime.timedelta(days=9, hours=23)

    info = validate_bundle(leaf.pem + pki.intermediate.pem, leaf.key_pem(), now=almost_ten_days_before).info

    assert info.days_to_expiry == 9
    assert info.expires_soon
    fifteen_days_before = almost_ten_days_before - datetime.timedelta(days=5)
    assert not describe_certificate(leaf.certificate, now=fifteen_days_before).expires_soon
