import pytest


@pytest.fixture
def issue_token():
    """issue_token(user, name="script") → the plain token (as the user saw it once)."""
    from appliance.tokens.services import create_token

    def issue(user, name="script"):
        return create_token(user, name)[1]

    return issue


@pytest.fixture
def bearer():
    def header(plain):
        return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}

    return header
