"""Failed-login counting in the shared cache (Redis), so every daphne process sees the same counts.

Two limits: per (username, address) to stop guessing one account, and per address to stop one
client walking through many usernames. A success clears the per-user count only.
The addresses a username failed from are remembered for the same window, so an admin can lift
every lock that keeps one person out (unlock_username) without knowing where they tried from.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(*parts):
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def _keys(username, address):
    return _key("user", username.strip().lower(), address), _key("address", address)


def is_locked_out(username, address):
    user_key, address_key = _keys(username, address)
    return (
        cache.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_USER_AND_ADDRESS
        or cache.get(address_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    )


def _addresses_key(username):
    return _key("addresses-of", username.strip().lower())


def record_failure(username, address):
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    addresses_key = _addresses_key(username)
    cache.set(addresses_key, sorted({*cache.get(addresses_key, []), address})[-100:], timeout=window)
    for key in _keys(username, address):
        # add() starts the window on the first failure; incr() never extends it.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=window)


def clear_failures(username, address):
    user_key, _ = _keys(username, address)
    cache.delete(user_key)


def lockout_minutes():
    return max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)


def failed_addresses(username):
    """The addresses this username failed to log in from within the lockout window."""
    return list(cache.get(_addresses_key(username), []))


def is_username_locked_out(username):
    """Locked out from at least one address it tried from."""
    return any(is_locked_out(username, address) for address in failed_addresses(username))


def unlock_username(username):
    """Forget every failure of this username and of the addresses it failed from."""
    addresses = failed_addresses(username)
    keys = [key for address in addresses for key in _keys(username, address)]
    cache.delete_many([*keys, _addresses_key(username)])
    return addresses
