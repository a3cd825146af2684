from django.urls import path

from appliance.jobs import api, bulk_api, transcript_api, transcript_llm_api

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
    path("<uuid:public_id>/transcript/", transcript_api.transcript, name="transcript"),
    path("<uuid:public_id>/transcript/revisions/", transcript_api.revision_list, name="revisions"),
    path("<uuid:public_id>/transcript/revisions/<int:number>/", transcript_api.revision_detail, name="revision"),
    path("<uuid:public_id>/transcript/revisions/<int:number>/restore/", transcript_api.revision_restore, name="restore"),
    path("<uuid:public_id>/llm/", transcript_llm_api.last_answers, name="llm-answers"),
    path("<uuid:public_id>/llm/<str:action>/", transcript_llm_api.run_action, name="llm-action"),
    path("bulk/download/", bulk_api.bulk_download, name="bulk-download"),
    path("bulk/delete/", bulk_api.bulk_delete, name="bulk-delete"),
]
