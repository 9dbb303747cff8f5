from rest_framework.routers import DefaultRouter

from rasad.indicators.api import views

app_name = "indicators-api"
router = DefaultRouter()
router.register("indicator-units", views.UnitViewSet, basename="unit")
router.register("emission-factors", views.EmissionFactorViewSet, basename="emissionfactor")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("indicator-assignments", views.AssignmentViewSet, basename="assignment")
router.register("observations", views.ObservationViewSet, basename="observation")
router.register("indicator-targets", views.TargetViewSet, basename="target")
router.register("indicator-alerts", views.AlertViewSet, basename="alert")
router.register("energy-baselines", views.BaselineViewSet, basename="baseline")
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
urlpatterns = router.urls
