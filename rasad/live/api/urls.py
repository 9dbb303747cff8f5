from django.urls import path
from rest_framework.routers import DefaultRouter

from rasad.live.api import views

app_name = "live-api"
router = DefaultRouter()
router.register("live-devices", views.DeviceViewSet, basename="device")
router.register("live-events", views.DeviceEventViewSet, basename="deviceevent")
router.register("live-outages", views.OutageViewSet, basename="outage")
router.register("live-credentials", views.AgentCredentialViewSet, basename="agentcredential")
urlpatterns = [
    path("live-posts/", views.PostStatusView.as_view(), name="post-status"),
    path("live/ingest/", views.IngestView.as_view(), name="ingest"),
    *router.urls,
]
