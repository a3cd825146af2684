"""Failed-login counting in the shared cache (Redis), so every daphne process sees the same counts.

Three limits, each over one window (APPLIANCE_LOGIN_LOCKOUT_SECONDS) that starts at the first
failure and is never extended by later ones, so no lock outlives it:
  - per (username, address): stops guessing one account from one place;
  - per address: stops one client walking through many usernames;
  - per account, from every address: stops a guesser who rotates addresses. This one could let
    anybody lock a colleague out, so a browser that has logged in to the account before
    (known_browser) is exempt from it, and `manage.py unlock_login` clears any lock from the console.
A success clears the (username, address) count only: the other two are about the attacker.
The client address is scope["client"], which trusts X-Forwarded-For only from the proxies in
APPLIANCE_TRUSTED_PROXIES (appliance.plumbing.trusted_proxies).
"""
import hashlib

from django.conf import settings
from django.core.cache import cache

KEY_ROOT = "login-failures"


def _digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _account(username):
    return _digest(username.strip().lower())


def _keys_and_limits(username, address):
    account, place = _account(username), _digest(address)
    return [
        (f"{KEY_ROOT}:user-address:{account}:{place}", settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS),
        (f"{KEY_ROOT}:address:{place}", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS),
        (f"{KEY_ROOT}:account:{account}", settings.LOGIN_FAILURE_LIMIT_PER_ACCOUNT),
    ]


def is_locked_out(username, address, known_browser=False):
    checked = _keys_and_limits(username, address)
    if known_browser:
        checked = checked[:2]
    return any(cache.get(key, 0) >= limit for key, limit in checked)


def record_failure(username, address):
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key, _ in _keys_and_limits(username, address):
        # add() starts the window on the first failure; incr() never extends it.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=window)


def clear_failures(username, address):
    user_address_key = _keys_and_limits(username, address)[0][0]
    cache.delete(user_address_key)


def lockout_minutes():
    return max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)


def unlock(username=None, address=None):
    """Forget failed logins: of one account (from every address), of one address (for every
    account), both, or all of them. Returns how many counters were removed."""
    from appliance.plumbing.redis_client import get_redis

    account = _account(username) if username else "*"
    place = _digest(address) if address else "*"
    patterns = [f"{KEY_ROOT}:user-address:{account}:{place}"]
    if username or not address:
        patterns.append(f"{KEY_ROOT}:account:{account}")
    if address or not username:
        patterns.append(f"{KEY_ROOT}:address:{place}")
    client = get_redis()
    removed = 0
    for pattern in patterns:
        # The cache's own prefix and version (cache.make_key), so these are its keys exactly.
        keys = list(client.scan_iter(match=cache.make_key(pattern), count=500))
        if keys:
            removed += client.delete(*keys)
    return removed
