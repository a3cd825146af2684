from django.conf import settings
from django.shortcuts import render

from appliance.engine.transcription_options import LANGUAGE_CODES
from appliance.jobs.available_models import available_models


def index(request):
    """The live page; everything else happens over ws/live/ (login is enforced by middleware)."""
    models = available_models()
    names = [model.name for model in models]
    default_model = settings.DEFAULT_MODEL if settings.DEFAULT_MODEL in names or not names else names[0]
    return render(
        request,
        "live/index.html",
        {
            "models": models,
            "default_model": default_model,
            "languages": sorted(LANGUAGE_CODES),
            "max_sessions": settings.MAX_LIVE_SESSIONS,
        },
    )
