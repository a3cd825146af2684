from django.urls import path

from appliance.live import views

app_name = "live"

urlpatterns = [path("", views.index, name="index")]
