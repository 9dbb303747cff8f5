from django.urls import path

from rasad.indicators import views

app_name = "indicators"
urlpatterns = [
    path("indicators/", views.DashboardView.as_view(), name="dashboard"),
    path("indicators/choropleth.json", views.ChoroplethView.as_view(), name="choropleth"),
    path("indicators/organizations/<int:pk>/", views.OrganizationKpiView.as_view(), name="organization"),
    path("indicators/organizations/<int:pk>/series.json", views.SeriesView.as_view(), name="series"),
    path("indicators/report/", views.ReportStartView.as_view(), name="report-start"),
    path("indicators/report/<int:pk>/<str:period>/", views.ReportView.as_view(), name="report"),
    path(
        "indicators/report/<int:pk>/<str:period>/<str:verb>/",
        views.PeriodActionView.as_view(),
        name="period-action",
    ),
    path("indicators/import/", views.ImportView.as_view(), name="import"),
    path("indicators/import/template.<str:fmt>", views.ImportTemplateView.as_view(), name="import-template"),
    path("indicators/observations/", views.ObservationTableView.as_view(), name="observations"),
    path("indicators/catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("indicators/organizations/<int:pk>/targets/", views.TargetListView.as_view(), name="targets"),
    path(
        "indicators/organizations/<int:pk>/targets/new/",
        views.TargetCreateView.as_view(),
        name="target-create",
    ),
    path("indicators/targets/<int:pk>/edit/", views.TargetEditView.as_view(), name="target-edit"),
    path("indicators/targets/<int:pk>/delete/", views.TargetDeleteView.as_view(), name="target-delete"),
    path(
        "indicators/organizations/<int:pk>/assignments/", views.AssignmentView.as_view(), name="assignments"
    ),
    path(
        "indicators/assignments/<int:pk>/delete/",
        views.AssignmentDeleteView.as_view(),
        name="assignment-delete",
    ),
    path("indicators/alerts/<int:pk>/close/", views.AlertCloseView.as_view(), name="alert-close"),
    path("indicators/baselines/", views.BaselineListView.as_view(), name="baselines"),
    path("indicators/baselines/new/", views.BaselineCreateView.as_view(), name="baseline-create"),
    path("indicators/baselines/<int:pk>/", views.BaselineDetailView.as_view(), name="baseline"),
    path("indicators/scorecards/", views.ScorecardListView.as_view(), name="scorecards"),
    path("indicators/scorecards/new/", views.ScorecardCreateView.as_view(), name="scorecard-create"),
    path("indicators/scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard"),
]
