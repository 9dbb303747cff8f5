from django.urls import path

from rasad.media import crisis_views, plan_views, views

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
    path("media/crises/", crisis_views.CrisisListView.as_view(), name="crisis-list"),
    path("media/crises/new/", crisis_views.CrisisCreateView.as_view(), name="crisis-create"),
    path("media/crises/<int:pk>/", crisis_views.CrisisDetailView.as_view(), name="crisis-detail"),
    path(
        "media/crises/<int:pk>/timeline/", crisis_views.CrisisTimelineView.as_view(), name="crisis-timeline"
    ),
    path(
        "media/crises/<int:pk>/places.geojson", crisis_views.CrisisPlacesView.as_view(), name="crisis-places"
    ),
    path(
        "media/crises/<int:pk>/entries/new/", crisis_views.TimelineEntryAddView.as_view(), name="crisis-entry"
    ),
    path("media/crises/<int:pk>/close/", crisis_views.CrisisCloseView.as_view(), name="crisis-close"),
    path("media/crises/<int:pk>/report/", crisis_views.CrisisReportView.as_view(), name="crisis-report"),
    path("media/figures/", crisis_views.FiguresView.as_view(), name="figures"),
    path("media/rumours/", crisis_views.RumourListView.as_view(), name="rumour-list"),
    path("media/rumours/new/", crisis_views.RumourCreateView.as_view(), name="rumour-create"),
    path("media/rumours/<int:pk>/", crisis_views.RumourDetailView.as_view(), name="rumour-detail"),
    path("media/rumours/<int:pk>/assign/", crisis_views.RumourAssignView.as_view(), name="rumour-assign"),
    path("media/rumours/<int:pk>/answer/", crisis_views.RumourAnswerView.as_view(), name="rumour-answer"),
    path("media/rumours/<int:pk>/dismiss/", crisis_views.RumourDismissView.as_view(), name="rumour-dismiss"),
    path("media/calendar/", plan_views.PlanCalendarView.as_view(), name="plan-calendar"),
    path("media/calendar/month.ics", plan_views.PlanCalendarFileView.as_view(), name="plan-ics"),
    path("media/calendar/new/", plan_views.PlannedItemCreateView.as_view(), name="plan-create"),
    path("media/calendar/<int:pk>/", plan_views.PlannedItemDetailView.as_view(), name="plan-detail"),
    path("media/calendar/<int:pk>/edit/", plan_views.PlannedItemEditView.as_view(), name="plan-edit"),
    path(
        "media/calendar/<int:pk>/publish/", plan_views.PlannedItemPublishView.as_view(), name="plan-publish"
    ),
    path("media/calendar/<int:pk>/cancel/", plan_views.PlannedItemCancelView.as_view(), name="plan-cancel"),
]
