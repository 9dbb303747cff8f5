"""Exports of lists, prepared in the background.

An app declares each list that can be exported in its ``exports.py`` (imported by the jobs app at
start-up)::

    register_export(
        ExportKind(
            name="cases",
            title=gettext_lazy("Cases"),
            permission="cases.view_case",
            columns=case_columns,
            queryset=lambda user, params: CaseFilterSet(params, queryset=Case.objects.visible_to(user)).qs,
        )
    )

A person asks for an export (``do_request_export``): the request is checked (they may see the
list; the filters are valid), an ``ExportFile`` row and the task that fills it are written in one
transaction. The task streams the rows into a file (constant memory, progress reported), then
publishes it under a row lock, once. The file is served only to its owner, only while they may
still see the list, and deleted after ``RASAD_EXPORT_KEEP_HOURS``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from rasad.core.audit_log import record
from rasad.core.scope import scope_for_permission
from rasad.jobs.audit import JobAuditEvent
from rasad.jobs.engine import PermanentError, background_task, enqueue, is_last_attempt, periodic
from rasad.jobs.mail import queue_mail
from rasad.jobs.models import ExportFile, ExportStatus
from rasad.lib import display, stored_text
from rasad.lib.jalali import format_datetime
from rasad.lib.progress import Progress
from rasad.lib.stored_text import Names, StoredText, Words
from rasad.lib.tabular import ExportColumn, export_xlsx, write_csv

if TYPE_CHECKING:
    from rasad.core.models import User

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class ExportKind:
    """A list that can be exported: who may (``permission`` held somewhere), its columns, and its
    rows for a person and the list page's query parameters (scoped with ``visible_to``; raise
    ValidationError for bad filters)."""

    name: str
    title: str | Promise
    permission: str
    columns: Callable[[], list[ExportColumn]] | None = None
    queryset: Callable[[User, Params], models.QuerySet[Any]] | None = None
    formats: tuple[str, ...] = ("xlsx", "csv")
    list_url: str = ""
    # A file that is not a list (a report): check the parameters now (raise ValidationError or
    # ObjectNotFound), say whether a person may have the file, and write it (returns a count).
    validate: Callable[[User, Params], None] | None = None
    allowed: Callable[[User, Params], bool] | None = None
    writer: Callable[[User, Params, str, IO[bytes]], int] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_kinds: dict[str, ExportKind] = {}


def register_export(kind: ExportKind) -> ExportKind:
    existing = _kinds.get(kind.name)
    if existing is not None and existing is not kind and existing.permission != kind.permission:
        raise ValueError(f"export kind {kind.name!r} registered twice")
    _kinds[kind.name] = kind
    return kind


def export_kinds() -> dict[str, ExportKind]:
    return dict(_kinds)


def apply_filters(
    filterset_class: Any, queryset: models.QuerySet[Any], params: Params
) -> models.QuerySet[Any]:
    """The list page's filters applied to ``queryset`` (already scoped); invalid filters raise
    ValidationError instead of being ignored, so an export holds what the person asked for."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, [values] if isinstance(values, str) else list(values))
    filterset = filterset_class(data or None, queryset=queryset)
    if data and not filterset.is_valid():
        raise ValidationError({key: [str(m) for m in messages] for key, messages in filterset.errors.items()})
    rows: models.QuerySet[Any] = filterset.qs
    return rows


def keep_hours() -> int:
    return int(getattr(settings, "RASAD_EXPORT_KEEP_HOURS", 72))


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def may_export(user: User, kind: ExportKind, params: Params | None = None) -> bool:
    if not user.is_active or scope_for_permission(user, kind.permission).is_nothing:
        return False
    if kind.allowed is not None and params is not None:
        return kind.allowed(user, params)
    return True


def _plain_params(params: Params) -> dict[str, list[str]]:
    plain: dict[str, list[str]] = {}
    for key, values in params.items():
        if key in {"page", "export", "format", "csrfmiddlewaretoken"}:
            continue
        items = [values] if isinstance(values, str) else list(values)
        plain[str(key)[:100]] = [str(v)[:500] for v in items][:50]
    return plain


@transaction.atomic
def do_request_export(kind_name: str, file_format: str, params: Params, *, acting_user: User) -> ExportFile:
    """Ask for an export of a list: validated now, prepared by a worker."""
    kind = _kinds.get(kind_name)
    # Refusals raised lazily, with their parameters: a subscribed report's refusal is kept and
    # read later in its reader's language (stored_text.of_refusal).
    if kind is None or not may_export(acting_user, kind):
        raise ValidationError(
            {"kind": [gettext_lazy("There is no such list to export, or you may not see it.")]}
        )
    if file_format not in kind.formats:
        raise ValidationError(
            {
                "format": ValidationError(
                    gettext_lazy("Choose one of these formats: %(formats)s."),
                    params={"formats": Names(kind.formats)},
                )
            }
        )
    plain = _plain_params(params)
    if kind.validate is not None:
        kind.validate(acting_user, plain)
    if kind.queryset is not None:
        kind.queryset(acting_user, plain)  # raises ValidationError for bad filters; not evaluated
    export = ExportFile.objects.create(
        owner=acting_user,
        kind=kind.name,
        file_format=file_format,
        params=plain,
        title=Words.of(kind.title).msgid[:200],  # read in the reader's language (shown_title)
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    run = enqueue(
        build_export,
        export.pk,
        owner=acting_user,
        title=StoredText(gettext_noop("Export: %(title)s"), {"title": Words.of(kind.title)}),
    )
    export.run = run
    export.save(update_fields=["run"])
    record(
        JobAuditEvent.EXPORT_REQUESTED,
        actor=acting_user,
        obj=export,
        new={"kind": kind.name, "format": file_format, "params": plain},
    )
    return export


def do_record_download(export: ExportFile, *, acting_user: User) -> None:
    """Who took which file, for the audit trail; the first download also marks it seen."""
    with transaction.atomic():
        record(JobAuditEvent.EXPORT_DOWNLOADED, actor=acting_user, obj=export, extra={"size": export.size})
        ExportFile.objects.filter(pk=export.pk, seen_at__isnull=True).update(seen_at=timezone.now())


def mark_seen(user: User, ids: Iterable[int]) -> int:
    return ExportFile.objects.filter(
        owner=user,
        pk__in=list(ids),
        status__in=[ExportStatus.READY, ExportStatus.FAILED],
        seen_at__isnull=True,
    ).update(seen_at=timezone.now())


def _fail(export: ExportFile, message: StoredText) -> None:
    """The file failed; why is kept by message id and parameters (the Persian text beside them)
    and read in its owner's language and digits of the moment they read it: the page, the API
    and "My files" (rasad.lib.stored_text)."""
    persian, error_id, error_params = message.kept()
    ExportFile.objects.filter(pk=export.pk).exclude(status=ExportStatus.READY).update(
        status=ExportStatus.FAILED,
        error=persian[:400],
        error_id=error_id,
        error_params=error_params,
        finished_at=timezone.now(),
    )


@background_task(max_attempts=3, backoff_seconds=30)
def build_export(export_id: int) -> str:
    """Fill one requested export. Idempotent: a file already published is left alone; a run cut
    short leaves only a partial file, which the next run replaces."""
    export = ExportFile.objects.select_related("owner").filter(pk=export_id).first()
    if export is None:
        raise PermanentError(f"export {export_id} no longer exists")
    if export.status in (ExportStatus.READY, ExportStatus.EXPIRED, ExportStatus.FAILED):
        return str(export.status)
    kind = _kinds.get(export.kind)
    owner = export.owner
    with translation.override(export.language):
        if kind is None or not may_export(owner, kind, export.params):
            _fail(export, StoredText(gettext_noop("You may no longer see this list.")))
            return ExportStatus.FAILED
        ExportFile.objects.filter(pk=export.pk, status=ExportStatus.WAITING).update(
            status=ExportStatus.RUNNING
        )
        token = display.activate(display.preferences_of(owner, export.language))
        try:
            return _write(export, kind, owner)
        except ValidationError as error:
            _fail(export, stored_text.of_refusal(error))
            return ExportStatus.FAILED
        except Exception:
            if is_last_attempt():
                _fail(
                    export,
                    StoredText(
                        gettext_noop("The file could not be prepared; the administrators can see why.")
                    ),
                )
            raise
        finally:
            display.reset(token)


def _write(export: ExportFile, kind: ExportKind, owner: User) -> str:
    folder = export_dir()
    for stale in folder.glob(f"{export.pk}-*.part"):
        stale.unlink(missing_ok=True)
    final_name = f"{export.pk}-{uuid.uuid4().hex}.{export.file_format}"
    partial = folder / f"{final_name}.part"
    if kind.writer is not None:
        with partial.open("wb") as handle:
            rows = kind.writer(owner, export.params, export.file_format, handle)
            handle.flush()
            os.fsync(handle.fileno())
        total = rows
    else:
        assert kind.queryset is not None and kind.columns is not None
        queryset = kind.queryset(owner, export.params)
        total = queryset.count()
        columns = kind.columns()
        progress = Progress(total, str(_("rows")))
        rows = 0

        def on_row() -> None:
            nonlocal rows
            rows += 1
            if rows % 500 == 0:
                progress.advance(500)

        objects = queryset.iterator(chunk_size=2000)
        with partial.open("wb") as handle:
            if export.file_format == "csv":
                write_csv(handle, columns, objects, labels=True, on_row=on_row)
            else:
                export_xlsx(handle, columns, objects, title=str(kind.title), on_row=on_row)
            handle.flush()
            os.fsync(handle.fileno())
        progress.stage(str(_("done")), total=total, done=rows)
    with transaction.atomic():
        locked = ExportFile.objects.select_for_update().get(pk=export.pk)
        if locked.status == ExportStatus.READY:
            partial.unlink(missing_ok=True)  # another run published first
            return ExportStatus.READY
        partial.rename(folder / final_name)
        now = timezone.now()
        locked.file.name = f"exports/{final_name}"
        locked.size = (folder / final_name).stat().st_size
        locked.row_count = rows
        locked.status = ExportStatus.READY
        locked.finished_at = now
        locked.expires_at = now + timedelta(hours=keep_hours())
        locked.error = ""
        locked.save(
            update_fields=["file", "size", "row_count", "status", "finished_at", "expires_at", "error"]
        )
        _tell_owner(locked, owner)
        if locked.params.get("deliver") == ["1"] and owner.email:
            # A subscription's delivery: the file also goes by e-mail, once.
            queue_mail(
                _("Rasad: %(title)s") % {"title": locked.shown_title},
                _("Your report “%(title)s” is attached. It is also under “My files” until %(until)s.")
                % {"title": locked.shown_title, "until": display_datetime(locked.expires_at)},
                [owner.email],
                key=f"export-mail:{locked.pk}",
                export_id=locked.pk,
            )
    return ExportStatus.READY


def _tell_owner(export: ExportFile, owner: User) -> None:
    """A notification in the site that the file is ready, with the link to its page (once: a run
    that finds the file ready returns before this). No e-mail: the person asked a moment ago and
    usually waits on the file's page; a subscription's file goes by e-mail itself."""
    from rasad.cases.choices import NotificationKind
    from rasad.cases.notifications import notify

    notify(
        [owner],
        None,
        NotificationKind.FILE,
        # Read in each reader's language, calendar and digits (rasad.lib.stored_text).
        StoredText(
            gettext_noop("“%(title)s” is ready to download until %(until)s."),
            {"title": Words(export.title), "until": export.expires_at or timezone.now()},
        ),
        link=reverse("jobs:export-detail", args=[export.pk]),
        email=False,
    )


def display_datetime(moment: Any) -> str:
    prefs = display.current()
    return format_datetime(moment, calendar=prefs.calendar, persian_digits=prefs.persian_digits)


def partial_delete(path: Path) -> Callable[[], None]:
    return lambda: path.unlink(missing_ok=True)


@periodic("jobs-expire-files", cron="17 * * * *", title=gettext_lazy("Delete prepared files past their time"))
@background_task(max_attempts=3)
def expire_files() -> int:
    """Delete the prepared files whose time is up (and partial files left by crashed runs)."""
    now = timezone.now()
    expired = 0
    for export in ExportFile.objects.filter(status=ExportStatus.READY, expires_at__lt=now):
        with transaction.atomic():
            locked = (
                ExportFile.objects.select_for_update().filter(pk=export.pk, status=ExportStatus.READY).first()
            )
            if locked is None:
                continue
            name = locked.file.name
            locked.status = ExportStatus.EXPIRED
            locked.file.name = ""
            locked.save(update_fields=["status", "file"])
            if name:
                transaction.on_commit(partial_delete(Path(settings.MEDIA_ROOT) / name))
            expired += 1
    day_ago = now.timestamp() - 86400
    for partial in export_dir().glob("*.part"):
        if partial.stat().st_mtime < day_ago:
            partial.unlink(missing_ok=True)
    return expired
