from django.urls import path

from rasad.core import views
from rasad.jobs.views import ExportRedirectView

app_name = "core"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/map/", views.OrganizationMapView.as_view(), name="organization-map"),
    path("organizations/map.geojson", views.OrganizationGeoJsonView.as_view(), name="organization-geojson"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization-edit"),
    path("organizations/<int:pk>/move/", views.OrganizationMoveView.as_view(), name="organization-move"),
    path("organizations/<int:pk>/close/", views.OrganizationCloseView.as_view(), name="organization-close"),
    path(
        "organizations/<int:pk>/national-body/",
        views.OrganizationNationalBodyView.as_view(),
        name="organization-national-body",
    ),
    path(
        "organizations/<int:pk>/people/", views.OrganizationPeopleView.as_view(), name="organization-people"
    ),
    path("organizations/<int:pk>/grants/new/", views.GrantCreateView.as_view(), name="grant-create"),
    path("organizations/import/", views.OrganizationImportView.as_view(), name="organization-import"),
    path(
        "organizations/import/template.xlsx",
        views.OrganizationImportTemplateView.as_view(),
        name="organization-import-template",
    ),
    path(
        "organizations/export/", ExportRedirectView.as_view(kind="organizations"), name="organization-export"
    ),
    path("people/", views.PeopleListView.as_view(), name="people-list"),
    path("people/import/", views.PeopleImportView.as_view(), name="people-import"),
    path(
        "people/import/template.xlsx", views.PeopleImportTemplateView.as_view(), name="people-import-template"
    ),
    path("people/<int:pk>/edit/", views.UserEditView.as_view(), name="user-edit"),
    path("people/<int:pk>/reset-two-factor/", views.TwoFactorResetView.as_view(), name="two-factor-reset"),
    path("people/<int:pk>/deactivate/", views.UserDeactivateView.as_view(), name="user-deactivate"),
    path("people/<int:pk>/reactivate/", views.UserReactivateView.as_view(), name="user-reactivate"),
    path("working-groups/", views.WorkingGroupListView.as_view(), name="working-group-list"),
    path("working-groups/new/", views.WorkingGroupCreateView.as_view(), name="working-group-create"),
    path(
        "working-groups/<int:pk>/members/",
        views.WorkingGroupMembersView.as_view(),
        name="working-group-members",
    ),
    path("grants/<int:pk>/revoke/", views.GrantRevokeView.as_view(), name="grant-revoke"),
    path("account/tokens/", views.TokenListView.as_view(), name="token-list"),
    path("account/tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token-revoke"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    path("audit/export.csv", ExportRedirectView.as_view(kind="audit", fmt="csv"), name="audit-export"),
]
