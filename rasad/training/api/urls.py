from rest_framework.routers import DefaultRouter

from rasad.training.api import views

app_name = "training-api"
router = DefaultRouter()
router.register("training-positions", views.PositionViewSet, basename="position")
router.register("training-position-holdings", views.PositionHoldingViewSet, basename="positionholding")
router.register("training-courses", views.CourseViewSet, basename="course")
router.register("training-events", views.EventViewSet, basename="event")
router.register("training-enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("training-completions", views.CompletionViewSet, basename="completion")
router.register("training-requirements", views.RequirementViewSet, basename="requirement")
urlpatterns = router.urls
