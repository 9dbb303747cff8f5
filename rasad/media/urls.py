from django.urls import path

from rasad.media import views

app_name = "media"
urlpatterns = [
    path("media/", views.BoardView.as_view(), name="board"),
    path("media/inbox/", views.InboxView.as_view(), name="inbox"),
    path("media/members/", views.MemberAgencyListView.as_view(), name="members"),
    path("media/members/new/", views.MemberAgencyCreateView.as_view(), name="member-create"),
    path("media/statements/new/", views.StatementCreateView.as_view(), name="statement-create"),
    path("media/statements/<int:pk>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("media/statements/<int:pk>/edit/", views.StatementEditView.as_view(), name="statement-edit"),
    path("media/statements/<int:pk>/submit/", views.StatementSubmitView.as_view(), name="statement-submit"),
    path(
        "media/statements/<int:pk>/approve/", views.StatementApproveView.as_view(), name="statement-approve"
    ),
    path("media/statements/<int:pk>/return/", views.StatementReturnView.as_view(), name="statement-return"),
    path("media/statements/<int:pk>/issue/", views.StatementIssueView.as_view(), name="statement-issue"),
    path("media/statements/<int:pk>/revise/", views.StatementReviseView.as_view(), name="statement-revise"),
    path(
        "media/statements/<int:pk>/files/new/", views.StatementAttachView.as_view(), name="statement-attach"
    ),
    path(
        "media/statements/<int:pk>/files/<int:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("media/received/<int:pk>/", views.RecipientDetailView.as_view(), name="recipient-detail"),
    path(
        "media/received/<int:pk>/acknowledge/",
        views.RecipientAcknowledgeView.as_view(),
        name="recipient-acknowledge",
    ),
    path("media/received/<int:pk>/respond/", views.RecipientRespondView.as_view(), name="recipient-respond"),
    path("media/received/<int:pk>/evidence/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
]
