"""With signatures required, only releases signed by an allowed GPG key are installed."""

import pytest


@pytest.fixture(scope="module")
def signed_appliance(new_appliance):
    appliance = new_appliance()
    appliance.write_config(require_signatures=True)
    appliance.install("v1.1.0")
    yield appliance
    appliance.stop()


def _release(appliance, version, signer):
    appliance.upstream.release(version, f"Release {version}", signer=signer)
    return appliance.updater.apply(version=version)


def test_a_release_signed_by_an_allowed_key_is_installed(signed_appliance, signing_keys):
    history = signed_appliance.updater.history()

    assert history[0]["status"] == "succeeded"
    assert history[0]["signer"] == signing_keys.trusted


def test_it_refuses_an_unsigned_release(signed_appliance, signing_keys):
    result = _release(signed_appliance, "v1.2.0", signer=None)

    assert result["status"] == "refused"
    assert result["reason"] == "unsigned"
    assert result["message"] == (f"v1.2.0 is not signed, and signatures are required "
                                 f"(allowed signers: {signing_keys.trusted})")
    assert signed_appliance.current() == "v1.1.0"
    assert not (signed_appliance.root / "releases" / "v1.2.0").exists()


def test_force_does_not_skip_the_signature_check(signed_appliance):
    result = signed_appliance.updater.apply(version="v1.2.0", force=True)

    assert result["status"] == "refused"
    assert result["reason"] == "unsigned"


def test_it_refuses_a_release_signed_by_a_key_that_is_not_allowed(signed_appliance, signing_keys):
    result = _release(signed_appliance, "v1.2.1", signer="stranger")

    assert result["reason"] == "untrusted-signature"
    assert f"the tag is signed by {signing_keys.stranger}, which is not an allowed signer" in result["message"]


def test_it_refuses_a_release_signed_by_a_key_missing_from_its_keyring(signed_appliance):
    result = _release(signed_appliance, "v1.2.2", signer="outsider")

    assert result["reason"] == "untrusted-signature"
    assert "was made by a key that is not in the updater's keyring" in result["message"]


def test_the_check_shows_the_refusal_before_anyone_applies(signed_appliance):
    check = signed_appliance.updater.check()

    assert check["target"]["version"] == "v1.2.2"
    assert check["refusal"]["reason"] == "untrusted-signature"


def test_a_signed_commit_under_a_plain_tag_is_accepted(signed_appliance, signing_keys):
    upstream = signed_appliance.upstream
    upstream.commit("v1.3.0", "Release v1.3.0")
    upstream.git("-c", f"user.signingkey={signing_keys.trusted}", "commit", "--quiet", "--amend", "-S", "--no-edit")
    upstream.git("tag", "v1.3.0")
    upstream.push()

    result = signed_appliance.updater.apply()

    assert result["status"] == "succeeded", result["message"]
    assert signed_appliance.get("/version") == "v1.3.0"
