from django.urls import path

from appliance.tokens import views

app_name = "tokens"

urlpatterns = [
    path("", views.index, name="index"),
    path("create/", views.create, name="create"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
]
