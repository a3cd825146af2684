"""The embedded redis-server starts from a relative data directory too (it changes into its `dir`
before opening its log, so the appliance hands it absolute paths); a real redis-server, stopped after."""
import redis

from appliance.plumbing.embedded_redis import EmbeddedRedis


def test_a_relative_directory_starts_and_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    server = EmbeddedRedis("data/redis", persistent=False).start()
    try:
        assert server.socket_path.is_absolute()
        assert redis.Redis(unix_socket_path=str(server.socket_path)).ping()
    finally:
        server.stop()
