"""One REDIS_URL, spelled the way each client wants it.

redis-py (cache, channels-redis, health) understands unix:///path.sock; kombu (Celery broker)
only knows the same socket as redis+socket:///path.sock.
"""
from urllib.parse import urlsplit


def embedded_redis_url(data_dir):
    return f"unix://{data_dir}/redis/redis.sock"


def celery_broker_url(redis_url):
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        query = f"?{parts.query}" if parts.query else ""
        return f"redis+socket://{parts.path}{query}"
    return redis_url


def redis_socket_path(redis_url):
    parts = urlsplit(redis_url)
    return parts.path if parts.scheme == "unix" else None
