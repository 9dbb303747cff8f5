from rest_framework.routers import DefaultRouter

from rasad.comms.api import views

app_name = "comms-api"
router = DefaultRouter()
router.register("comms-centres", views.CentreViewSet, basename="centre")
router.register("comms-peers", views.PeerViewSet, basename="peer")
router.register("comms-threads", views.ThreadViewSet, basename="thread")
router.register("comms-messages", views.MessageViewSet, basename="message")
router.register("comms-deliveries", views.DeliveryViewSet, basename="delivery")
router.register("comms-joint-groups", views.JointGroupViewSet, basename="jointgroup")
router.register("comms-group-tasks", views.GroupTaskViewSet, basename="grouptask")
urlpatterns = router.urls
