from django.urls import path

from rasad.reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="list"),
    path("reports/<slug:name>/", views.ReportFormView.as_view(), name="form"),
    path("reports/subscriptions/<int:pk>/end/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
