from rest_framework.routers import DefaultRouter

from rasad.programs.api import views

app_name = "programs-api"
router = DefaultRouter()
router.register("programmes", views.ProgrammeViewSet)
router.register("programme-parties", views.PartyViewSet, basename="party")
router.register("programme-axes", views.AxisViewSet, basename="axis")
router.register("programme-objectives", views.ObjectiveViewSet, basename="objective")
router.register("programme-action-items", views.ActionItemViewSet, basename="actionitem")
router.register("programme-indicator-targets", views.IndicatorTargetViewSet, basename="indicatortarget")
router.register("programme-status-reports", views.StatusReportViewSet, basename="statusreport")
router.register("programme-attachments", views.AttachmentViewSet, basename="attachment")
urlpatterns = router.urls
