from django.urls import path

from rasad.cases import views
from rasad.jobs.views import ExportRedirectView

app_name = "cases"
urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/board/", views.CaseBoardView.as_view(), name="case-board"),
    path("cases/map/", views.CaseMapView.as_view(), name="case-map"),
    path("cases/map.geojson", views.CaseGeoJsonView.as_view(), name="case-geojson"),
    path("cases/export.xlsx", ExportRedirectView.as_view(kind="cases"), name="case-export"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("cases/consolidate/", views.ConsolidateView.as_view(), name="consolidate"),
    path("cases/dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path("cases/dossiers/<int:pk>/", views.DossierDetailView.as_view(), name="dossier-detail"),
    path("cases/notifications/", views.NotificationListView.as_view(), name="notifications"),
    path("cases/calendar/", views.WorkingCalendarView.as_view(), name="calendar"),
    path("cases/calendar/week/", views.WorkingWeekView.as_view(), name="calendar-week"),
    path("cases/calendar/holidays/new/", views.HolidayCreateView.as_view(), name="holiday-create"),
    path("cases/calendar/holidays/<int:pk>/edit/", views.HolidayEditView.as_view(), name="holiday-edit"),
    path(
        "cases/calendar/holidays/<int:pk>/delete/", views.HolidayDeleteView.as_view(), name="holiday-delete"
    ),
    path("cases/sla/", views.SlaPolicyView.as_view(), name="sla-policy"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
