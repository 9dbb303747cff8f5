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
    path("indicators/baselines/", views.BaselineListView.as_view(), name="baselines"),
    path("indicators/baselines/<int:pk>/", views.BaselineDetailView.as_view(), name="baseline"),
    path("indicators/scorecards/", views.ScorecardListView.as_view(), name="scorecards"),
    path("indicators/scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard"),
]
