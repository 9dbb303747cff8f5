"""``/api/v1/``: every app's router, plus the schema and its locally served docs.

``v1/`` is resolved by the path's first segment (``rasad.api.routing``): a request reaches its
app's routes without trying the others'. The apps' routers keep their order here, which is the
order a segment named by two of them would be tried in (none is)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from rasad.api.routing import SegmentResolver
from rasad.api.schema_view import SchemaView
from rasad.live.api.urls import agent_urlpatterns

v1_urlpatterns = [
    path("", include(agent_urlpatterns)),  # first: agents post many times a second
    path("", include("rasad.core.api.urls")),
    path("", include("rasad.indicators.api.urls")),
    path("", include("rasad.cases.api.urls")),
    path("", include("rasad.intake.api.urls")),
    path("", include("rasad.jobs.api.urls")),
    path("", include("rasad.programs.api.urls")),
    path("", include("rasad.greenjobs.api.urls")),
    path("", include("rasad.assessments.api.urls")),
    path("", include("rasad.live.api.urls")),
    path("", include("rasad.comms.api.urls")),
    path("", include("rasad.training.api.urls")),
    path("", include("rasad.media.api.urls")),
]

v1 = SegmentResolver.of(path("v1/", include(v1_urlpatterns)))
urlpatterns = [
    v1,
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up code as a script file of its own: the
    # Content-Security-Policy (script-src 'self') blocks the inline script of the plain view.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
