from django.urls import path

from rasad.comms import views
from rasad.comms.api import federation

app_name = "comms"

urlpatterns = [
    path("comms/", views.ThreadListView.as_view(), name="inbox"),
    path("comms/new/", views.ComposeView.as_view(), name="compose"),
    path("comms/threads/<int:pk>/", views.ThreadView.as_view(), name="thread"),
    path(
        "comms/messages/<int:pk>/attachments/<int:index>/", views.AttachmentView.as_view(), name="attachment"
    ),
    path("comms/messages/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="acknowledge"),
    path("comms/messages/<int:pk>/case/", views.OpenCaseView.as_view(), name="open-case"),
    path("comms/peers/", views.PeerListView.as_view(), name="peers"),
    path("comms/peers/new/", views.PeerAddView.as_view(), name="peer-add"),
    path("comms/peers/<int:pk>/", views.PeerView.as_view(), name="peer"),
    path("comms/keys/", views.CentreListView.as_view(), name="centres"),
    path("comms/keys/new/", views.SetUpCentreView.as_view(), name="centre-set-up"),
    path("comms/keys/<int:pk>/rotate/", views.RotateView.as_view(), name="rotate"),
    path("comms/keys/<int:pk>/revoke/", views.RevokeView.as_view(), name="revoke"),
    path("comms/keys/<int:pk>/identity/", views.RotateIdentityView.as_view(), name="rotate-identity"),
    path("comms/outbox/", views.OutboxView.as_view(), name="outbox"),
    path("comms/groups/", views.GroupListView.as_view(), name="groups"),
    path("comms/groups/new/", views.MakeJointView.as_view(), name="group-create"),
    path("comms/groups/<int:pk>/", views.GroupView.as_view(), name="group"),
    path("comms/federation/v1/inbox", federation.inbox, name="federation-inbox"),
    path("comms/federation/v1/bundles", federation.bundles, name="federation-bundles"),
    path("comms/federation/v1/centres/<str:code>/bundle", federation.centre_bundle, name="federation-bundle"),
    path("comms/federation/v1/node", federation.node, name="federation-node"),
]
