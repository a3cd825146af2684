from django.urls import path

from appliance.jobs import api

app_name = "jobs-api"

urlpatterns = [
    path("", api.jobs_collection, name="collection"),
    path("<uuid:public_id>/", api.job_resource, name="detail"),
    path("<uuid:public_id>/delete/", api.job_delete, name="delete"),
    path("<uuid:public_id>/cancel/", api.job_cancel, name="cancel"),
    path("<uuid:public_id>/rerun/", api.job_rerun, name="rerun"),
    path("<uuid:public_id>/speakers/", api.job_speaker_names, name="speakers"),
    path("<uuid:public_id>/audio", api.job_audio, name="audio"),
    path("<uuid:public_id>/download/<str:fmt>", api.job_download, name="download"),
]
