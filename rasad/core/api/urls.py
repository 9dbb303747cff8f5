from rest_framework.routers import DefaultRouter

from rasad.core.api import views

app_name = "core-api"
router = DefaultRouter()
router.register("provinces", views.ProvinceViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("audit-events", views.AuditEventViewSet)
router.register("users", views.UserViewSet)
router.register("memberships", views.MembershipViewSet)
router.register("roles", views.RoleViewSet)
router.register("grants", views.GrantViewSet)
router.register("working-groups", views.WorkingGroupViewSet, basename="working-group")
router.register("api-tokens", views.ApiTokenViewSet, basename="api-token")
urlpatterns = router.urls
