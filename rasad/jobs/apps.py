from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "rasad.jobs"
    label = "jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from rasad.jobs import audit  # noqa: F401  (registers the 6xx audit codes)
        from rasad.live.audience import register_personal_topic

        # The progress and outcome of a person's background work reach that person's open pages
        # over the one live stream (docs/exports-and-background-work.md, "Progress").
        register_personal_topic("jobs.")

        # Every app declares its tasks and periodic jobs in its ``tasks.py`` and its exportable
        # lists in its ``exports.py``: importing them here registers them before the schedule
        # table is brought in step with the periodic jobs.
        autodiscover_modules("tasks", "exports")
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="rasad.jobs.sync_schedules")


def _sync_after_migrate(sender: AppConfig, **kwargs: object) -> None:
    from rasad.jobs.schedules import sync_schedules

    sync_schedules(using=str(kwargs.get("using", "default")))
