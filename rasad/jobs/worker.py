"""The worker: takes tasks from the database queue and runs them, at least once each.

* **Claim.** A ready task is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (an exclusive
  transaction on SQLite), marked running with this worker's id, and committed; then it runs.
* **Lease.** While a task runs, a heartbeat thread stamps its ``TaskRun`` every few seconds (and
  records its progress). A task whose heartbeat is older than the lease belongs to a worker that
  died (kill -9, power loss): any worker's reaper puts it back in the queue, or parks it when it
  has used all its attempts.
* **Fencing.** A worker records a task's outcome only while it still holds the lease, so a worker
  that stalled past its lease cannot overwrite the outcome of the run that replaced it.
* **Retries.** A task that raises is retried after a backoff that doubles each time; after its
  last attempt, or at once for ``PermanentError``, it is parked with its error for administrators.
* **Schedule.** Each worker ticks the periodic schedule (``rasad.jobs.schedules``).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskContext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from rasad.jobs.engine import PermanentError, _current_run, options_for
from rasad.jobs.models import TaskRun
from rasad.lib import events
from rasad.lib.progress import reporting_to

logger = logging.getLogger(__name__)

AnyResult = DBTaskResult[..., Any]


def heartbeat_seconds() -> float:
    return float(getattr(settings, "RASAD_TASK_HEARTBEAT_SECONDS", 5))


def lease_seconds() -> float:
    return float(getattr(settings, "RASAD_TASK_LEASE_SECONDS", 60))


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"[:64]


# How often a running task's progress is pushed to the person who asked for it (at most).
PUSH_SECONDS = 1.0


@dataclass
class _Current:
    """The task this worker is running, with its progress as last reported.

    The heartbeat thread writes the progress to the task's row every few seconds (what a page
    reads when it opens or polls); the task's own thread pushes it, at most once a second, to the
    owner's open pages over the event bus (``jobs.progress``; docs/exports-and-background-work.md,
    "Progress"). The push is not a write of record, so it leaves at once, not after a commit."""

    task_id: str
    owner_id: int | None = None
    done: int = 0
    total: int | None = None
    note: str = ""
    dirty: bool = True
    pushed_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def update(self, done: int, total: int | None, note: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.done, self.total, self.note, self.dirty = done, total, note[:200], True
            due = self.owner_id is not None and now - self.pushed_at >= PUSH_SECONDS
            if due:
                self.pushed_at = now
        if due and self.owner_id is not None:
            payload = {"task": self.task_id, "done": done, "total": total, "note": note[:200]}
            events.publish(events.make_event("jobs.progress", payload, user_ids=[self.owner_id]))


class Worker:
    def __init__(
        self,
        *,
        worker_id: str | None = None,
        queue_names: tuple[str, ...] = ("default",),
        poll_seconds: float = 1.0,
        heartbeat: bool = True,
        schedule: bool = True,
        ignore_delays: bool = False,
    ) -> None:
        self.worker_id = worker_id or new_worker_id()
        self.queue_names = queue_names
        self.poll_seconds = poll_seconds
        self.heartbeat = heartbeat
        self.schedule = schedule
        self.ignore_delays = ignore_delays
        self.running = True
        self.current: _Current | None = None
        self._stop = threading.Event()
        self._last_maintenance = 0.0

    # ---- the loop ----------------------------------------------------------------------------
    def run(self, *, max_tasks: int | None = None, until_empty: bool = False) -> int:
        """Run tasks until stopped (or ``max_tasks`` ran, or the queue is empty with
        ``until_empty``). Returns how many tasks ran."""
        beat: threading.Thread | None = None
        if self.heartbeat:
            beat = threading.Thread(target=self._beat, name=f"heartbeat-{self.worker_id}", daemon=True)
            beat.start()
        count = 0
        try:
            while self.running:
                if not connection.in_atomic_block:
                    close_old_connections()
                self.maintain()
                claimed = self.claim()
                if claimed is not None:
                    self.execute(claimed)
                    count += 1
                    if max_tasks is not None and count >= max_tasks:
                        break
                    continue
                if until_empty:
                    break
                self._stop.wait(self.poll_seconds)
        finally:
            self._stop.set()
            if beat is not None:
                beat.join(timeout=heartbeat_seconds() + 1)
        return count

    def stop(self) -> None:
        self.running = False
        self._stop.set()

    def install_signal_handlers(self) -> None:
        """First SIGTERM/SIGINT: finish the current task, then stop. Second: stop now (the task
        goes back to the queue)."""

        def handler(signum: int, frame: FrameType | None) -> None:
            if not self.running:
                signal.signal(signum, signal.SIG_DFL)
                raise SystemExit(1)
            logger.warning("worker %s: stopping after the current task", self.worker_id)
            self.stop()

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)

    def maintain(self) -> None:
        """Reap tasks of dead workers and tick the schedule, at most once per poll interval."""
        now = time.monotonic()
        if now - self._last_maintenance < max(self.poll_seconds, 1.0):
            return
        self._last_maintenance = now
        try:
            reap_expired()
            if self.schedule:
                from rasad.jobs.schedules import tick

                tick()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                raise

    # ---- claim -------------------------------------------------------------------------------
    def claim(self) -> AnyResult | None:
        ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY, queue_name__in=self.queue_names)
        if not self.ignore_delays:
            ready = ready.ready()
        try:
            with exclusive_transaction(ready.db):
                result = ready.get_locked()
                if result is None:
                    return None
                result.claim(self.worker_id)
                run, _ = TaskRun.objects.get_or_create(
                    task=result, defaults={"max_attempts": options_for(result.task_path).max_attempts}
                )
                run.attempts += 1
                run.worker_id = self.worker_id
                run.heartbeat_at = timezone.now()
                run.progress_done, run.progress_total, run.progress_note = 0, None, ""
                run.save(
                    update_fields=[
                        "attempts",
                        "worker_id",
                        "heartbeat_at",
                        "progress_done",
                        "progress_total",
                        "progress_note",
                    ]
                )
                return result
        except OperationalError as error:
            if is_locked_database_exception(error):
                return None
            raise

    # ---- run ---------------------------------------------------------------------------------
    def execute(self, result: AnyResult) -> None:
        current = _Current(str(result.pk))
        self.current = current
        # Tests run the worker inside their own transaction; a real worker never is in one.
        outer_atomic = connection.in_atomic_block
        try:
            try:
                try:
                    declared = result.task
                except (ImportError, AttributeError) as missing:
                    raise PermanentError(f"task {result.task_path} does not exist: {missing}") from missing
                args, kwargs = result.args_kwargs["args"], result.args_kwargs["kwargs"]
                run = TaskRun.objects.filter(task_id=result.pk).first()
                current.owner_id = run.owner_id if run is not None else None
                token = _current_run.set(run)
                try:
                    with reporting_to(current):
                        if declared.takes_context:
                            context = TaskContext(task_result=result.task_result)  # type: ignore[arg-type]
                            value = declared.call(context, *args, **kwargs)
                        else:
                            value = declared.call(*args, **kwargs)
                finally:
                    _current_run.reset(token)
            except (KeyboardInterrupt, SystemExit):
                # Stopped from outside mid-task: give the task back, unharmed, and stop.
                self._close_broken_connection(outer_atomic)
                release(result.pk, self.worker_id)
                raise
            except BaseException as error:  # the task's own failure, whatever it is
                self._close_broken_connection(outer_atomic)
                self._flush(current)
                fail(result.pk, self.worker_id, error)
            else:
                self._flush(current)
                succeed(result.pk, self.worker_id, value)
        finally:
            self.current = None

    @staticmethod
    def _close_broken_connection(outer_atomic: bool) -> None:
        if outer_atomic:
            return
        if connection.in_atomic_block:
            # A task must not leave a transaction open; if it did, throw it away.
            connection.close()
        else:
            connection.close_if_unusable_or_obsolete()

    # ---- heartbeat ---------------------------------------------------------------------------
    def _beat(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                current = self.current
                if current is None:
                    continue
                try:
                    self._flush(current)
                except Exception:
                    logger.exception("worker %s: heartbeat failed", self.worker_id)
                    connection.close()
        finally:
            connection.close()

    def _flush(self, current: _Current) -> None:
        with current.lock:
            values: dict[str, Any] = {"heartbeat_at": timezone.now()}
            if current.dirty:
                values.update(
                    progress_done=current.done, progress_total=current.total, progress_note=current.note
                )
                current.dirty = False
        TaskRun.objects.filter(task_id=uuid.UUID(current.task_id), worker_id=self.worker_id).update(**values)


# ---- outcomes (each fenced by the lease) -------------------------------------------------------
def _locked_run(task_id: Any, worker_id: str) -> tuple[TaskRun, AnyResult] | None:
    run = TaskRun.objects.select_for_update().filter(task_id=task_id).first()
    if run is None or run.worker_id != worker_id:
        logger.warning("task %s: worker %s lost its lease; its outcome is dropped", task_id, worker_id)
        return None
    result = DBTaskResult.objects.select_for_update().get(pk=task_id)
    if result.status != TaskResultStatus.RUNNING:
        return None
    return run, result


def _tell_owner(run: TaskRun) -> None:
    """After the outcome commits, the owner's open pages read the task's state again."""
    if run.owner_id is not None:
        events.send_event_on_commit("jobs.state", {"task": str(run.task_id)}, user_ids=[run.owner_id])


def succeed(task_id: Any, worker_id: str, value: Any) -> None:
    with transaction.atomic():
        locked = _locked_run(task_id, worker_id)
        if locked is None:
            return
        run, result = locked
        _tell_owner(run)
        try:
            result.set_successful(value)
        except TypeError as error:  # a return value that is not JSON
            result.set_successful(None)
            run.last_error = f"return value not stored: {error}"
        run.worker_id = ""
        run.heartbeat_at = None
        run.save(update_fields=["worker_id", "heartbeat_at", "last_error"])


def fail(task_id: Any, worker_id: str, error: BaseException) -> None:
    text = "".join(traceback.format_exception(error))[-20000:]
    with transaction.atomic():
        locked = _locked_run(task_id, worker_id)
        if locked is None:
            return
        run, result = locked
        _tell_owner(run)
        run.last_error = text
        run.worker_id = ""
        run.heartbeat_at = None
        if isinstance(error, PermanentError) or run.attempts >= run.max_attempts:
            result.set_failed(error)
            run.parked_at = timezone.now()
            logger.error("task %s (%s) parked after %s attempts", task_id, result.task_path, run.attempts)
        else:
            delay = options_for(result.task_path).backoff(run.attempts)
            _requeue(result, delay)
            logger.warning("task %s (%s) failed; retrying in %.0f s", task_id, result.task_path, delay)
        run.save(update_fields=["last_error", "worker_id", "heartbeat_at", "parked_at"])


def release(task_id: Any, worker_id: str) -> None:
    """Give a task back to the queue without counting the attempt (the worker was stopped)."""
    with transaction.atomic():
        locked = _locked_run(task_id, worker_id)
        if locked is None:
            return
        run, result = locked
        _requeue(result, 0)
        run.attempts = max(0, run.attempts - 1)
        run.worker_id = ""
        run.heartbeat_at = None
        run.save(update_fields=["attempts", "worker_id", "heartbeat_at"])


def _requeue(result: AnyResult, delay: float) -> None:
    result.status = TaskResultStatus.READY
    result.run_after = timezone.now() + timedelta(seconds=delay)
    result.save(update_fields=["status", "run_after"])


def reap_expired(now: Any = None) -> int:
    """Put back in the queue (or park) every running task whose worker stopped beating."""
    moment = now or timezone.now()
    cutoff = moment - timedelta(seconds=lease_seconds())
    stale = list(
        TaskRun.objects.filter(task__status=TaskResultStatus.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "task_id", flat=True
        )
    )
    reaped = 0
    for task_id in stale:
        with transaction.atomic():
            run = (
                TaskRun.objects.select_for_update(skip_locked=True)
                .filter(task_id=task_id, heartbeat_at__lt=cutoff, task__status=TaskResultStatus.RUNNING)
                .first()
            )
            if run is None:
                continue
            result = DBTaskResult.objects.select_for_update().get(pk=task_id)
            lost = run.worker_id
            since = f"{run.heartbeat_at:%Y-%m-%d %H:%M:%S}"
            run.last_error = f"worker {lost} stopped answering (no heartbeat since {since} UTC)"
            run.worker_id = ""
            run.heartbeat_at = None
            if run.attempts >= run.max_attempts:
                result.set_failed(RuntimeError(run.last_error))
                run.parked_at = moment
            else:
                _requeue(
                    result, options_for(result.task_path).backoff(run.attempts) if run.attempts > 1 else 0
                )
            run.save(update_fields=["last_error", "worker_id", "heartbeat_at", "parked_at"])
            logger.warning(
                "task %s: %s; %s", task_id, run.last_error, "parked" if run.parked_at else "requeued"
            )
            reaped += 1
    return reaped
