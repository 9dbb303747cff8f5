from django.urls import path

from rasad.jobs import views

app_name = "jobs"
urlpatterns = [
    path("background-work/", views.JobsView.as_view(), name="jobs"),
    path("background-work/tasks/<uuid:pk>/retry/", views.RetryView.as_view(), name="retry"),
    path("background-work/tasks/<uuid:pk>/progress/", views.RunProgressView.as_view(), name="progress"),
    path("background-work/schedules/<int:pk>/", views.ScheduleEditView.as_view(), name="schedule-edit"),
    path("files/", views.MyFilesView.as_view(), name="my-files"),
    path("files/new/<slug:kind>.<slug:fmt>", views.ExportRequestView.as_view(), name="export-request"),
    path("files/<int:pk>/", views.ExportDetailView.as_view(), name="export-detail"),
    path("files/<int:pk>/status/", views.ExportStatusView.as_view(), name="export-status"),
    path("files/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
]
