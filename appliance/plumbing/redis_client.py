"""One synchronous Redis client per process for small keys (heartbeats, cancel flags, health)."""
import os

import redis
from django.conf import settings

_clients = {}


def get_redis():
    # Keyed by pid: a client created before a prefork fork must not be shared with the child.
    key = (os.getpid(), settings.REDIS_URL)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=5, socket_connect_timeout=2, decode_responses=True
        )
        _clients[key] = client
    return client
