from django.urls import path

from rasad.live import views

app_name = "live"
urlpatterns = [
    path("live/", views.CommandView.as_view(), name="command"),
    path("live/stream/", views.StreamView.as_view(), name="stream"),
    path("live/feed/", views.FeedView.as_view(), name="feed"),
    path("live/posts.geojson", views.PostPointsView.as_view(), name="post-points"),
    path("live/incidents/", views.IncidentListView.as_view(), name="incidents"),
    path("live/incidents/<int:pk>/", views.IncidentView.as_view(), name="incident"),
    path("live/posts/<int:pk>/", views.PostDetailView.as_view(), name="post"),
    path("live/posts/<int:pk>/devices/new/", views.DeviceCreateView.as_view(), name="device-create"),
    path(
        "live/posts/<int:pk>/credentials/new/", views.CredentialIssueView.as_view(), name="credential-issue"
    ),
    path("live/devices/<int:pk>/edit/", views.DeviceEditView.as_view(), name="device-edit"),
    path("live/devices/<int:pk>/retire/", views.DeviceRetireView.as_view(), name="device-retire"),
    path("live/credentials/<int:pk>/revoke/", views.CredentialRevokeView.as_view(), name="credential-revoke"),
]
