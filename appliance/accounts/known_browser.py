"""A signed cookie that says "this browser has logged in to these accounts before".

The per-account login lock (appliance.accounts.throttle) stops a guesser who rotates addresses,
but it would also let anybody lock a colleague out by failing on purpose. A browser carrying
this cookie for the account is exempt from that one lock (not from the per-address ones), so
people keep logging in from their usual browser while a stranger's guesses are refused. Signed
with SECRET_KEY: it cannot be forged without it.
"""
from django.conf import settings
from django.core import signing

COOKIE_NAME = "appliance_known_login"
SALT = "appliance.accounts.known-browser"
MAX_AGE_SECONDS = 30 * 24 * 3600
# A shared browser remembers a few accounts, most recent first.
MAX_ACCOUNTS = 5


def _normal(username):
    return (username or "").strip().lower()


def _accounts(request):
    try:
        value = request.get_signed_cookie(COOKIE_NAME, default="", salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return []
    return [name for name in value.split("\n") if name]


def is_known(request, username):
    return request is not None and bool(username) and _normal(username) in _accounts(request)


def remember(request, response, username):
    accounts = [_normal(username)] + [name for name in _accounts(request) if name != _normal(username)]
    response.set_signed_cookie(
        COOKIE_NAME, "\n".join(accounts[:MAX_ACCOUNTS]), salt=SALT, max_age=MAX_AGE_SECONDS,
        httponly=True, secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
    )  # fmt: skip
    return response
