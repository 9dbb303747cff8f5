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
    path("", include("rasad.greenjobs.urls")),
    path("", include("rasad.live.urls")),
    path("", include("rasad.training.urls")),
    path("", include("rasad.assessments.urls")),
    path("", include("rasad.jobs.urls")),
    path("", include("rasad.reports.urls")),
    path("", include("rasad.comms.urls")),
    path("", include("rasad.media.urls")),
    path("", include("rasad.web.urls")),
]

# JSON under /api/, the site's error page elsewhere; 503 while the database is away.
handler400 = "rasad.web.errors.handler400"
handler403 = "rasad.web.errors.handler403"
handler404 = "rasad.web.errors.handler404"
handler500 = "rasad.web.errors.handler500"
