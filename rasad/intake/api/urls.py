from rest_framework.routers import DefaultRouter

from rasad.intake.api import views

app_name = "intake-api"
router = DefaultRouter()
router.register("intake-documents", views.IntakeDocumentViewSet)
router.register("intake-proposals", views.ProposalViewSet)
router.register("organization-aliases", views.OrganizationAliasViewSet)
router.register("known-people", views.KnownPersonViewSet)
urlpatterns = router.urls
