"""``GET /healthz``: the process is up and serving (a liveness probe for load balancers and
supervisors). It touches no database and no session, so it also serves as Rasad's
"hello world": the cost of the full middleware stack alone (docs/development/benchmarks.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")
