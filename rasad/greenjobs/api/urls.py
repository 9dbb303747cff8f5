from rest_framework.routers import DefaultRouter

from rasad.greenjobs.api import views

app_name = "greenjobs-api"
router = DefaultRouter()
router.register("green-occupations", views.OccupationViewSet, basename="occupation")
router.register("green-businesses", views.BusinessViewSet, basename="business")
router.register("green-schemes", views.SchemeViewSet, basename="scheme")
router.register("green-applications", views.ApplicationViewSet, basename="application")
router.register("green-certificates", views.CertificateViewSet, basename="certificate")
router.register("green-outcomes", views.OutcomeViewSet, basename="outcome")
urlpatterns = router.urls
