"""The one synchronous Redis client of a process, for small keys (presence, cancel flags, health,
settings broadcast). Channels and Celery keep their own connection pools."""
import os

import redis
from django.conf import settings

_clients = {}


def get_redis(redis_url=None):
    """A client for `redis_url` (default: settings.REDIS_URL), one per process and URL."""
    url = redis_url or settings.REDIS_URL
    # Keyed by pid: a client created before a prefork fork must not be shared with the child.
    key = (os.getpid(), url)
    client = _clients.get(key)
    if client is None:
        client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=3, decode_responses=True)
        _clients[key] = client
    return client
