from django.urls import path

from rasad.training import views

app_name = "training"
urlpatterns = [
    path("training/", views.EventListView.as_view(), name="event-list"),
    path("training/week/", views.EventWeekView.as_view(), name="event-week"),
    path("training/mine/", views.MyLearningView.as_view(), name="my-learning"),
    path("training/compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("training/compliance/map.json", views.ComplianceMapView.as_view(), name="compliance-map"),
    path("training/compliance/points.json", views.CompliancePointsView.as_view(), name="compliance-points"),
    path("training/positions/assign/", views.PositionAssignView.as_view(), name="position-assign"),
    path("training/events/new/", views.EventCreateView.as_view(), name="event-create"),
    path("training/events/<int:pk>/", views.EventDetailView.as_view(), name="event-detail"),
    path("training/events/<int:pk>/edit/", views.EventEditView.as_view(), name="event-edit"),
    path("training/events/<int:pk>/place.json", views.EventPlaceView.as_view(), name="event-place"),
    path("training/events/<int:pk>/cancel/", views.EventCancelView.as_view(), name="event-cancel"),
    path("training/events/<int:pk>/enrol/", views.EnrolSelfView.as_view(), name="event-enrol"),
    path("training/events/<int:pk>/enrol-staff/", views.EnrolStaffView.as_view(), name="event-enrol-staff"),
    path("training/events/<int:pk>/withdraw/", views.CancelMyEnrolmentView.as_view(), name="event-withdraw"),
    path("training/events/<int:pk>/attendance/", views.AttendanceView.as_view(), name="event-attendance"),
    path("training/events/<int:pk>/roster/import/", views.RosterImportView.as_view(), name="roster-import"),
    path(
        "training/events/<int:pk>/roster/template.xlsx",
        views.RosterTemplateView.as_view(),
        name="roster-template",
    ),
    path(
        "training/enrolments/<int:pk>/cancel/", views.EnrolmentCancelView.as_view(), name="enrolment-cancel"
    ),
    path("training/events/<int:pk>/announce/", views.EventAnnounceView.as_view(), name="event-announce"),
    path("training/events/<int:pk>/calendar.ics", views.EventCalendarFileView.as_view(), name="event-ics"),
    path("training/events/<int:pk>/check-in/", views.CheckInCodeView.as_view(), name="check-in-code"),
    path("training/check-in/<int:pk>/<str:code>/", views.CheckInView.as_view(), name="check-in"),
    path("training/mine/calendar/", views.CalendarAddressView.as_view(), name="calendar-address"),
    path(
        "training/mine/calendar/stop/", views.CalendarAddressStopView.as_view(), name="calendar-address-stop"
    ),
    path("training/calendar/<str:key>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("training/verify/", views.VerifyCertificateView.as_view(), name="verify"),
    path("training/certificates/<int:pk>.pdf", views.CertificateView.as_view(), name="certificate"),
    path("training/completions/import/", views.CompletionImportView.as_view(), name="completion-import"),
    path(
        "training/completions/import/template.xlsx",
        views.CompletionTemplateView.as_view(),
        name="completion-template",
    ),
    path("training/courses/", views.CourseListView.as_view(), name="course-list"),
    path("training/courses/new/", views.CourseCreateView.as_view(), name="course-create"),
    path("training/courses/<int:pk>/", views.CourseDetailView.as_view(), name="course-detail"),
    path("training/courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course-edit"),
    path("training/requirements/", views.RequirementListView.as_view(), name="requirement-list"),
    path("training/requirements/new/", views.RequirementCreateView.as_view(), name="requirement-create"),
    path(
        "training/requirements/<int:pk>/edit/", views.RequirementEditView.as_view(), name="requirement-edit"
    ),
]
