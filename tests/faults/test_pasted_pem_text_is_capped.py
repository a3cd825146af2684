"""Item 10 of issue 19: a pasted certificate chain has a size cap and a certificate count cap,
so a megabyte of repeated certificates never becomes nginx's chain."""
import pytest
from upload_tree import serving, session_client

from appliance.panel import tls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def bundle():
    return tls.generate_self_signed("appliance.test", "appliance.test")


def paste(url, user, password, chain, key):
    client = session_client(url, user, password)
    return client.post("/panel/tls/upload", data={"chain_text": chain, "key_text": key})


def test_a_megabyte_of_pasted_certificates_is_refused_and_nothing_is_installed(tmp_path, admin_user, user_password, bundle):
    chain = bundle.chain_pem.decode() * (1024 * 1024 // len(bundle.chain_pem))
    with serving(tmp_path, APPLIANCE_TLS_DIR=tmp_path / "tls") as url:
        answer = paste(url, admin_user, user_password, chain, bundle.key_pem.decode())

    assert answer.status_code == 400
    assert "at most 65536 characters" in answer.text
    assert not (tmp_path / "tls" / tls.CERTIFICATE_FILE_NAME).exists()


def test_a_chain_of_repeated_certificates_within_the_size_cap_is_refused(tmp_path, admin_user, user_password, bundle):
    chain = bundle.chain_pem.decode() * 12
    with serving(tmp_path, APPLIANCE_TLS_DIR=tmp_path / "tls") as url:
        answer = paste(url, admin_user, user_password, chain, bundle.key_pem.decode())

    assert answer.status_code == 400
    assert "The chain holds 12 certificates" in answer.text
    assert not (tmp_path / "tls" / tls.CERTIFICATE_FILE_NAME).exists()


def test_a_sane_paste_still_installs(tmp_path, admin_user, user_password, bundle):
    with serving(tmp_path, APPLIANCE_TLS_DIR=tmp_path / "tls") as url:
        answer = paste(url, admin_user, user_password, bundle.chain_pem.decode(), bundle.key_pem.decode())

    assert answer.status_code == 302, answer.text[:2000]
    assert (tmp_path / "tls" / tls.CERTIFICATE_FILE_NAME).read_bytes().count(b"BEGIN CERTIFICATE") == 1
