import hashlib

import pytest

from appliance.tokens.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_plain_token_is_nowhere_in_the_database(staff_user, issue_token):
    plain = issue_token(staff_user, "laptop")

    token = ApiToken.objects.get()
    stored = [str(value) for value in ApiToken.objects.values_list().get()]
    assert not any(plain in value for value in stored)
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()


def test_a_token_reads_wa_then_its_prefix_then_a_long_secret(staff_user, issue_token):
    plain = issue_token(staff_user)

    mark, prefix, secret = plain.split("_", 2)
    assert mark == "wa"
    assert prefix == ApiToken.objects.get().prefix and len(prefix) == 8
    assert len(secret) >= 40


def test_two_tokens_never_share_a_prefix_or_a_secret(staff_user, issue_token):
    tokens = {issue_token(staff_user) for _ in range(20)}

    assert len(tokens) == 20
    assert ApiToken.objects.values("prefix").distinct().count() == 20
