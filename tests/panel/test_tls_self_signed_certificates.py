"""The panel can make a self-signed certificate for the names the appliance answers to."""
import ipaddress

import pytest
from cryptography import x509

from appliance.panel.tls import (
    TLSError, default_subject_alternative_names, generate_self_signed, parse_subject_alternative_names,
    validate_bundle,
)


@pytest.mark.parametrize("key_type, description", [("ecdsa-p256", "ECDSA secp256r1"), ("rsa-3072", "RSA 3072")])
def test_it_generates_a_certificate_that_passes_its_own_upload_checks(key_type, description):
    bundle = generate_self_signed("whisper.lan", "whisper.lan, 192.0.2.10 ::1", key_type=key_type)

    checked = validate_bundle(bundle.chain_pem, bundle.key_pem)
    assert checked.info.key_description == description
    assert checked.info.self_signed
    assert checked.info.subject_alternative_names == ["DNS:whisper.lan", "IP:192.0.2.10", "IP:::1"]
    assert 396 <= checked.info.days_to_expiry <= 398


def test_it_marks_the_certificate_for_server_use_only():
    bundle = generate_self_signed("whisper.lan", ["whisper.lan"])
    certificate = x509.load_pem_x509_certificate(bundle.chain_pem)

    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usages = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert [usage.dotted_string for usage in usages] == ["1.3.6.1.5.5.7.3.1"]


def test_it_refuses_a_host_name_with_spaces_or_bad_characters():
    with pytest.raises(TLSError, match="'bad_name!' is neither a host name nor an IP address"):
        parse_subject_alternative_names("good.example bad_name!")


def test_it_refuses_an_empty_list_of_names():
    with pytest.raises(TLSError, match="at least one host name"):
        generate_self_signed("whisper.lan", " , ")


def test_it_refuses_an_unknown_key_type():
    with pytest.raises(TLSError, match="Unknown key type 'dsa'"):
        generate_self_signed("whisper.lan", "whisper.lan", key_type="dsa")


def test_it_accepts_a_wildcard_only_as_the_first_label():
    names = parse_subject_alternative_names(["*.example.org", "[fe80::1]", "DNS:Host.Example.org."])

    assert names == [x509.DNSName("*.example.org"), x509.IPAddress(ipaddress.ip_address("fe80::1")),
                     x509.DNSName("host.example.org")]
    with pytest.raises(TLSError):
        parse_subject_alternative_names("www.*.example.org")


def test_the_default_names_cover_this_host_and_loopback_and_are_all_accepted():
    names = default_subject_alternative_names()

    assert "localhost" in names and "127.0.0.1" in names
    assert len(parse_subject_alternative_names(names)) == len(names)
