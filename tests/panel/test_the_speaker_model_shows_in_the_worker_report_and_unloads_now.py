"""The speaker model is managed like the Whisper models on the panel too: a worker that loaded it
for a diarization reports it (name, memory, in use) beside its Whisper models, and "Unload now"
frees it. Real ONNX weights, real Redis presence records."""
import pytest
from django.conf import settings
from django.urls import reverse

from appliance.engine.speakers import SPEAKER_MODEL_NAME
from appliance.panel.models import ApplianceSettings
from appliance.runtime import follower as settings_follower
from appliance.runtime import presence
from appliance.runtime.manager import get_model_manager, get_speaker_models

pytestmark = pytest.mark.django_db


def record():
    return next(record for record in presence.present() if record["identity"] == "test:speakers")


def test_a_loaded_speaker_model_is_reported_and_unloaded_from_the_panel(admin_client, redis_url, wait_until):
    ApplianceSettings.objects.create(pk=ApplianceSettings.SINGLETON_ID, preload_models=[])
    settings_follower.publish(redis_url, ApplianceSettings.current().engine_settings())
    holder = get_speaker_models()
    follower = settings_follower.ConfigFollower(get_model_manager(), settings.REDIS_URL, identity="test:speakers")
    follower.presence = presence.Presence("worker", describe=follower.state, identity="test:speakers").start()
    follower.start()
    try:
        with holder.acquire():
            follower.report()
            loaded = wait_until(lambda: record()["loaded"], what="a record with the speaker model")
            assert [(model["name"], model["in_use"], model["kind"]) for model in loaded] == [(SPEAKER_MODEL_NAME, 1, "speakers")]
            assert loaded[0]["memory_mb"] > 0 and record()["busy"]
        page = admin_client.get(reverse("panel:models")).content.decode()
        assert SPEAKER_MODEL_NAME in page

        admin_client.post(reverse("panel:model-unload", args=[SPEAKER_MODEL_NAME]))

        wait_until(lambda: not holder.is_loaded(), timeout_seconds=10, what="the speaker model unloaded")
        wait_until(lambda: not record()["loaded"], timeout_seconds=10, what="the record without it")
    finally:
        follower.stop()
        follower.presence.stop()
