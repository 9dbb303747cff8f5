"""The progress of a person's background work reaches that person's open pages over the live
stream, and nobody else's (docs/exports-and-background-work.md, "Progress")."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from rasad.jobs import views as job_views
from rasad.jobs import worker as worker_module
from rasad.jobs.engine import enqueue
from rasad.jobs.models import ExportFile
from rasad.jobs.testing import slow_marker
from rasad.jobs.worker import Worker
from rasad.live.audience import audience_of
from rasad.testing.cast import Cast


def _run_one(django_capture_on_commit_callbacks: Any) -> None:
    worker = Worker(worker_id="w", heartbeat=False, schedule=False)
    claimed = worker.claim()
    assert claimed is not None
    with django_capture_on_commit_callbacks(execute=True):
        worker.execute(claimed)


def test_each_step_and_the_outcome_reach_the_owner_and_nobody_else(
    cast: Cast, pushed: list[dict[str, Any]], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(worker_module, "PUSH_SECONDS", 0.0)
    run = enqueue(slow_marker, "p", 0.3, key="p", owner=cast.alice)
    _run_one(django_capture_on_commit_callbacks)

    progress = [event for event in pushed if event["kind"] == "jobs.progress"]
    assert [(event["payload"]["done"], event["payload"]["total"]) for event in progress] == [
        (0, 3),
        (1, 3),
        (2, 3),
        (3, 3),
    ]
    state = [event for event in pushed if event["kind"] == "jobs.state"]
    assert [event["payload"] for event in state] == [{"task": str(run.task_id)}]
    for event in [*progress, *state]:
        assert event["user_ids"] == [cast.alice.pk]
        assert event["organization_ids"] == []
        assert event["payload"]["task"] == str(run.task_id)
        assert audience_of(cast.alice.pk).admits(event)
        # Not another analyst of the same organization, not the platform administrator.
        assert not audience_of(cast.nadia.pk).admits(event)
        assert not audience_of(cast.root.pk).admits(event)


def test_progress_is_pushed_at_most_once_a_second(
    cast: Cast, pushed: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    enqueue(slow_marker, "q", 0.3, key="q", owner=cast.alice)
    _run_one(django_capture_on_commit_callbacks)
    # Four reports within 0.3 s: the first is pushed, the rest wait for the next second (the
    # heartbeat still writes them to the task's row for pages that read it).
    assert [event["payload"]["done"] for event in pushed if event["kind"] == "jobs.progress"] == [0]


def test_a_task_nobody_asked_for_pushes_nothing(
    db: Any, pushed: list[dict[str, Any]], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(worker_module, "PUSH_SECONDS", 0.0)
    enqueue(slow_marker, "r", 0.1, key="r")
    _run_one(django_capture_on_commit_callbacks)
    assert not [event for event in pushed if event["kind"].startswith("jobs.")]


def test_the_file_page_follows_the_stream_only_when_the_worker_s_events_reach_it(
    cast: Cast, monkeypatch: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    client = Client()
    client.force_login(cast.alice)
    url = reverse("jobs:export-request", args=["cases", "xlsx"])
    response = client.post(url)
    export = ExportFile.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert export.run is not None
    detail = reverse("jobs:export-detail", args=[export.pk])

    monkeypatch.setattr(job_views, "progress_is_pushed", lambda: False)
    page = client.get(detail).content.decode()
    assert "data-stream-url" not in page  # the in-process bus: the page polls

    monkeypatch.setattr(job_views, "progress_is_pushed", lambda: True)
    page = client.get(detail).content.decode()
    assert f'data-task="{export.run.task_id}"' in page
    assert f'data-stream-url="{reverse("live:stream")}"' in page


def test_with_redis_the_worker_s_events_are_taken_to_reach_the_pages(settings: Any) -> None:
    settings.EVENT_BUS = "local"
    assert job_views.progress_is_pushed() is False
    settings.EVENT_BUS = "redis"
    assert job_views.progress_is_pushed() is True
