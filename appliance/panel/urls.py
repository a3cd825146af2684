from django.urls import path

from appliance.panel import job_defaults_views, llm_settings_views, model_unload_views, user_lock_views, views

app_name = "panel"

urlpatterns = [
    path("", views.index, name="index"),
    path("models/", views.models_page, name="models"),
    path("models/state.json", views.model_state, name="model-state"),
    path("models/import", views.model_import, name="model-import"),
    path("models/operations/<int:pk>.json", views.model_operation, name="model-operation"),
    path("models/<str:name>/install", views.model_install, name="model-install"),
    path("models/<str:name>/download", views.model_download, name="model-download"),
    path("models/<str:name>/delete", views.model_delete, name="model-delete"),
    path("models/<str:name>/unload", model_unload_views.model_unload, name="model-unload"),
    path("job-defaults/", job_defaults_views.job_defaults_page, name="job-defaults"),
    path("llm/", llm_settings_views.llm_page, name="llm"),
    path("devices/", views.devices_page, name="devices"),
    path("tls/", views.tls_page, name="tls"),
    path("tls/generate", views.tls_generate, name="tls-generate"),
    path("tls/upload", views.tls_upload, name="tls-upload"),
    path("tls/options", views.tls_options, name="tls-options"),
    path("users/", views.users_page, name="users"),
    path("users/<int:pk>/active", views.user_active, name="user-active"),
    path("users/<int:pk>/role", views.user_role, name="user-role"),
    path("users/<int:pk>/password", views.user_password, name="user-password"),
    path("users/<int:pk>/unlock", user_lock_views.user_unlock, name="user-unlock"),
    path("system/", views.system_page, name="system"),
    path("audit/", views.audit_page, name="audit"),
    path("tokens/", views.tokens_page, name="tokens"),
    path("tokens/<int:pk>/revoke", views.token_revoke, name="token-revoke"),
]
