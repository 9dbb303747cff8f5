from django.urls import path

from rasad.comms.api import federation

app_name = "comms"

urlpatterns = [
    path("comms/federation/v1/inbox", federation.inbox, name="federation-inbox"),
    path("comms/federation/v1/bundles", federation.bundles, name="federation-bundles"),
    path("comms/federation/v1/centres/<str:code>/bundle", federation.centre_bundle, name="federation-bundle"),
    path("comms/federation/v1/node", federation.node, name="federation-node"),
]
