from django.urls import path

from updater.web import views

app_name = "updater"

urlpatterns = [
    path("", views.index, name="index"),
    path("progress.json", views.progress, name="progress"),
    path("check", views.check, name="check"),
    path("apply", views.apply, name="apply"),
    path("rollback", views.rollback, name="rollback"),
    path("bundle", views.bundle, name="bundle"),
    path("settings", views.save_settings, name="settings"),
]
