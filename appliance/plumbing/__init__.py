"""Infrastructure every process shares: strict env helpers, the data dir, database and Redis
URLs, the one Redis client, the embedded redis-server, ASGI request limits and `make run`'s
supervisor (`python -m appliance.plumbing.run`)."""
