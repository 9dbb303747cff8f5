from django.urls import path

from rasad.greenjobs import views

app_name = "greenjobs"
urlpatterns = [
    path("green/", views.SchemeListView.as_view(), name="scheme-list"),
    path("green/queue/", views.QueueView.as_view(), name="queue"),
    path("green/schemes/new/", views.SchemeCreateView.as_view(), name="scheme-create"),
    path("green/schemes/<int:pk>/", views.SchemeDetailView.as_view(), name="scheme-detail"),
    path("green/schemes/<int:pk>/edit/", views.SchemeEditView.as_view(), name="scheme-edit"),
    path("green/schemes/<int:pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("green/applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("green/applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path(
        "green/applications/<int:pk>/eligibility/",
        views.EligibilityView.as_view(),
        name="application-eligibility",
    ),
    path(
        "green/applications/<int:pk>/compliance/",
        views.ComplianceView.as_view(),
        name="application-compliance",
    ),
    path("green/applications/<int:pk>/training/", views.TrainingView.as_view(), name="application-training"),
    path("green/applications/<int:pk>/approve/", views.ApproveView.as_view(), name="application-approve"),
    path("green/applications/<int:pk>/pay/", views.PayView.as_view(), name="application-pay"),
    path("green/applications/<int:pk>/close/", views.CloseView.as_view(), name="application-close"),
    path("green/applications/<int:pk>/return/", views.ReturnView.as_view(), name="application-return"),
    path("green/applications/<int:pk>/refuse/", views.RefuseView.as_view(), name="application-refuse"),
    path("green/applications/<int:pk>/resubmit/", views.ResubmitView.as_view(), name="application-resubmit"),
    path("green/documents/<int:pk>/", views.DocumentDownloadView.as_view(), name="document"),
    path("green/businesses/", views.BusinessListView.as_view(), name="business-list"),
    path("green/businesses/new/", views.BusinessCreateView.as_view(), name="business-create"),
    path("green/businesses/<int:pk>/", views.BusinessDetailView.as_view(), name="business-detail"),
    path("green/businesses/<int:pk>/edit/", views.BusinessEditView.as_view(), name="business-edit"),
    path("green/directory/", views.DirectoryView.as_view(), name="directory"),
    path("green/directory/points/", views.DirectoryPointsView.as_view(), name="directory-points"),
    path("green/directory/provinces/", views.DirectoryProvincesView.as_view(), name="directory-provinces"),
    path("green/directory/<int:pk>/", views.DirectoryEntryView.as_view(), name="directory-entry"),
    path("green/occupations/", views.OccupationListView.as_view(), name="occupation-list"),
    path("green/certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path("green/certificates/new/", views.CertificateRequestView.as_view(), name="certificate-request"),
    path("green/certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("green/certificates/<int:pk>/visit/", views.SiteVisitView.as_view(), name="certificate-visit"),
    path("green/certificates/<int:pk>/grant/", views.GrantView.as_view(), name="certificate-grant"),
    path(
        "green/certificates/<int:pk>/refuse/",
        views.CertificateRefuseView.as_view(),
        name="certificate-refuse",
    ),
]
