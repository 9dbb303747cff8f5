from django.urls import path
from rest_framework.routers import DefaultRouter

from rasad.live.api import views
from rasad.live.api.agents import agent_view

app_name = "live-api"
router = DefaultRouter()
router.register("live-devices", views.DeviceViewSet, basename="device")
router.register("live-events", views.DeviceEventViewSet, basename="deviceevent")
router.register("live-outages", views.OutageViewSet, basename="outage")
router.register("live-credentials", views.AgentCredentialViewSet, basename="agentcredential")
urlpatterns = [
    path("live-posts/", views.PostStatusView.as_view(), name="post-status"),
    *router.urls,
]

# The agents' endpoint, resolved before every router (``rasad.api.urls`` lists it first): agents
# post many times a second, and reaching it after every app's routes cost 1 ms a request.
agent_urlpatterns = (
    [path("live/ingest/", agent_view(views.IngestView.as_view()), name="ingest")],
    "live-agent",
)
