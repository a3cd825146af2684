"""An uploaded chain + key is accepted only when a web server could serve it today."""
import pytest

from appliance.panel.tls import TLSError, validate_bundle


def test_it_accepts_a_leaf_followed_by_its_intermediate(pki, good_leaf):
    bundle = validate_bundle(good_leaf.pem + pki.intermediate.pem, good_leaf.key_pem())

    assert bundle.info.subject == "CN=appliance.example.org"
    assert bundle.info.issuer == "CN=Test Intermediate CA"
    assert bundle.info.subject_alternative_names == ["DNS:appliance.example.org"]
    assert bundle.chain_pem.count(b"BEGIN CERTIFICATE") == 2
    assert bundle.warnings == []


def test_it_refuses_a_key_that_belongs_to_another_certificate(pki, good_leaf):
    other = pki.leaf("other.example.org")

    with pytest.raises(TLSError, match="private key does not belong to the certificate"):
        validate_bundle(good_leaf.pem + pki.intermediate.pem, other.key_pem())


def test_it_refuses_an_expired_certificate_and_says_when_it_expired(pki):
    expired = pki.leaf(not_before=pki.days(-400), not_after=pki.days(-3))

    with pytest.raises(TLSError, match=r"expired on \d{4}-\d\d-\d\d .*, 3 days ago"):
        validate_bundle(expired.pem + pki.intermediate.pem, expired.key_pem())


def test_it_refuses_a_certificate_that_is_not_valid_yet(pki):
    future = pki.leaf(not_before=pki.days(2), not_after=pki.days(200))

    with pytest.raises(TLSError, match="is not valid yet: it becomes valid on"):
        validate_bundle(future.pem + pki.intermediate.pem, future.key_pem())


def test_it_refuses_an_expired_intermediate_even_when_the_leaf_is_fine(pki, good_leaf):
    stale = pki._issue("Stale Intermediate", issuer=pki.root, ca=True,
                       not_before=pki.days(-30), not_after=pki.days(-1))
    leaf = pki._issue("served.example.org", issuer=stale, names=["served.example.org"])

    with pytest.raises(TLSError, match=r"Certificate 2 in the chain \(CN=Stale Intermediate\) expired"):
        validate_bundle(leaf.pem + stale.pem, leaf.key_pem())


@pytest.mark.parametrize("garbage", [b"", b"   \n", b"hello world", b"\x30\x82\x01\x0a\x02\x82",
                                     b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"])
def test_it_refuses_garbage_in_the_certificate_field(good_leaf, garbage):
    with pytest.raises(TLSError, match="(?i)certificate"):
        validate_bundle(garbage, good_leaf.key_pem())


@pytest.mark.parametrize("garbage", [b"", b"not a key",
                                     b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
def test_it_refuses_garbage_in_the_key_field(good_leaf, garbage):
    with pytest.raises(TLSError, match="key"):
        validate_bundle(good_leaf.pem, garbage)


def test_it_says_when_the_key_and_certificate_fields_are_swapped(good_leaf):
    with pytest.raises(TLSError, match="holds a private key but no certificate"):
        validate_bundle(good_leaf.key_pem(), good_leaf.pem)


def test_it_asks_for_the_passphrase_of_an_encrypted_key(pki, good_leaf):
    with pytest.raises(TLSError, match="encrypted: enter its passphrase"):
        validate_bundle(good_leaf.pem + pki.intermediate.pem, good_leaf.key_pem("correct horse"))


def test_it_refuses_a_wrong_passphrase(pki, good_leaf):
    with pytest.raises(TLSError, match="passphrase does not decrypt"):
        validate_bundle(good_leaf.pem + pki.intermediate.pem, good_leaf.key_pem("correct horse"), "wrong")


def test_it_decrypts_an_encrypted_key_with_its_passphrase_and_keeps_it_unencrypted_for_nginx(pki, good_leaf):
    bundle = validate_bundle(good_leaf.pem + pki.intermediate.pem, good_leaf.key_pem("correct horse"),
                             "correct horse")

    assert bundle.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert bundle.info.subject == "CN=appliance.example.org"


def test_it_refuses_an_intermediate_placed_before_the_leaf(pki, good_leaf):
    with pytest.raises(TLSError, match="out of order: the certificate for this key is number 2"):
        validate_bundle(pki.intermediate.pem + good_leaf.pem, good_leaf.key_pem())


def test_it_refuses_a_root_placed_between_the_leaf_and_its_intermediate(pki, good_leaf):
    with pytest.raises(TLSError, match=r"out of order: certificate 1 \(CN=appliance.example.org\) is issued "
                                       r"by certificate 3"):
        validate_bundle(good_leaf.pem + pki.root.pem + pki.intermediate.pem, good_leaf.key_pem())


def test_it_refuses_a_chain_with_a_certificate_that_did_not_issue_the_one_before(pki, good_leaf):
    stranger = pki._issue("Unrelated CA", ca=True)

    with pytest.raises(TLSError, match=r"chain is broken: certificate 2 \(CN=Unrelated CA\) did not issue"):
        validate_bundle(good_leaf.pem + stranger.pem, good_leaf.key_pem())


def test_it_warns_when_the_certificate_names_no_host(pki):
    bare = pki._issue("bare", issuer=pki.intermediate)

    bundle = validate_bundle(bare.pem + pki.intermediate.pem, bare.key_pem())

    assert bundle.warnings == ["The certificate has no subject alternative names; browsers will reject it."]
