"""Background-work pages: the administrators' view of the queue, parked tasks and schedules, and
the progress of one task for the person who asked for it (polled by the page)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks.base import TaskResultStatus

from rasad.jobs.access import may_manage_jobs
from rasad.jobs.actions import do_change_schedule, do_retry_task
from rasad.jobs.engine import periodic_jobs
from rasad.jobs.exports import (
    do_record_download,
    do_request_export,
    export_kinds,
    keep_hours,
    mark_seen,
    may_export,
)
from rasad.jobs.forms import ScheduleForm
from rasad.jobs.models import ExportFile, ExportStatus, Schedule, TaskRun
from rasad.lib import formatting
from rasad.lib.downloads import file_download
from rasad.web.generic import AuthenticatedRequest, SignedInView, refusal


class ManagerView(SignedInView):
    """Pages for platform administrators only; anyone else gets the same 404 as a missing page."""

    def check_access(self) -> None:
        if not may_manage_jobs(self.user):
            raise refusal()


def _schedule_context(schedule: Schedule, form: ScheduleForm) -> dict[str, Any]:
    job = periodic_jobs().get(schedule.name)
    return {"schedule": schedule, "title": job.title if job is not None else "", "form": form}


class JobsView(ManagerView):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        runs = TaskRun.objects.select_related("task", "owner")
        parked = runs.filter(parked_at__isnull=False, task__status=TaskResultStatus.FAILED).order_by(
            "-parked_at"
        )
        running = runs.filter(task__status=TaskResultStatus.RUNNING).order_by("task__started_at")
        waiting = runs.filter(task__status=TaskResultStatus.READY).order_by("task__run_after")
        retrying = waiting.exclude(last_error="")
        # Each schedule by the title its app declared («گزارش روزانهٔ اعلان‌های پرونده‌ها»), its
        # name (cases-daily-digest) beside it for the administrator who reads the logs.
        titles = {name: job.title for name, job in periodic_jobs().items()}
        declared = Schedule.objects.filter(is_orphaned=False)
        schedules = [(schedule, titles.get(schedule.name, "")) for schedule in declared]
        return render(
            request,
            "jobs/jobs.html",
            {
                "parked": parked[:100],
                "parked_count": parked.count(),
                "running": running[:100],
                "waiting_count": waiting.count(),
                "retrying": retrying[:50],
                "schedules": schedules,
            },
        )


class RetryView(ManagerView):
    def post(self, request: AuthenticatedRequest, pk: str) -> HttpResponse:
        run = _run_or_404(pk)
        user = request.user
        try:
            do_retry_task(run, acting_user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The task is back in the queue."))
        return redirect("jobs:jobs")


class ScheduleEditView(ManagerView):
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        schedule = _schedule_or_404(pk)
        form = ScheduleForm(initial={"cron": schedule.cron, "is_enabled": schedule.is_enabled})
        return render(request, "jobs/schedule_form.html", _schedule_context(schedule, form))

    def post(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        schedule = _schedule_or_404(pk)
        form = ScheduleForm(request.POST)
        user = request.user
        if (
            form.is_valid()
            and form.run_action(
                do_change_schedule,
                schedule,
                cron=form.cleaned_data["cron"],
                is_enabled=form.cleaned_data["is_enabled"],
                acting_user=user,
            )
            is not None
        ):
            messages.success(request, _("The schedule was saved."))
            return redirect("jobs:jobs")
        return render(request, "jobs/schedule_form.html", _schedule_context(schedule, form), status=400)


class RunProgressView(SignedInView):
    """JSON progress of one task, for the person who asked for it (or an administrator)."""

    def get(self, request: AuthenticatedRequest, pk: str) -> JsonResponse:
        run = _run_or_404(pk)
        if run.owner_id != request.user.pk and not may_manage_jobs(request.user):
            raise refusal()
        return JsonResponse(progress_payload(run))


def progress_payload(run: TaskRun) -> dict[str, Any]:
    status = run.task.status
    return {
        "id": str(run.task_id),
        "status": status,
        "status_label": str(TaskResultStatus(status).label),
        "done": run.progress_done,
        "total": run.progress_total,
        "percent": run.percent,
        "note": run.progress_note,
        "finished": status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED),
    }


def _run_or_404(pk: str) -> TaskRun:
    try:
        return TaskRun.objects.select_related("task").get(pk=uuid.UUID(str(pk)))
    except (TaskRun.DoesNotExist, ValidationError, ValueError):
        raise refusal() from None


def _schedule_or_404(pk: int) -> Schedule:
    schedule = Schedule.objects.filter(pk=pk, is_orphaned=False).first()
    if schedule is None:
        raise refusal()
    return schedule


# ---- prepared files (background exports and reports) -----------------------------------------


def _own_export_or_404(request: AuthenticatedRequest, pk: int) -> ExportFile:
    export = ExportFile.objects.filter(pk=pk, owner_id=request.user.pk).first()
    if export is None:
        raise refusal()
    return export


class ExportRequestView(SignedInView):
    """Confirm, then ask for, the export of a list as the person sees it (with the list page's
    filters). GET shows how many rows will be written; POST queues the work."""

    def get(self, request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
        user = request.user
        export_kind = export_kinds().get(kind)
        if export_kind is None or not may_export(user, export_kind) or fmt not in export_kind.formats:
            raise refusal()
        params = {key: request.GET.getlist(key) for key in request.GET}
        if export_kind.queryset is None and export_kind.validate is None:
            raise refusal()
        try:
            # A list says how many rows it will write; a report (a writer of its own, such as
            # the media figures) checks its parameters only.
            count: int | None = None
            if export_kind.queryset is not None:
                count = export_kind.queryset(user, params).count()
            elif export_kind.validate is not None:
                export_kind.validate(user, params)
        except ValidationError as error:
            return render(
                request,
                "jobs/export_request.html",
                {"kind": export_kind, "fmt": fmt, "errors": error.messages},
                status=400,
            )
        return render(
            request,
            "jobs/export_request.html",
            {"kind": export_kind, "fmt": fmt, "count": count, "query": request.GET.urlencode()},
        )

    def post(self, request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
        user = request.user
        params = {key: request.GET.getlist(key) for key in request.GET}
        try:
            export = do_request_export(kind, fmt, params, acting_user=user)
        except ValidationError as error:
            if "kind" in getattr(error, "error_dict", {}):
                raise refusal() from None
            export_kind = export_kinds()[kind]
            return render(
                request,
                "jobs/export_request.html",
                {"kind": export_kind, "fmt": fmt, "errors": error.messages},
                status=400,
            )
        return redirect("jobs:export-detail", pk=export.pk)


class ExportDetailView(SignedInView):
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        export = _own_export_or_404(request, pk)
        if export.status in (ExportStatus.READY, ExportStatus.FAILED):
            mark_seen(request.user, [export.pk])
        pushed = progress_is_pushed() and export.run is not None
        return render(
            request,
            "jobs/export_detail.html",
            {
                "export": export,
                "status": export_payload(export),
                "patterns": progress_patterns(export),
                "pushed": pushed,
            },
        )


def progress_is_pushed() -> bool:
    """Whether a worker's progress events reach the web processes: the worker is another process,
    so only over a bus between processes (Redis). With the in-process bus the page polls
    (docs/exports-and-background-work.md, "Progress")."""
    return bool(settings.EVENT_BUS == "redis")


class ExportStatusView(SignedInView):
    def get(self, request: AuthenticatedRequest, pk: int) -> JsonResponse:
        return JsonResponse(export_payload(_own_export_or_404(request, pk)))


class ExportDownloadView(SignedInView):
    """The file, to its owner only, and only while they may still see the list it holds."""

    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
        export = _own_export_or_404(request, pk)
        user = request.user
        kind = export_kinds().get(export.kind)
        allowed = kind is not None and may_export(user, kind, export.params)
        if export.status != ExportStatus.READY or not export.file.name or not allowed:
            raise refusal()
        path = Path(settings.MEDIA_ROOT) / export.file.name
        if not path.is_file():
            raise refusal()
        do_record_download(export, acting_user=user)
        return file_download(
            path.open("rb"), export.download_name, export.content_type, fallback=export.download_fallback
        )


class MyFilesView(SignedInView):
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        files = list(ExportFile.objects.filter(owner_id=request.user.pk).select_related("run")[:100])
        response = render(request, "jobs/my_files.html", {"files": files, "hours": keep_hours()})
        mark_seen(request.user, [f.pk for f in files])
        return response


def _counts_rows(export: ExportFile) -> bool:
    """Whether the file's progress counts rows (a list written row by row), not steps (a report)."""
    kind = export_kinds().get(export.kind)
    return kind is None or kind.queryset is not None


def progress_patterns(export: ExportFile) -> tuple[str, str]:
    """How far the file has come, in words (the pages control's «صفحهٔ ۲ از ۳», not a «۲ / ۳» that
    reads as a fraction), as a pattern for one and for several: a list's «%(done)s از %(total)s
    ردیف», a report's «گام %(done)s از %(total)s». The page fills it in as the worker moves."""
    if _counts_rows(export):
        return (
            ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", 1),
            ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", 2),
        )
    step = _("Step %(done)s of %(total)s")
    return step, step


def progress_text(export: ExportFile, done: int, total: int | None) -> str:
    """What follows the file's status on its page: how far it has come while it is prepared
    («۵۰۰ از ۱٬۲۰۰ ردیف», «گام ۲ از ۳»), what it holds once it is ready («۱۲ ردیف، ۶ کیلوبایت»),
    nothing otherwise."""
    if export.status == ExportStatus.READY:
        rows = formatting.counted(
            ngettext("%(count)s row", "%(count)s rows", export.row_count), export.row_count
        )
        return formatting.join([rows, formatting.file_size(export.size)])
    if export.status in (ExportStatus.WAITING, ExportStatus.RUNNING) and total:
        one, several = progress_patterns(export)
        return formatting.counted_of(one if total == 1 else several, done, total)
    return ""


def export_payload(export: ExportFile) -> dict[str, Any]:
    run = export.run
    done = run.progress_done if run else 0
    total = run.progress_total if run else None
    payload: dict[str, Any] = {
        "id": export.pk,
        "status": export.status,
        "status_label": str(ExportStatus(export.status).label),
        "progress_text": progress_text(export, done, total),
        "done": done,
        "total": total,
        "percent": 100 if export.status == ExportStatus.READY else (run.percent if run else None),
        "rows": export.row_count,
        "size": export.size,
        "error": export.error_text,
        "finished": export.status in (ExportStatus.READY, ExportStatus.FAILED, ExportStatus.EXPIRED),
        "download_url": reverse("jobs:export-download", args=[export.pk])
        if export.status == ExportStatus.READY
        else None,
    }
    return payload


class ExportRedirectView(SignedInView):
    """An old address of a list's direct download (``/cases/export.xlsx``,
    ``/organizations/export/?format=csv``, ``/audit/export.csv``): it now leads to the request
    for a background export of the same list with the same filters. Nothing is written here, so
    no file is ever cut short at a row limit."""

    kind = ""
    fmt = "xlsx"

    def get(self, request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect_to_export(request, self.kind, request.GET.get("format") or self.fmt)


def redirect_to_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """To the export request page of ``kind`` in ``fmt``, keeping the list page's filters."""
    query = request.GET.copy()
    for key in ("format", "export", "page"):
        query.pop(key, None)
    url = reverse("jobs:export-request", args=[kind, fmt])
    return redirect(f"{url}?{query.urlencode()}" if query else url)
