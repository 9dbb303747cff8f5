"""The API other apps use for background work.

Declare a task in the app's ``tasks.py``::

    from rasad.jobs.engine import background_task, periodic

    @background_task(max_attempts=5)
    def rebuild_rollups(organization_id: int) -> int:
        ...

    @periodic("cases-escalate", cron="* * * * *", title=_("Escalate overdue cases"))
    @background_task(max_attempts=3)
    def escalate_overdue_cases() -> int:
        ...

Enqueue it from an action, inside the action's transaction (the task row is written by the same
transaction, so a rolled-back write runs nothing and a committed one loses nothing)::

    enqueue(rebuild_rollups, organization.pk, owner=acting_user, title=_("Rebuild rollups"))

Tasks receive JSON values (ids, strings, numbers), never model instances. They run at least once:
a worker killed mid-task leaves the task to another worker, and a failure is retried with
backoff. So a task must be idempotent: it re-reads the state, locks what it changes and checks
again under the lock, and guards each visible effect with ``claim_effect`` in the transaction that
makes it. A task that keeps failing (or raises ``PermanentError``) is parked and shown to
administrators with its error on the background-work page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django_tasks import task as _django_task
from django_tasks.base import Task

from rasad.lib.stored_text import StoredText, Words

if TYPE_CHECKING:
    from rasad.core.models import User
    from rasad.jobs.models import TaskRun

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_MAX_ATTEMPTS = 5


class PermanentError(Exception):
    """Raised by a task when running it again cannot help (bad parameters, a record gone): the
    task is parked at once instead of being retried."""


@dataclass(frozen=True)
class TaskOptions:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_seconds: float = 10.0
    backoff_max_seconds: float = 3600.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before the next attempt after ``attempt`` failed (1-based)."""
        return float(min(self.backoff_max_seconds, self.backoff_seconds * 2 ** max(0, attempt - 1)))


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    cron: str
    task: Task[Any, Any]
    title: str | Promise


_current_run: ContextVar[TaskRun | None] = ContextVar("rasad_current_run", default=None)


def current_run() -> TaskRun | None:
    """The ``TaskRun`` of the task running in this context (its attempt number and the attempts
    allowed, as claimed), or None outside a worker."""
    return _current_run.get()


def is_last_attempt() -> bool:
    run = current_run()
    return run is None or run.attempts >= run.max_attempts


_options: dict[str, TaskOptions] = {}
_periodic: dict[str, PeriodicJob] = {}


def background_task(
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_seconds: float = 10.0,
    backoff_max_seconds: float = 3600.0,
    queue_name: str = "default",
    priority: int = 0,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Declare a function as a background task (a Django Tasks ``Task``) with Rasad's retry
    policy: up to ``max_attempts`` runs, waiting ``backoff_seconds`` doubled after each failure."""

    def wrap(func: Callable[P, T]) -> Task[P, T]:
        declared: Task[P, T] = _django_task(priority=priority, queue_name=queue_name)(func)
        _options[declared.module_path] = TaskOptions(max_attempts, backoff_seconds, backoff_max_seconds)
        return declared

    return wrap


def options_for(task_path: str) -> TaskOptions:
    return _options.get(task_path, TaskOptions())


def periodic(name: str, *, cron: str, title: str | Promise) -> Callable[[Task[P, T]], Task[P, T]]:
    """Register a task (taking no arguments) as a periodic job with a default cron expression
    (Tehran time). ``migrate`` keeps one ``Schedule`` row per job; administrators may change its
    expression or switch it off on the schedules page."""
    from rasad.jobs.schedules import validate_cron

    validate_cron(cron)

    def wrap(declared: Task[P, T]) -> Task[P, T]:
        existing = _periodic.get(name)
        if existing is not None and existing.task.module_path != declared.module_path:
            raise ValueError(f"periodic job {name!r} declared twice")
        _periodic[name] = PeriodicJob(name, cron, declared, title)
        return declared

    return wrap


def periodic_jobs() -> dict[str, PeriodicJob]:
    return dict(_periodic)


def enqueue(
    declared: Task[P, T],
    *args: Any,
    key: str | None = None,
    owner: User | None = None,
    title: str | Promise | StoredText = "",
    run_after: datetime | None = None,
    **kwargs: Any,
) -> TaskRun:
    """Enqueue ``declared`` in the current transaction and return its ``TaskRun``.

    With a ``key``, the task is enqueued once: a second call with the same key (even from
    another process at the same moment) returns the first run and enqueues nothing. ``title``
    is read in each reader's language: a ``StoredText``, or a label of the code
    (``gettext_lazy``); a plain text stays as it is."""
    from rasad.jobs.models import TaskRun

    if isinstance(title, Promise):
        title = StoredText(Words.of(title).msgid)
    persian, title_id, title_params = title.kept() if isinstance(title, StoredText) else (title, "", {})

    if key is not None:
        existing = TaskRun.objects.filter(key=key).first()
        if existing is not None:
            return existing
    target = declared.using(run_after=run_after) if run_after is not None else declared
    try:
        with transaction.atomic():
            result = target.enqueue(*args, **kwargs)
            return TaskRun.objects.create(
                task_id=uuid.UUID(str(result.id)),
                key=key,
                owner=owner,
                title=persian[:200],
                title_id=title_id,
                title_params=title_params,
                max_attempts=options_for(declared.module_path).max_attempts,
            )
    except IntegrityError:
        if key is None:
            raise
        return TaskRun.objects.get(key=key)


def claim_effect(key: str) -> bool:
    """Record that the effect named ``key`` is being made; False when it was made already.

    Call it inside the transaction that makes the effect (``transaction.atomic``): the key and
    the effect commit together or not at all, so a task run again after a crash (or by a second
    worker) skips the effects the first run made."""
    from rasad.jobs.models import EffectKey

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim_effect must be called inside the transaction that makes the effect")
    _, created = EffectKey.objects.get_or_create(key=key[:250])
    return created
