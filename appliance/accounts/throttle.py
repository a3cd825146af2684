"""Failed-login counting in the shared cache (Redis), so every daphne process sees the same counts.

Three limits, each over one window (APPLIANCE_LOGIN_LOCKOUT_SECONDS) that starts at the first
failure and is never extended by later ones, so no lock outlives it:
  - per (username, address): stops guessing one account from one place;
  - per address: stops one client walking through many usernames;
  - per account, from every address: stops a guesser who rotates addresses. This one could let
    anybody lock a colleague out, so a browser that has logged in to the account before
    (known_browser) is exempt from it, and `manage.py unlock_login` clears any lock from the console.
A success clears the (username, address) count only: the other two are about the attacker.
The addresses a username failed from are remembered for the same window, so an admin can lift
every lock that keeps one person out (unlock_username) without knowing where they tried from.
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


def _addresses_key(username):
    return f"{KEY_ROOT}:addresses-of:{_account(username)}"


def record_failure(username, address):
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    addresses_key = _addresses_key(username)
    cache.set(addresses_key, sorted({*cache.get(addresses_key, []), address})[-100:], timeout=window)
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


def failed_addresses(username):
    """The addresses this username failed to log in from within the lockout window."""
    return list(cache.get(_addresses_key(username), []))


def is_username_locked_out(username):
    """Locked out for strangers (the per-account lock) or from an address it tried from."""
    account_key, limit = _keys_and_limits(username, "")[2]
    if cache.get(account_key, 0) >= limit:
        return True
    return any(is_locked_out(username, address, known_browser=True) for address in failed_addresses(username))


def unlock_username(username):
    """Forget every failure of this username, and of the addresses it failed from (those may try
    again too). Returns those addresses."""
    addresses = failed_addresses(username)
    keys = [key for address in addresses for key, _ in _keys_and_limits(username, address)]
    cache.delete_many([*keys, f"{KEY_ROOT}:account:{_account(username)}", _addresses_key(username)])
    return addresses


def unlock_address(address):
    """Forget every failure from this address, for every account. Returns how many counters went."""
    return _delete_matching([f"{KEY_ROOT}:address:{_digest(address)}", f"{KEY_ROOT}:user-address:*:{_digest(address)}"])


def unlock_everything():
    return _delete_matching([f"{KEY_ROOT}:*"])


def _delete_matching(patterns):
    from appliance.plumbing.redis_client import get_redis

    client = get_redis()
    removed = 0
    for pattern in patterns:
        # The cache's own prefix and version (cache.make_key), so these are its keys exactly.
        keys = list(client.scan_iter(match=cache.make_key(pattern), count=500))
        if keys:
            removed += client.delete(*keys)
    return removed
