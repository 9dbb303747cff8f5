from rest_framework.routers import DefaultRouter

from rasad.jobs.api import views

app_name = "jobs-api"
router = DefaultRouter()
router.register("exports", views.ExportFileViewSet, basename="export")
urlpatterns = router.urls
