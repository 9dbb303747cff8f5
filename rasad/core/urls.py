from django.urls import path

from rasad.core import views

app_name = "core"
urlpatterns = [
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/map/", views.OrganizationMapView.as_view(), name="organization-map"),
    path("organizations/map.geojson", views.OrganizationGeoJsonView.as_view(), name="organization-geojson"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
]
