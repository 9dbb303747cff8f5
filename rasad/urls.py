from django.urls import include, path

from rasad.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("rasad.api.urls")),
    path("", include("rasad.core.urls")),
    path("", include("rasad.indicators.urls")),
    path("", include("rasad.cases.urls")),
    path("", include("rasad.intake.urls")),
    path("", include("rasad.programs.urls")),
    path("", include("rasad.live.urls")),
    path("", include("rasad.training.urls")),
    path("", include("rasad.assessments.urls")),
    path("", include("rasad.jobs.urls")),
    path("", include("rasad.reports.urls")),
    path("", include("rasad.web.urls")),
]

handler400 = "rasad.web.views.handler400"
handler403 = "rasad.web.views.handler403"
handler404 = "rasad.web.views.handler404"
handler500 = "rasad.web.views.handler500"
