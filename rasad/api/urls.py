"""``/api/v1/``: every app's router, plus the schema and its locally served docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from rasad.live.api.urls import agent_urlpatterns

urlpatterns = [
    path("v1/", include(agent_urlpatterns)),  # first: agents post many times a second
    path("v1/", include("rasad.core.api.urls")),
    path("v1/", include("rasad.indicators.api.urls")),
    path("v1/", include("rasad.cases.api.urls")),
    path("v1/", include("rasad.intake.api.urls")),
    path("v1/", include("rasad.jobs.api.urls")),
    path("v1/", include("rasad.programs.api.urls")),
    path("v1/", include("rasad.greenjobs.api.urls")),
    path("v1/", include("rasad.assessments.api.urls")),
    path("v1/", include("rasad.live.api.urls")),
    path("v1/", include("rasad.comms.api.urls")),
    path("v1/", include("rasad.training.api.urls")),
    path("v1/", include("rasad.media.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a script file of its own: the
    # Content-Security-Policy (script-src 'self') blocks the inline script of the plain view.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
