""""Unload now" from the panel: a request per process that has the model loaded, in Redis.

The panel pushes the model name onto the process's own list and wakes its settings follower
(appliance.runtime.follower.ConfigFollower), which takes the requests in its next round and
reports the new state through its presence. A process that is down never takes them; the list
expires. Imports no Django.
"""
import json

REQUESTS_KEY = "appliance:panel:unload-requests:{identity}"
REQUEST_TTL_SECONDS = 300


def request_unload(client, identity, wake_channel, model_name):
    key = REQUESTS_KEY.format(identity=identity)
    pipeline = client.pipeline()
    pipeline.rpush(key, json.dumps({"model": model_name}))
    pipeline.expire(key, REQUEST_TTL_SECONDS)
    pipeline.publish(wake_channel, "unload")
    pipeline.execute()


def take_unload_requests(client, identity):
    """The model names asked of this process since its last round (each once)."""
    key = REQUESTS_KEY.format(identity=identity)
    pipeline = client.pipeline()
    pipeline.lrange(key, 0, -1)
    pipeline.delete(key)
    payloads, _ = pipeline.execute()
    names = []
    for payload in payloads:
        try:
            names.append(json.loads(payload)["model"])
        except (ValueError, KeyError, TypeError):
            continue
    return names
