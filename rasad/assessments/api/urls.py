from rest_framework.routers import DefaultRouter

from rasad.assessments.api import views

app_name = "assessments-api"
router = DefaultRouter()
router.register("assessment-instruments", views.InstrumentViewSet, basename="instrument")
router.register("assessment-cycles", views.CycleViewSet, basename="cycle")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("risk-register", views.RiskRegisterViewSet, basename="risk")
router.register("risk-actions", views.RiskActionViewSet, basename="risk-action")
router.register("risk-ratings", views.RiskRatingViewSet, basename="risk-rating")
urlpatterns = router.urls
