"""Background-work pages: the administrators' view of the queue, parked tasks and schedules, and
the progress of one task for the person who asked for it (polled by the page)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus

from rasad.core.models import User
from rasad.jobs.access import may_manage_jobs
from rasad.jobs.actions import do_change_schedule, do_retry_task
from rasad.jobs.forms import ScheduleForm
from rasad.jobs.models import Schedule, TaskRun
from rasad.web.views import RasadView


class ManagerView(RasadView):
    """Pages for platform administrators only; anyone else gets the same 404 as a missing page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not may_manage_jobs(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class JobsView(ManagerView):
    def get(self, request: HttpRequest) -> HttpResponse:
        runs = TaskRun.objects.select_related("task", "owner")
        parked = runs.filter(parked_at__isnull=False, task__status=TaskResultStatus.FAILED).order_by(
            "-parked_at"
        )
        running = runs.filter(task__status=TaskResultStatus.RUNNING).order_by("task__started_at")
        waiting = runs.filter(task__status=TaskResultStatus.READY).order_by("task__run_after")
        retrying = waiting.exclude(last_error="")
        return render(
            request,
            "jobs/jobs.html",
            {
                "parked": parked[:100],
                "parked_count": parked.count(),
                "running": running[:100],
                "waiting_count": waiting.count(),
                "retrying": retrying[:50],
                "schedules": Schedule.objects.filter(is_orphaned=False),
            },
        )


class RetryView(ManagerView):
    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        run = _run_or_404(pk)
        user: User = request.user  # type: ignore[assignment]
        try:
            do_retry_task(run, acting_user=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The task is back in the queue."))
        return redirect("jobs:jobs")


class ScheduleEditView(ManagerView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        schedule = _schedule_or_404(pk)
        form = ScheduleForm(initial={"cron": schedule.cron, "is_enabled": schedule.is_enabled})
        return render(request, "jobs/schedule_form.html", {"schedule": schedule, "form": form})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        schedule = _schedule_or_404(pk)
        form = ScheduleForm(request.POST)
        user: User = request.user  # type: ignore[assignment]
        if form.is_valid() and form.run_action(
            do_change_schedule,
            schedule,
            cron=form.cleaned_data["cron"],
            is_enabled=form.cleaned_data["is_enabled"],
            acting_user=user,
        ):
            messages.success(request, _("The schedule was saved."))
            return redirect("jobs:jobs")
        return render(request, "jobs/schedule_form.html", {"schedule": schedule, "form": form}, status=400)


class RunProgressView(RasadView):
    """JSON progress of one task, for the person who asked for it (or an administrator)."""

    def get(self, request: HttpRequest, pk: str) -> JsonResponse:
        run = _run_or_404(pk)
        if run.owner_id != request.user.pk and not may_manage_jobs(request.user):
            raise Http404
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
        raise Http404 from None


def _schedule_or_404(pk: int) -> Schedule:
    schedule = Schedule.objects.filter(pk=pk, is_orphaned=False).first()
    if schedule is None:
        raise Http404
    return schedule
