from rest_framework.routers import DefaultRouter

from rasad.core.api import views

app_name = "core-api"
router = DefaultRouter()
router.register("provinces", views.ProvinceViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("audit-events", views.AuditEventViewSet)
urlpatterns = router.urls
