from django.urls import path

from webui.views import pages, transcripts

app_name = "webui"

urlpatterns = [
    path("", pages.upload, name="upload"),
    path("jobs/", pages.job_list, name="jobs"),
    path("jobs/bulk", transcripts.jobs_bulk, name="jobs-bulk"),
    path("search/", transcripts.search_page, name="search"),
    path("jobs/<uuid:public_id>/", pages.job_detail, name="job"),
    path("jobs/<uuid:public_id>/delete", pages.job_delete, name="job-delete"),
    path("jobs/<uuid:public_id>/cancel", pages.job_cancel, name="job-cancel"),
    path("jobs/<uuid:public_id>/rerun", pages.job_rerun, name="job-rerun"),
]
