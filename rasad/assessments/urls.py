from django.urls import path

from rasad.assessments import views

app_name = "assessments"
urlpatterns = [
    path("assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path("assessments/queue/", views.QueueView.as_view(), name="queue"),
    path("assessments/instruments/", views.InstrumentListView.as_view(), name="instrument-list"),
    path("assessments/instruments/import/", views.InstrumentImportView.as_view(), name="instrument-import"),
    path("assessments/instruments/new/", views.InstrumentCreateView.as_view(), name="instrument-create"),
    path("assessments/instruments/<int:pk>/", views.InstrumentDetailView.as_view(), name="instrument-detail"),
    path(
        "assessments/instruments/<int:pk>/edit/", views.InstrumentEditView.as_view(), name="instrument-edit"
    ),
    path(
        "assessments/instruments/<int:pk>/sections/new/",
        views.SectionCreateView.as_view(),
        name="section-create",
    ),
    path(
        "assessments/instruments/sections/<int:pk>/edit/",
        views.SectionEditView.as_view(),
        name="section-edit",
    ),
    path(
        "assessments/instruments/sections/<int:pk>/delete/",
        views.SectionDeleteView.as_view(),
        name="section-delete",
    ),
    path(
        "assessments/instruments/sections/<int:pk>/criteria/new/",
        views.CriterionCreateView.as_view(),
        name="criterion-create",
    ),
    path(
        "assessments/instruments/criteria/<int:pk>/edit/",
        views.CriterionEditView.as_view(),
        name="criterion-edit",
    ),
    path(
        "assessments/instruments/criteria/<int:pk>/delete/",
        views.CriterionDeleteView.as_view(),
        name="criterion-delete",
    ),
    path(
        "assessments/instruments/criteria/<int:pk>/items/new/",
        views.ItemCreateView.as_view(),
        name="item-create",
    ),
    path(
        "assessments/instruments/<int:pk>/spreadsheet/",
        views.InstrumentSpreadsheetView.as_view(),
        name="instrument-spreadsheet",
    ),
    path(
        "assessments/instruments/<int:pk>/structure/",
        views.InstrumentStructureView.as_view(),
        name="instrument-structure",
    ),
    path(
        "assessments/instruments/<int:pk>/publish/",
        views.InstrumentPublishView.as_view(),
        name="instrument-publish",
    ),
    path(
        "assessments/instruments/<int:pk>/new-version/",
        views.InstrumentNewVersionView.as_view(),
        name="instrument-new-version",
    ),
    path(
        "assessments/instruments/<int:pk>/bands/",
        views.InstrumentBandsView.as_view(),
        name="instrument-bands",
    ),
    path(
        "assessments/instruments/<int:pk>/bands/spreadsheet/",
        views.InstrumentBandsSpreadsheetView.as_view(),
        name="instrument-bands-spreadsheet",
    ),
    path(
        "assessments/instruments/sections/<int:pk>/move/",
        views.SectionMoveView.as_view(),
        name="section-move",
    ),
    path(
        "assessments/instruments/criteria/<int:pk>/move/",
        views.CriterionMoveView.as_view(),
        name="criterion-move",
    ),
    path("assessments/instruments/items/<int:pk>/move/", views.ItemMoveView.as_view(), name="item-move"),
    path("assessments/instruments/items/<int:pk>/edit/", views.ItemEditView.as_view(), name="item-edit"),
    path(
        "assessments/instruments/items/<int:pk>/delete/", views.ItemDeleteView.as_view(), name="item-delete"
    ),
    path("assessments/cycles/", views.CycleListView.as_view(), name="cycle-list"),
    path("assessments/cycles/new/", views.CycleCreateView.as_view(), name="cycle-create"),
    path("assessments/cycles/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path("assessments/cycles/<int:pk>/results.xlsx", views.CycleResultsView.as_view(), name="cycle-results"),
    path("assessments/cycles/<int:pk>/chart.json", views.CycleChartView.as_view(), name="cycle-chart"),
    path("assessments/cycles/<int:pk>/launch/", views.CycleLaunchView.as_view(), name="cycle-launch"),
    path("assessments/cycles/<int:pk>/close/", views.CycleCloseView.as_view(), name="cycle-close"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment-detail"),
    path("assessments/<int:pk>/chart.json", views.AssessmentChartView.as_view(), name="assessment-chart"),
    path("assessments/<int:pk>/answers/", views.SelfAssessmentView.as_view(), name="assessment-answers"),
    path("assessments/<int:pk>/review/", views.ReviewView.as_view(), name="assessment-review"),
    path("assessments/<int:pk>/consensus/", views.ConsensusView.as_view(), name="assessment-consensus"),
    path("assessments/<int:pk>/assessors/new/", views.AssignAssessorView.as_view(), name="assessment-assign"),
    path("assessments/<int:pk>/feedback/", views.FeedbackView.as_view(), name="assessment-feedback"),
    path("assessments/<int:pk>/feedback.pdf", views.FeedbackReportView.as_view(), name="feedback-report"),
    path("assessments/<int:pk>/audit/", views.AuditView.as_view(), name="assessment-audit"),
    path("assessments/cycles/<int:pk>/audits/new/", views.NameAuditView.as_view(), name="cycle-audit"),
    path("assessments/<int:pk>/reopen/", views.ReopenView.as_view(), name="assessment-reopen"),
    path(
        "assessments/<int:pk>/assessors/withdraw/",
        views.WithdrawAssessorView.as_view(),
        name="assessment-withdraw",
    ),
    path(
        "assessments/<int:pk>/fill-from-indicators/",
        views.FillIndicatorAnswersView.as_view(),
        name="assessment-fill-indicators",
    ),
    path("assessments/<int:pk>/finalize/", views.FinalizeView.as_view(), name="assessment-finalize"),
    path(
        "assessments/<int:pk>/evidence/<int:evidence_id>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("assessments/compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("assessments/compliance/map.json", views.ComplianceMapView.as_view(), name="compliance-map"),
    path(
        "assessments/compliance/points.json", views.CompliancePointsView.as_view(), name="compliance-points"
    ),
    path("assessments/risks/", views.RiskRegisterView.as_view(), name="risk-register"),
    path("assessments/risks/import/", views.RiskImportView.as_view(), name="risk-import"),
    path("assessments/risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk-detail"),
    path("assessments/risks/<int:pk>/rating/", views.RiskRateView.as_view(), name="risk-rate"),
    path(
        "assessments/risks/<int:pk>/actions/new/",
        views.RiskActionCreateView.as_view(),
        name="risk-action-add",
    ),
    path(
        "assessments/risks/actions/<int:pk>/done/",
        views.RiskActionDoneView.as_view(),
        name="risk-action-done",
    ),
    path(
        "assessments/findings/<int:pk>/propose-risk/",
        views.ProposeRiskView.as_view(),
        name="finding-propose-risk",
    ),
]
