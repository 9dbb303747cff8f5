"""What the background-work engine keeps besides the task queue itself.

The queue is django-tasks-db's ``DBTaskResult`` table: one row per enqueued task, written in the
transaction of the action that asked for it. Rasad adds a row per task for what the queue does not
hold (lease and heartbeat of the worker running it, attempts allowed, progress, an idempotency
key), the periodic schedule as data, and the keys of effects already made.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasad.lib import stored_text


class TaskRun(models.Model):
    """Rasad's side of one enqueued task: who asked for it, which worker holds it and until
    when, how far it has got, and why it last failed."""

    task = models.OneToOneField(
        "django_tasks_database.DBTaskResult", on_delete=models.CASCADE, primary_key=True, related_name="run"
    )
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    # What the task does: in Persian as written (all a run stored before session 25 has) and by
    # message id and parameters, read in the reader's language (``shown_title``): the
    # administrators on the background-work page need not read the language it was asked in.
    title = models.CharField(_("title"), max_length=200, blank=True)
    title_id = models.TextField(_("title's message id"), blank=True, default="")
    title_params = models.JSONField(_("title's parameters"), blank=True, default=dict)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts allowed"), default=5)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker_id = models.CharField(_("worker"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    progress_done = models.BigIntegerField(_("done"), default=0)
    progress_total = models.BigIntegerField(_("total"), null=True, blank=True)
    progress_note = models.CharField(_("stage"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    parked_at = models.DateTimeField(_("parked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("task run")
        verbose_name_plural = _("task runs")
        indexes = [models.Index(fields=["worker_id", "heartbeat_at"])]
        permissions = [("manage_taskrun", _("Can see and retry parked background tasks"))]

    def __str__(self) -> str:
        return self.shown_title or str(self.task_id)

    @property
    def shown_title(self) -> str:
        return stored_text.read(self.title, self.title_id, self.title_params)

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return max(0, min(100, int(100 * self.progress_done / self.progress_total)))


class Schedule(models.Model):
    """A periodic job as data: a cron expression in Tehran time and the task it enqueues.

    Apps declare their periodic jobs in code (``rasad.jobs.engine.periodic``); ``migrate`` creates a
    row for each with its default expression, and an administrator may change the expression or
    switch the job off without a deployment."""

    name = models.SlugField(_("name"), max_length=100, unique=True)
    task_path = models.CharField(_("task"), max_length=200)
    cron = models.CharField(_("cron expression"), max_length=100)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True, db_index=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_task = models.ForeignKey(
        "django_tasks_database.DBTaskResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_orphaned = models.BooleanField(_("no longer declared"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")

    def __str__(self) -> str:
        return self.name


class EffectKey(models.Model):
    """The key of a visible effect already made (an e-mail queued, a file published, a
    notification written). Inserted in the transaction that makes the effect, so a task run again
    after a crash finds the key and does not make the effect twice."""

    key = models.CharField(max_length=250, primary_key=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("effect key")
        verbose_name_plural = _("effect keys")

    def __str__(self) -> str:
        return self.key


class ExportStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportFile(models.Model):
    """A file prepared in the background for one person: an export of a list they may see, or a
    generated report. Kept for a set time, then deleted; served only to its owner, and only while
    they may still see what it holds."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("owner")
    )
    kind = models.CharField(_("kind"), max_length=60)
    file_format = models.CharField(_("format"), max_length=8)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.WAITING
    )
    run = models.ForeignKey(TaskRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(_("file"), upload_to="exports/", max_length=200, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    row_count = models.BigIntegerField(_("rows"), default=0)
    # Why it failed: in Persian as written (all a row stored before session 25 has) and by message
    # id and parameters, read in the owner's language and digits (``error_text``).
    error = models.CharField(_("error"), max_length=400, blank=True)
    error_id = models.TextField(_("error's message id"), blank=True, default="")
    error_params = models.JSONField(_("error's parameters"), blank=True, default=dict)
    language = models.CharField(_("language"), max_length=8, default="fa")
    created = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True, db_index=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("prepared file")
        verbose_name_plural = _("prepared files")
        indexes = [models.Index(fields=["owner", "status", "seen_at"])]

    def __str__(self) -> str:
        return self.shown_title

    @property
    def shown_title(self) -> str:
        """The list's or report's name in the current reader's language: ``title`` keeps its
        message id (a row stored before session 25, the name as it was written, reads as itself)."""
        return gettext(self.title)

    @property
    def error_text(self) -> str:
        """Why it failed, to the current reader (rasad.lib.stored_text); a row stored before
        reads as it was written."""
        return stored_text.read(self.error, self.error_id, self.error_params)

    @property
    def download_name(self) -> str:
        """The name the reader saves the file under: its title and when it was prepared, in their
        calendar and digits, Tehran time («پرونده‌ها ۱۴۰۵-۰۹-۱۴ ۲۲-۵۱.xlsx»)."""
        return self._names()[0]

    @property
    def download_fallback(self) -> str:
        """The ASCII name for programs that read no other (``rasad.lib.downloads``): the kind and
        the Jalali moment in Latin digits («cases-1405-09-14-22-51.xlsx»)."""
        return self._names()[1]

    def _names(self) -> tuple[str, str]:
        from rasad.lib.downloads import dated_names

        return dated_names(
            self.shown_title or self.kind, self.kind, self.file_format, self.finished_at or self.created
        )

    @property
    def content_type(self) -> str:
        if self.file_format == "xlsx":
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if self.file_format == "pdf":
            return "application/pdf"
        return "text/csv; charset=utf-8"
