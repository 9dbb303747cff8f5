from django.urls import path

from rasad.programs import views

app_name = "programs"
urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("programmes/new/", views.ProgrammeCreateView.as_view(), name="programme-create"),
    path("programmes/obligations/", views.ObligationListView.as_view(), name="obligations"),
    path("programmes/reports/<int:pk>/", views.StatusReportSubmitView.as_view(), name="report-submit"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("programmes/<int:pk>/progress/", views.ProgrammeProgressView.as_view(), name="programme-progress"),
    path("programmes/<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme-edit"),
    path(
        "programmes/<int:pk>/transition/",
        views.ProgrammeTransitionView.as_view(),
        name="programme-transition",
    ),
    path("programmes/<int:pk>/parties/new/", views.PartyCreateView.as_view(), name="party-create"),
    path("programmes/<int:pk>/axes/new/", views.AxisCreateView.as_view(), name="axis-create"),
    path("programmes/<int:pk>/weights/", views.WeightsView.as_view(), name="weights"),
    path("programmes/<int:pk>/objectives/new/", views.ObjectiveCreateView.as_view(), name="objective-create"),
    path("programmes/<int:pk>/items/new/", views.ActionItemCreateView.as_view(), name="item-create"),
    path("programmes/<int:pk>/items/import/", views.ActionItemImportView.as_view(), name="item-import"),
    path(
        "programmes/<int:pk>/items/import/template.xlsx",
        views.ActionItemImportTemplateView.as_view(),
        name="item-import-template",
    ),
    path("programmes/<int:pk>/targets/new/", views.IndicatorTargetCreateView.as_view(), name="target-create"),
    path(
        "programmes/<int:pk>/files/<int:attachment_id>/",
        views.ProgrammeAttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
