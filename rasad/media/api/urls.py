from rest_framework.routers import DefaultRouter

from rasad.media.api import views

app_name = "media-api"
router = DefaultRouter()
router.register("media-member-agencies", views.MemberAgencyViewSet, basename="memberagency")
router.register("media-statements", views.StatementViewSet, basename="statement")
router.register("media-recipients", views.RecipientViewSet, basename="recipient")
router.register("media-crises", views.CrisisViewSet, basename="crisis")
router.register("media-rumours", views.RumourViewSet, basename="rumour")
router.register("media-plan", views.PlannedItemViewSet, basename="planneditem")
urlpatterns = router.urls
