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


@pytest.mark.parametrize("copies, refusal", [
    (None, "at most 65536 characters"),  # a megabyte of the same certificate
    (12, "The chain holds 12 certificates"),  # within the size cap, over the count cap
])  # fmt: skip
def test_an_oversized_or_repeated_paste_is_refused_and_nothing_is_installed(
    tmp_path, admin_user, user_password, bundle, copies, refusal
):
    chain = bundle.chain_pem.decode() * (copies or 1024 * 1024 // len(bundle.chain_pem))
    with serving(tmp_path, APPLIANCE_TLS_DIR=tmp_path / "tls") as url:
        answer = paste(url, admin_user, user_password, chain, bundle.key_pem.decode())

    assert answer.status_code == 400
    assert refusal in answer.text
    assert not (tmp_path / "tls" / tls.CERTIFICATE_FILE_NAME).exists()


def test_a_sane_paste_still_installs(tmp_path, admin_user, user_password, bundle):
    with serving(tmp_path, APPLIANCE_TLS_DIR=tmp_path / "tls") as url:
        answer = paste(url, admin_user, user_password, bundle.chain_pem.decode(), bundle.key_pem.decode())

    assert answer.status_code == 302, answer.text[:2000]
    assert (tmp_path / "tls" / tls.CERTIFICATE_FILE_NAME).read_bytes().count(b"BEGIN CERTIFICATE") == 1
