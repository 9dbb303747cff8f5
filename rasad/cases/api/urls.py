from rest_framework.routers import DefaultRouter

from rasad.cases.api import views

app_name = "cases-api"
router = DefaultRouter()
router.register("cases", views.CaseViewSet)
router.register("case-comments", views.CommentViewSet, basename="comment")
router.register("case-attachments", views.AttachmentViewSet, basename="attachment")
router.register("dossiers", views.DossierViewSet)
router.register("notifications", views.NotificationViewSet)
router.register("case-categories", views.CategoryViewSet, basename="category")
router.register("holidays", views.HolidayViewSet)
urlpatterns = router.urls
