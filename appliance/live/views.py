from django.conf import settings
from django.shortcuts import render

from appliance.engine import language_choices
from appliance.jobs.available_models import available_models
from appliance.jobs.request_options import default_model_name


def index(request):
    """The live page; everything else happens over ws/live/ (login is enforced by middleware)."""
    models = available_models()
    names = [model.name for model in models]
    default_model = default_model_name()
    default_model = default_model if default_model in names or not names else names[0]
    return render(
        request,
        "live/index.html",
        {
            "models": models,
            "default_model": default_model,
            "languages": language_choices(),
            "max_sessions": settings.MAX_LIVE_SESSIONS,
        },
    )
