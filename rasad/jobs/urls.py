from django.urls import path

from rasad.jobs import views

app_name = "jobs"
urlpatterns = [
    path("background-work/", views.JobsView.as_view(), name="jobs"),
    path("background-work/tasks/<uuid:pk>/retry/", views.RetryView.as_view(), name="retry"),
    path("background-work/tasks/<uuid:pk>/progress/", views.RunProgressView.as_view(), name="progress"),
    path("background-work/schedules/<int:pk>/", views.ScheduleEditView.as_view(), name="schedule-edit"),
]
