from django.urls import path, re_path

from benchmarks.web import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.index, name="index"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status.json", views.run_status, name="run-status"),
    path("runs/<int:pk>/cancel", views.run_cancel, name="run-cancel"),
    re_path(r"^runs/(?P<pk>\d+)/export\.(?P<fmt>json|md)$", views.export, name="export"),
]
