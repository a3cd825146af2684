"""Failed-login counting in the shared cache (Redis), so every daphne process sees the same counts.

Two limits: per (username, address) to stop guessing one account, and per address to stop one
client walking through many usernames. A success clears the per-user count only.
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


def record_failure(username, address):
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
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
