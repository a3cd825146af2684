"""OpenAI-compatible routes; mounted at the root, so these are full paths."""
from django.urls import path

from appliance.jobs import openai_api

urlpatterns = [
    path("v1/audio/transcriptions", openai_api.transcriptions, name="openai-transcriptions"),
    path("v1/audio/translations", openai_api.translations, name="openai-translations"),
    path("v1/models", openai_api.models, name="openai-models"),
    path("v1/models/<str:model_id>", openai_api.model_detail, name="openai-model"),
]
